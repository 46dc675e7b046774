import { type Orm, serverExists, serverNames, type ServerNames } from '../db/index.ts';
import { assignSlugs } from '../site/render/slug.ts';
import { printable } from './output.ts';

export type Resolution =
  | { kind: 'found'; id: string }
  | { kind: 'ambiguous'; query: string; candidates: string[] }
  | { kind: 'missing'; query: string; suggestions: string[] };

/**
 * The server a command line names, by any of its names: the id (`io.github.owner/repo`), an npm package
 * (`@scope/name`, with or without `@version`), the site's URL slug (`/servers/<slug>/`, as the site assigns it
 * among all the catalogue's servers), or a prefix of one
 * of these that only one server has. A miss suggests the closest ids.
 */
export function resolveServerName(query: string, servers: readonly ServerNames[]): Resolution {
  const wanted = query.trim();
  const lower = wanted.toLowerCase();
  const packageName = withoutVersion(wanted);
  const slugs = assignSlugs(servers.map((s) => s.id));
  const names = new Map(servers.map((s) => [s, namesOf(s, slugs.get(s.id))]));
  const exact = (test: (names: string[]) => boolean) => servers.filter((s) => test(names.get(s)!));

  for (const matches of [
    servers.filter((s) => s.id === wanted),
    servers.filter((s) => s.packages.includes(packageName) || s.id === `npm:${packageName}`),
    servers.filter((s) => slugs.get(s.id) === wanted),
    exact((names) => names.some((name) => name.toLowerCase() === lower)),
    exact((names) => names.some((name) => name.toLowerCase().startsWith(lower))),
  ]) {
    if (matches.length === 1) return { kind: 'found', id: matches[0].id };
    if (matches.length > 1)
      return {
        kind: 'ambiguous',
        query: wanted,
        candidates: matches
          .map((s) => s.id)
          .sort()
          .slice(0, 10),
      };
  }
  return { kind: 'missing', query: wanted, suggestions: closest(lower, servers, names) };
}

/** Resolves the name against the catalogue; an unknown or ambiguous name is an error that says what exists. */
export async function resolveServer(orm: Orm, query: string): Promise<string> {
  if (await serverExists(orm, query)) return query;
  const resolution = resolveServerName(query, await serverNames(orm));
  if (resolution.kind === 'found') return resolution.id;
  throw new Error(describeMiss(resolution));
}

export function describeMiss(resolution: Exclude<Resolution, { kind: 'found' }>): string {
  const name = printable(resolution.query);
  if (resolution.kind === 'ambiguous') return `${name} names more than one server: ${resolution.candidates.map(printable).join(', ')}; give the whole id`;
  const hint = resolution.suggestions.length > 0 ? `; did you mean ${resolution.suggestions.map(printable).join(', ')}?` : '';
  return `no server ${name} in the catalogue (by id, npm package, URL slug or unique prefix)${hint}`;
}

/** Everything a server may be called: id, the id without its `npm:`-style prefix, npm packages, URL slug. */
function namesOf(server: ServerNames, slug: string | undefined): string[] {
  const bare = server.id.replace(/^(npm|url|stdio):/, '');
  return [...new Set([server.id, bare, ...server.packages, ...(slug ? [slug] : [])])];
}

function withoutVersion(name: string): string {
  const at = name.lastIndexOf('@');
  return at > 0 ? name.slice(0, at) : name;
}

/** Up to three ids whose names contain the query, or are a few edits from it. */
function closest(query: string, servers: readonly ServerNames[], namesOfServer: ReadonlyMap<ServerNames, string[]>): string[] {
  const limit = Math.max(2, Math.floor(query.length / 3));
  const scored = servers
    .map((server) => {
      const names = namesOfServer.get(server)!.map((n) => n.toLowerCase());
      const contains = query.length >= 3 && names.some((n) => n.includes(query));
      return { id: server.id, contains, distance: Math.min(...names.map((n) => editDistance(query, n, limit))) };
    })
    .filter((s) => s.contains || s.distance <= limit)
    .sort((a, b) => Number(b.contains) - Number(a.contains) || a.distance - b.distance || a.id.localeCompare(b.id));
  return scored.slice(0, 3).map((s) => s.id);
}

/** Levenshtein distance, with one row of memory; anything above `limit` is reported as limit + 1. */
export function editDistance(a: string, b: string, limit = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return Math.min(previous[b.length], limit + 1);
}
