import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { causes } from '../../db/errors.ts';
import { nonPublicReason } from './address.ts';

/** Every address a host name resolves to. */
export type Resolver = (hostname: string) => Promise<string[]>;

export interface NetworkPolicy {
  /** Lifts the refusal of loopback, private, link-local, metadata… addresses (`--allow-private-network`). */
  allowPrivateNetwork?: boolean;
  /** When given, only these hosts: exact names or addresses, or `*.example.com` for its subdomains. */
  allowHosts?: string[];
  denyHosts?: string[];
  /** Name resolution, a parameter so tests control it; the system resolver by default. */
  resolve?: Resolver;
}

export type UrlVerdict = { allowed: true; addresses: string[] } | { allowed: false; reason: string };

export class RefusedByPolicyError extends Error {
  readonly code = 'refused_by_policy';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`refused by network policy: ${url}: ${reason}`);
    this.name = 'RefusedByPolicyError';
  }
}

/** The policy refusal behind an error, looking through `cause` chains (fetch and the SDK wrap errors). */
export function refusalIn(error: unknown): RefusedByPolicyError | undefined {
  for (const cause of causes(error, 10)) if (cause instanceof RefusedByPolicyError) return cause;
  return undefined;
}

export const systemResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

// Names that mean "this machine" or "this network" whatever a resolver says about them.
const LOCAL_NAMES = ['localhost', 'metadata', 'instance-data', 'metadata.google.internal', 'metadata.goog'];
const LOCAL_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa', '.localdomain', '.intranet', '.lan'];

/** The host as compared everywhere: lower case, no trailing dot, IPv6 without brackets. */
export function normalizeHost(hostname: string): string {
  return hostname
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
}

type HostMatcher = (host: string) => boolean;
// An allowlist may name a thousand hosts and is checked for every request: normalised once per list.
const hostMatchers = new WeakMap<readonly string[], HostMatcher>();

function matchesHost(host: string, patterns: readonly string[]): boolean {
  let matches = hostMatchers.get(patterns);
  if (!matches) {
    const names = new Set<string>();
    const suffixes: string[] = [];
    for (const pattern of patterns.map(normalizeHost)) {
      if (pattern.startsWith('*.')) suffixes.push(pattern.slice(1));
      else names.add(pattern);
    }
    matches = (candidate) => names.has(candidate) || suffixes.some((suffix) => candidate.endsWith(suffix));
    hostMatchers.set(patterns, matches);
  }
  return matches(host);
}

/**
 * Resolves `host` and checks every address it resolves to; the addresses returned are the ones
 * to connect to (so a second, different DNS answer can never be used). Throws when resolution fails.
 */
export async function resolveChecked(host: string, policy: NetworkPolicy): Promise<UrlVerdict> {
  if (isIP(host)) {
    const reason = policy.allowPrivateNetwork ? undefined : nonPublicReason(host);
    return reason ? { allowed: false, reason: `${host} is ${reason}` } : { allowed: true, addresses: [host] };
  }
  if (!policy.allowPrivateNetwork && (LOCAL_NAMES.includes(host) || LOCAL_SUFFIXES.some((s) => host.endsWith(s)))) {
    return { allowed: false, reason: `${host} names this machine or a local network` };
  }
  const addresses = await (policy.resolve ?? systemResolver)(host);
  if (addresses.length === 0) throw new Error(`${host} resolved to no address`);
  if (!policy.allowPrivateNetwork) {
    for (const address of addresses) {
      const reason = nonPublicReason(address);
      if (reason) return { allowed: false, reason: `${host} resolves to ${address}, ${reason}` };
    }
  }
  return { allowed: true, addresses };
}

/**
 * Whether the crawler may connect to a remote server's URL: http(s) only, the host allow/deny
 * lists, and no loopback, private, link-local, CGNAT, multicast, reserved or metadata address,
 * however spelled (the WHATWG parser turns `0x7f.1`, `2130706433`, `0177.0.0.1`, `127.1` into
 * 127.0.0.1), directly, through an IPv6 form that embeds one, or through DNS.
 */
export async function checkRemoteUrl(url: string | URL, policy: NetworkPolicy): Promise<UrlVerdict> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { allowed: false, reason: 'not a valid URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return { allowed: false, reason: `only http and https are crawled, not ${parsed.protocol}` };
  }
  const host = normalizeHost(parsed.hostname);
  if (policy.denyHosts && matchesHost(host, policy.denyHosts)) return { allowed: false, reason: `${host} is on the host denylist` };
  if (policy.allowHosts && !matchesHost(host, policy.allowHosts)) return { allowed: false, reason: `${host} is not on the host allowlist` };
  return resolveChecked(host, policy);
}
