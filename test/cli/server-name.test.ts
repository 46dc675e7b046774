import { describe, expect, it } from 'vitest';
import { describeMiss, editDistance, resolveServerName } from '../../cli/server-name.ts';
import type { ServerNames } from '../../db/index.ts';
import { assignSlugs } from '../../site/render/slug.ts';

const catalogue: ServerNames[] = [
  { id: 'io.github.acme/tracker', packages: ['@acme/tracker-mcp'] },
  { id: 'io.github.acme/tracker-pro', packages: [] },
  { id: 'npm:@modelcontextprotocol/server-memory', packages: ['@modelcontextprotocol/server-memory'] },
  { id: 'io.github.other/Files', packages: ['files-mcp'] },
  { id: 'url:mcp.example.com/mcp', packages: [] },
];
const found = (query: string) => resolveServerName(query, catalogue);

describe('resolveServerName', () => {
  it('finds a server by its id, before anything else', () => {
    expect(found('io.github.acme/tracker')).toEqual({ kind: 'found', id: 'io.github.acme/tracker' });
    expect(found('io.github.acme/tracker-pro')).toEqual({ kind: 'found', id: 'io.github.acme/tracker-pro' });
  });

  it('finds a server by its npm package, with or without a version', () => {
    expect(found('@acme/tracker-mcp')).toEqual({ kind: 'found', id: 'io.github.acme/tracker' });
    expect(found('@acme/tracker-mcp@1.2.3')).toEqual({ kind: 'found', id: 'io.github.acme/tracker' });
    expect(found('@modelcontextprotocol/server-memory')).toEqual({ kind: 'found', id: 'npm:@modelcontextprotocol/server-memory' });
    expect(found('files-mcp')).toEqual({ kind: 'found', id: 'io.github.other/Files' });
  });

  it("finds a server by the site's URL slug", () => {
    const slugs = assignSlugs(catalogue.map((s) => s.id));
    expect(slugs.get('io.github.other/Files')).toBe('io-github-other-files');
    for (const server of catalogue) expect(found(slugs.get(server.id)!)).toEqual({ kind: 'found', id: server.id });
    // Two ids with one readable slug: the site tells them apart with a hash, and so does the lookup.
    const twins = [
      { id: 'acme/Tools', packages: [] },
      { id: 'acme/tools', packages: [] },
    ];
    const hashed = assignSlugs(twins.map((s) => s.id)).get('acme/Tools')!;
    expect(hashed).toMatch(/^acme-tools-[0-9a-f]{10}$/);
    expect(resolveServerName(hashed, twins)).toEqual({ kind: 'found', id: 'acme/Tools' });
  });

  it('finds a server by a prefix only one server has, ignoring case', () => {
    expect(found('npm:@model')).toEqual({ kind: 'found', id: 'npm:@modelcontextprotocol/server-memory' });
    expect(found('IO.GITHUB.OTHER')).toEqual({ kind: 'found', id: 'io.github.other/Files' });
    expect(found('mcp.example')).toEqual({ kind: 'found', id: 'url:mcp.example.com/mcp' });
  });

  it('refuses a prefix several servers share, naming them', () => {
    const result = found('io.github.acme/tr');
    expect(result).toEqual({ kind: 'ambiguous', query: 'io.github.acme/tr', candidates: ['io.github.acme/tracker', 'io.github.acme/tracker-pro'] });
    expect(describeMiss(result as Exclude<typeof result, { kind: 'found' }>)).toBe(
      'io.github.acme/tr names more than one server: io.github.acme/tracker, io.github.acme/tracker-pro; give the whole id',
    );
  });

  it('suggests the closest ids on a miss: names that contain it, then near misses', () => {
    expect(found('server-memory')).toEqual({ kind: 'missing', query: 'server-memory', suggestions: ['npm:@modelcontextprotocol/server-memory'] });
    const typo = found('io.github.acme/trakcer');
    expect(typo).toEqual({ kind: 'missing', query: 'io.github.acme/trakcer', suggestions: ['io.github.acme/tracker', 'io.github.acme/tracker-pro'] });
    expect(describeMiss(typo as Exclude<typeof typo, { kind: 'found' }>)).toBe(
      'no server io.github.acme/trakcer in the catalogue (by id, npm package, URL slug or unique prefix); did you mean io.github.acme/tracker, io.github.acme/tracker-pro?',
    );
    expect(found('tracker')).toEqual({ kind: 'missing', query: 'tracker', suggestions: ['io.github.acme/tracker', 'io.github.acme/tracker-pro'] });
    expect(found('zzzzzzzzzz')).toEqual({ kind: 'missing', query: 'zzzzzzzzzz', suggestions: [] });
  });

  it('shows a name with control characters escaped', () => {
    const miss = found('evil\u001b[31m');
    expect(describeMiss(miss as Exclude<typeof miss, { kind: 'found' }>)).toContain('evil\\u{1b}[31m');
  });
});

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions, and stops counting past the limit', () => {
    expect(editDistance('tracker', 'tracker')).toBe(0);
    expect(editDistance('trakcer', 'tracker')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('a', 'abcdefgh', 2)).toBe(3);
  });
});
