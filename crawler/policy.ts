/**
 * Which hosts the crawler may connect to. A host matches an entry equal to it, or an entry `*.example.com`
 * for any subdomain of example.com. The denylist wins; with an allowlist, every other host is refused.
 */
export interface HostPolicy {
  allowHosts?: string[];
  denyHosts?: string[];
}

export function hostRefusal(url: string, policy: HostPolicy = {}): string | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase().replace(/^\[|\]$/g, '');
  } catch {
    return `${JSON.stringify(url)} is not a URL`;
  }
  const deny = policy.denyHosts?.find((pattern) => hostMatches(host, pattern));
  if (deny) return `the host ${host} is on the denylist (${deny})`;
  if (policy.allowHosts && !policy.allowHosts.some((pattern) => hostMatches(host, pattern))) {
    return `the host ${host} is not on the allowlist (${policy.allowHosts.join(', ') || 'empty'})`;
  }
  return undefined;
}

function hostMatches(host: string, pattern: string): boolean {
  const p = pattern.toLowerCase().replace(/^\[|\]$/g, '');
  return p.startsWith('*.') ? host.endsWith(p.slice(1)) : host === p;
}
