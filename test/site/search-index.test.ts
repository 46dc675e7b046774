import { describe, expect, it } from 'vitest';
import { assignSlots, documentTerms, SearchIndexBuilder, slotCount, type SearchDoc } from '../../site/render/search-index.ts';

const VERBS = ['create', 'delete', 'list', 'read', 'update', 'send', 'search', 'archive'];
const OBJECTS = ['issue', 'file', 'record', 'message', 'invoice', 'user', 'branch', 'table', 'ticket', 'bucket'];

/** `servers` synthetic servers of 1–12 tools each; every tool name and description distinct. */
function catalogue(servers: number): Array<{ doc: SearchDoc; name: string; description: string }> {
  const docs: Array<{ doc: SearchDoc; name: string; description: string }> = [];
  for (let s = 0; s < servers; s++) {
    const server = `io.example/server-${String(s).padStart(4, '0')}`;
    docs.push({ doc: doc('server', server, server), name: server, description: `Server number ${s}.` });
    for (let t = 0; t < 1 + ((s * 7) % 12); t++) {
      const name = `${VERBS[(s + t) % VERBS.length]}_${OBJECTS[(s * 3 + t) % OBJECTS.length]}_${t}`;
      docs.push({ doc: doc('tool', server, name), name, description: `Does ${name.replaceAll('_', ' ')} on server ${s}, word${s}x${t}.` });
    }
  }
  return docs;
}

function doc(kind: 'tool' | 'server', server: string, name: string): SearchDoc {
  return { kind, name, server, url: `/servers/${server}/${kind === 'tool' ? `${name}/` : ''}`, category: 'read', severity: 'low', flags: [], snippet: name };
}

function build(docs: ReturnType<typeof catalogue>): Map<string, string> {
  const files = new Map<string, string>();
  const builder = new SearchIndexBuilder((name, content) => files.set(name, content));
  for (const d of docs) builder.add(d.doc, documentTerms(d.name, d.description));
  builder.finish();
  return files;
}

/** The ids a term shard lists for a term (names, then descriptions), decoded as the browser does. */
function idsOf(files: Map<string, string>, shard: string, term: string): number[][] {
  const entry = (JSON.parse(files.get(`terms/${shard}.json`)!) as Record<string, [string, string]>)[term];
  return entry.map((gaps) => {
    let id = 0;
    return gaps ? gaps.split(',').map((g) => (id += Number.parseInt(g, 36))) : [];
  });
}

describe('search index ids', () => {
  it('are slots a third to two thirds full, the same for the same keys in any order, all distinct', () => {
    expect(slotCount(1)).toBe(1024);
    for (const count of [683, 700, 5_000, 100_000]) {
      const slots = slotCount(count);
      expect(count / slots).toBeGreaterThan(1 / 3);
      expect(count / slots).toBeLessThanOrEqual(2 / 3);
    }
    const keys = Array.from({ length: 3_000 }, (_, i) => `t\0server-${i % 97}\0tool-${i}`);
    const slots = slotCount(keys.length);
    const ids = assignSlots(keys, slots);
    expect(new Set(ids).size).toBe(keys.length);
    const reversed = assignSlots([...keys].reverse(), slots);
    expect([...reversed].reverse()).toEqual([...ids]);
  });

  it('make the same files from the same documents added in any order (the build adds them from two sources)', () => {
    const docs = catalogue(200);
    const shuffled = docs
      .map((d, i) => ({ d, key: (i * 7919) % docs.length }))
      .sort((a, b) => a.key - b.key)
      .map(({ d }) => d);
    expect(build(shuffled)).toEqual(build(docs));
  });

  it('a document lists under its terms and is found at its id; adding tools rewrites few files, not every later shard', () => {
    const before = catalogue(300);
    const files = build(before);
    const meta = JSON.parse(files.get('meta.json')!) as { documents: number; slots: number; docsPerShard: number };
    expect(meta.documents).toBe(before.length);
    expect(meta.slots).toBe(slotCount(before.length));
    // Every document is where its id says, and the facet string has one character per id.
    const [, [id]] = idsOf(files, 'wor', 'word17x2');
    const shard = JSON.parse(files.get(`docs/${Math.floor(id / meta.docsPerShard)}.json`)!) as unknown[][];
    expect(shard[id % meta.docsPerShard][1]).toBe(before.find((d) => d.description.endsWith(' word17x2.'))!.name);
    expect(files.get('facets.txt')!.length).toBe(meta.slots);

    // Three tools added near the start of the catalogue (positions would shift every later id).
    const after = [...before];
    for (const [at, name] of [
      [2, 'zebra_unique_one'],
      [5, 'yak_unique_two'],
      [9, 'quokka_unique_three'],
    ] as const) {
      const server = after[at].doc.server;
      after.splice(at + 1, 0, { doc: doc('tool', server, name), name, description: `Feeds the ${name.split('_')[0]}.` });
    }
    const changed = build(after);
    const rewritten = [...changed].filter(([name, content]) => files.get(name) !== content).map(([name]) => name);
    const termFiles = [...changed.keys()].filter((n) => n.startsWith('terms/'));
    // The new tools' own terms' shards (8 here: zeb, uni, on, yak, two, quo, thr, fee), those of a document or two
    // moved along in a run of taken slots, and the per-id files; not the shards of every later id.
    const rewrittenTerms = rewritten.filter((n) => n.startsWith('terms/'));
    for (const key of ['zeb', 'uni', 'yak', 'quo', 'fee']) expect(rewrittenTerms).toContain(`terms/${key}.json`);
    expect(termFiles.length).toBeGreaterThan(150);
    expect(rewrittenTerms.length).toBeLessThan(termFiles.length / 8);
    expect(rewritten).toContain('facets.txt');
    // An unchanged document keeps its id.
    expect(idsOf(changed, 'wor', 'word17x2')).toEqual(idsOf(files, 'wor', 'word17x2'));
  });
});

describe('document terms', () => {
  const expected = {
    name: ['createissu', 'creat', 'issu', 'javascript', 'java', 'script'],
    description: ['delet', 'file', 'github', 'git', 'hub', 'repositori'],
  };

  it('are the same however often their words were seen before, even when a caller changed an earlier result', () => {
    const first = documentTerms('createIssue JavaScript', 'Deleting files from the GitHub repository');
    expect(first).toEqual(expected);
    first.name.length = 0;
    first.description.push('changed');
    expect(documentTerms('createIssue JavaScript', 'Deleting files from the GitHub repository')).toEqual(expected);
  });

  it('split a word too long to remember as they split any other', () => {
    const long = 'x'.repeat(70);
    for (let i = 0; i < 2; i++)
      expect(documentTerms(`${long}_deleteAll`, `${long}Archiving`)).toEqual({ name: ['deleteal', 'delet', 'all'], description: ['archiv'] });
  });
});
