/**
 * Characters that change how a terminal shows the text after them: C0/C1 controls (ESC starts colour,
 * cursor and window-title sequences), bidirectional overrides and isolates, zero-width and line-separator
 * characters.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Prints data as pretty JSON on stdout, every terminal-changing character written as a \\u escape (the same JSON value). */
export function printJson(value: unknown): void {
  // JSON.stringify already escapes C0 controls inside strings; the newlines left are its own layout.
  const json = JSON.stringify(value, null, 2).replace(
    /[^\n\P{Cc}]|[\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/gu,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  process.stdout.write(`${json}\n`);
}

/** A plain text table; every cell is shown as text, with control characters made visible. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>, maxWidth = 60): string {
  const cells = [headers, ...rows].map((row) => row.map((cell) => clip(printable(cell), maxWidth)));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

/** Text safe to print on a terminal: crawled text may carry escape sequences. */
export function printable(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : String(value);
  return text.replace(UNSAFE, (c) => (c === '\n' || c === '\t' ? ' ' : `\\u{${c.charCodeAt(0).toString(16)}}`));
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * `toolrisk … | head`: once the reader has closed the pipe, nothing more can be shown, so the process ends
 * quietly with exit code 0 instead of an unhandled EPIPE stack trace, as other Unix tools do.
 */
export function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}
