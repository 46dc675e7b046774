import { createHash } from 'node:crypto';

const MAX_READABLE = 60;
/** Hash lengths tried in turn when two names of a group share a shorter prefix of their SHA-256. */
const HASH_LENGTHS = [10, 16, 24, 32, 64] as const;

/**
 * The readable part of a name's URL segment: lowercase ASCII letters, digits, `-` and `_`, at most 60
 * characters; empty when nothing readable is left (`..`, `ツール`).
 */
export function readableSlug(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .slice(0, MAX_READABLE)
    .replace(/^[-_]+|[-_]+$/g, '');
}

function hashed(name: string, readable: string, length: number): string {
  return `${readable || 'x'}-${createHash('sha256').update(name, 'utf8').digest('hex').slice(0, length)}`;
}

/**
 * The slug a name gets when no other name in its scope shares its readable part: the readable part itself,
 * or, when nothing readable is left, `x-` and ten hex digits of the name's SHA-256.
 */
export function slugify(name: string): string {
  const readable = readableSlug(name);
  return readable ? readable : hashed(name, readable, HASH_LENGTHS[0]);
}

/**
 * Distinct URL segments for every name of one scope (the servers of the catalogue, the tools of one server),
 * decided by the set of names alone, whatever their order:
 * - a name whose readable part no other name shares keeps it bare (`github-github-mcp-server`);
 * - where several names share one, the name that already is that readable part keeps it bare and every other
 *   gets the readable part plus ten hex digits of its SHA-256 (`fetch_page-1a2b3c4d5e`);
 * - where ten hex digits are not enough to tell two names apart (or would equal another name's bare slug),
 *   those names get 16, then 24, 32 and 64 digits.
 * - a readable part in `reserved` is never bare: every name of its group is hashed (a tool named `index` would
 *   otherwise be written over its server's page, `index.html`).
 * Segments hold only `[a-z0-9_-]`, so `..`, `/` or `%` can never reach a path.
 */
export function assignSlugs(names: Iterable<string>, reserved: ReadonlySet<string> = new Set()): Map<string, string> {
  const groups = new Map<string, string[]>();
  for (const name of new Set(names)) {
    const readable = readableSlug(name);
    const group = groups.get(readable);
    if (group) group.push(name);
    else groups.set(readable, [name]);
  }
  const slugs = new Map<string, string>();
  const needHash: Array<{ readable: string; names: string[] }> = [];
  for (const [readable, group] of groups) {
    if (!readable || reserved.has(readable)) needHash.push({ readable, names: group });
    else if (group.length === 1) slugs.set(group[0], readable);
    else if (group.includes(readable)) {
      slugs.set(readable, readable);
      needHash.push({ readable, names: group.filter((n) => n !== readable) });
    } else needHash.push({ readable, names: group });
  }
  const bare = new Set(slugs.values());
  for (const { readable, names: group } of needHash) {
    for (const name of group) slugs.set(name, hashedSlug(name, readable, group, bare));
  }
  return slugs;
}

function hashedSlug(name: string, readable: string, group: readonly string[], bare: ReadonlySet<string>): string {
  for (const length of HASH_LENGTHS) {
    const slug = hashed(name, readable, length);
    if (bare.has(slug)) continue;
    if (group.every((other) => other === name || hashed(other, readable, length) !== slug)) return slug;
  }
  throw new Error(`No distinct URL slug for ${JSON.stringify(name)}: its SHA-256 equals another name's.`);
}
