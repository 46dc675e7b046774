/** An ISO time to the minute as the site shows it: `2026-01-03 00:00` (always UTC; callers add " UTC" where it is not said nearby). */
export function utcMinute(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}
