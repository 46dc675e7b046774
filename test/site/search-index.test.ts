import { describe, expect, it } from 'vitest';
import {
  assignSlots,
  editIds,
  encodeIds,
  documentTerms,
  indexedDocument,
  SearchIndexBuilder,
  slotCount,
  type IndexedDocument,
  type SearchDoc,
} from '../../site/render/search-index.ts';
import { readIndex, updateSearchIndex } from '../../site/render/search-update.ts';
import { idsWithinFiles } from '../../site/public/assets/tokenize.js';

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

/** The files of the index of `docs`, and under KEYS the document keys it gave with them (see IndexOutput.keys). */
function build(docs: ReturnType<typeof catalogue>): Map<string, string> {
  const files = new Map<string, string>();
  const builder = new SearchIndexBuilder({ write: (name, content) => files.set(name, content), keys: (keys) => files.set(KEYS, JSON.stringify(keys)) });
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
  it('bound what a search reads: the hits, in rank order, whose documents are in the first files they name', () => {
    // 128 slots a file: ids 0–127 are in file 0, 128–255 in file 1, 256–383 in file 2.
    const ids = [5, 130, 7, 300, 131, 2, 260];
    expect(idsWithinFiles(ids, 128, 1)).toBe(1);
    expect(idsWithinFiles(ids, 128, 2)).toBe(3);
    expect(idsWithinFiles(ids, 128, 3)).toBe(ids.length);
    expect(idsWithinFiles(ids, 1024, 1)).toBe(ids.length);
    expect(idsWithinFiles([], 128, 1)).toBe(0);
  });

  it('are slots a third to two thirds full, the same for the same keys in any order, all distinct', () => {
    expect(slotCount(1)).toBe(128);
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

/** The catalogue's documents as the index stores them, by server. */
function documentsByServer(docs: ReturnType<typeof catalogue>): Map<string, IndexedDocument[]> {
  const byServer = new Map<string, IndexedDocument[]>();
  for (const d of docs) {
    const list = byServer.get(d.doc.server) ?? [];
    list.push(indexedDocument(d.doc, documentTerms(d.name, d.description)));
    byServer.set(d.doc.server, list);
  }
  return byServer;
}

const KEYS = '(keys)';

/**
 * The index of `before` patched into that of `after` (null if it could not be), and the files a full build of `after`
 * writes; read back with the keys the build gave (`keys`) or from its docs files alone.
 */
function update(before: ReturnType<typeof catalogue>, after: ReturnType<typeof catalogue>, { keys = true } = {}) {
  const files = build(before);
  const old = documentsByServer(before);
  const now = documentsByServer(after);
  const servers = new Set<string>();
  for (const server of new Set([...old.keys(), ...now.keys()])) {
    if (JSON.stringify(old.get(server)) !== JSON.stringify(now.get(server))) servers.add(server);
  }
  const patched = new Map(files);
  const written = new Map<string, string>();
  const read: string[] = [];
  const index = readIndex(
    (name) => {
      read.push(name);
      return files.get(name) ?? null;
    },
    keys ? JSON.parse(files.get(KEYS)!) : null,
  );
  expect(index).not.toBeNull();
  const made: string[] = [];
  // A file the update keeps is, to the caller, the file as it was.
  const output = {
    write: (name: string, content: string) => made.push(name) && written.set(name, content),
    keep: (name: string) => files.has(name) && !!written.set(name, files.get(name)!),
    keys: (keys: ReadonlyArray<string | null>) => written.set(KEYS, JSON.stringify(keys)),
  };
  const stats = updateSearchIndex(index!, output, {
    servers,
    fresh: [...servers].flatMap((s) => now.get(s) ?? []),
    previous: (s) => old.get(s) ?? [],
  });
  for (const name of written.keys()) patched.set(name, written.get(name)!);
  // A file the full build no longer writes is one the caller deletes.
  for (const name of files.keys()) if (!written.has(name)) patched.delete(name);
  const docsRead = read.filter((name) => name.startsWith('docs/'));
  return { stats, files, patched, full: build(after), servers, docsRead, made };
}

describe('encoded id lists', () => {
  it('edited in place hold what decoding, editing and encoding them again gives', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 500; round++) {
      const space = 1 + random(5000);
      const ids = [...new Set(Array.from({ length: random(60) }, () => random(space)))].sort((a, b) => a - b);
      const removed = ids.filter(() => random(4) === 0);
      const free = Array.from({ length: space }, (_, i) => i).filter((i) => !ids.includes(i) || removed.includes(i));
      const added = [...new Set(Array.from({ length: random(8) }, () => free[random(free.length)]).filter((i) => i !== undefined))].sort((a, b) => a - b);
      const expected = encodeIds(ids.filter((id) => !removed.includes(id)).concat(added));
      expect(editIds(encodeIds(ids), removed, added), JSON.stringify({ ids, removed, added })).toBe(expected);
    }
    // 0, 5, 51 without 5, with 3 and 100: 0, 3, 51, 100.
    expect(editIds('0,5,1a', [5], [3, 100])).toBe('0,3,1c,1d');
    expect(editIds('', [], [])).toBe('');
  });
});

describe('search index update', () => {
  it('patches an index into the one a full build writes: tools added, removed and changed, a server gone and a new one', () => {
    const before = catalogue(400);
    const servers = [...new Set(before.map((d) => d.doc.server))];
    const after = before
      // a server gone, and every tool of another
      .filter((d) => d.doc.server !== servers[10] && !(d.doc.server === servers[20] && d.doc.kind === 'tool'))
      // a tool removed from each of a few servers, a description changed on others
      .filter((d) => !(d.doc.kind === 'tool' && [30, 31, 32].some((i) => d.doc.server === servers[i]) && d.name.endsWith('_0')))
      .map((d) =>
        [40, 41].some((i) => d.doc.server === servers[i]) && d.doc.kind === 'tool' ? { ...d, description: `${d.description} Now also deletes.` } : d,
      );
    for (let s = 0; s < 40; s++) {
      const server = servers[50 + s * 7];
      const name = `added_tool_${s}`;
      after.push({ doc: doc('tool', server, name), name, description: `Brings gadget${s} along.` });
    }
    const fresh = 'io.example/new-server';
    after.push({ doc: doc('server', fresh, fresh), name: fresh, description: 'A new server.' });
    after.push({ doc: doc('tool', fresh, 'fresh_tool'), name: 'fresh_tool', description: 'Something else entirely.' });

    const { stats, files, patched, full, servers: changed, docsRead, made } = update(before, after);
    expect(stats).not.toBeNull();
    expect(slotCount(after.length)).toBe(slotCount(before.length));
    // The same files and keys as a full build, having read only the docs files it wrote again.
    expect(patched).toEqual(full);
    const docsFiles = [...files.keys()].filter((name) => name.startsWith('docs/'));
    expect(docsRead.length).toBeGreaterThan(0);
    expect(docsRead.length).toBeLessThan(docsFiles.length);
    expect(made).toEqual(expect.arrayContaining(docsRead));
    // One tool's description changed: its docs file alone is read.
    const one = update(
      before,
      before.map((d) => (d.doc.server === servers[40] && d.doc.kind === 'tool' ? { ...d, description: `${d.description} Now also deletes.` } : d)),
    );
    expect(one.patched).toEqual(one.full);
    expect(new Set(one.docsRead).size).toBeLessThanOrEqual(1 + before.filter((d) => d.doc.server === servers[40]).length);
    expect(one.docsRead.length).toBeLessThan(docsFiles.length / 4);
    // Without the keys, every docs file is read, and the update is the same.
    const fromRows = update(before, after, { keys: false });
    expect(fromRows.patched).toEqual(full);
    expect(fromRows.docsRead.sort()).toEqual(docsFiles.sort());
    // Some documents of servers that did not change moved to another id (their run of taken slots changed).
    const meta = JSON.parse(files.get('meta.json')!) as { slots: number };
    const key = (d: (typeof before)[number]) => (d.doc.kind === 'server' ? `s\0${d.doc.server}` : `t\0${d.doc.server}\0${d.name}`);
    const idsBefore = assignSlots(before.map(key), meta.slots);
    const idsAfter = new Map(Array.from(assignSlots(after.map(key), meta.slots), (id, i) => [key(after[i]), id]));
    const untouched = new Set(servers.filter((s) => !changed.has(s)));
    expect(before.some((d, i) => untouched.has(d.doc.server) && idsAfter.get(key(d)) !== idsBefore[i])).toBe(true);
  });

  it('gives up when the keys do not describe the index', () => {
    const before = catalogue(200);
    const files = build(before);
    const keys = JSON.parse(files.get(KEYS)!) as Array<string | null>;
    const read = (name: string) => files.get(name) ?? null;
    expect(readIndex(read, keys.slice(1))).toBeNull();
    expect(
      readIndex(
        read,
        keys.map(() => null),
      ),
    ).toBeNull();
    // Two documents' keys swapped: the count holds, but a docs file the update reads does not hold what they say.
    const taken = keys.flatMap((key, slot) => (key?.startsWith('t\0') ? [slot] : []));
    const [a, b] = [taken[0], taken.at(-1)!];
    [keys[a], keys[b]] = [keys[b], keys[a]];
    const index = readIndex(read, keys);
    expect(index).not.toBeNull();
    // The server of one of them sent again as it was: the other, believed elsewhere, is read where it is not.
    const server = keys[b]!.split('\0')[1];
    expect(keys[a]!.split('\0')[1]).not.toBe(server);
    const byServer = documentsByServer(before);
    const change = { servers: new Set([server]), fresh: byServer.get(server)!, previous: (id: string) => byServer.get(id) ?? [] };
    const output = { write: () => {}, keep: () => true, keys: () => {} };
    expect(updateSearchIndex(index!, output, change)).toBeNull();
    // The same update with the keys as they were patches the index.
    expect(updateSearchIndex(readIndex(read, JSON.parse(files.get(KEYS)!))!, output, change)).not.toBeNull();
  });

  it('leaves an index alone when nothing changed, and gives up when the catalogue crosses a slot-count boundary', () => {
    const before = catalogue(100);
    const same = update(before, before);
    expect(same.patched).toEqual(same.files);
    expect(slotCount(before.length)).toBeLessThan(slotCount(before.length * 3));
    const grown = [
      ...before,
      ...catalogue(300).map((d) => ({
        ...d,
        doc: { ...d.doc, server: `${d.doc.server}-b`, name: d.doc.kind === 'server' ? `${d.doc.server}-b` : d.doc.name },
      })),
    ];
    expect(update(before, grown).stats).toBeNull();
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
