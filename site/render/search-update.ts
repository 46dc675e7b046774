import { shardKey } from '../public/assets/tokenize.js';
import {
  assignSlots,
  DOCS_PER_SHARD,
  EMPTY_SLOT,
  editIds,
  keyServer,
  rowKey,
  slotCount,
  writeIndex,
  type IndexedDocument,
  type IndexMeta,
  type IndexOutput,
  type IndexStats,
  type Posting,
} from './search-index.ts';

/** What changed in the catalogue's documents since the index was written. */
export interface IndexChange {
  /** Servers whose documents may have changed or gone: every document of theirs the index holds is replaced by `fresh`. */
  servers: ReadonlySet<string>;
  /** The current documents of those servers (none for a server that went). */
  fresh: readonly IndexedDocument[];
  /** A server's documents as the index was written from them (its terms are not in the files in a usable form). */
  previous: (serverId: string) => readonly IndexedDocument[];
}

/** A search index as `writeIndex` wrote it, read back: its docs files only as far as an update needs them. */
export interface WrittenIndex {
  meta: IndexMeta;
  /** By id: the document's key (null: no document). */
  keys: Array<string | null>;
  rows: DocsRows;
  facets: string;
  flags: string;
  postings: Map<string, Posting>;
}

/**
 * Reads back a search index written by `writeIndex` (`read`: a file's content, or null); null when it cannot be
 * patched (a file missing or not JSON, another format). `keys` are those `writeIndex` gave with it (see
 * IndexOutput.keys): with them, a docs file is read only once an update changes it (after a 1% crawl at 100,000 tools,
 * 849 of 2,048); without them, every docs file is read for its documents' keys.
 */
export function readIndex(read: (name: string) => string | null, keys?: Array<string | null> | null): WrittenIndex | null {
  const meta = parseMeta(read('meta.json'));
  if (!meta) return null;
  const facets = read('facets.txt');
  const flags = read('flags.txt');
  if (facets?.length !== meta.slots || flags?.length !== meta.slots) return null;
  let rows: DocsRows;
  if (keys) {
    if (keys.length !== meta.slots || keys.reduce((n, key) => (key === null ? n : n + 1), 0) !== meta.documents) return null;
    rows = new DocsRows(read, keys);
  } else {
    const files = readDocsFiles(read, meta);
    if (!files) return null;
    keys = Array.from({ length: meta.slots }, (_, slot) => {
      const row = files.get(Math.floor(slot / DOCS_PER_SHARD))?.[slot % DOCS_PER_SHARD];
      return row ? rowKey(row) : null;
    });
    rows = new DocsRows(read, keys, files);
  }
  const postings = readPostings(read, meta);
  return postings && { meta, keys, rows, facets, flags, postings };
}

/** An index's meta.json, if it is one of the format `writeIndex` writes. */
export function parseMeta(text: string | null): IndexMeta | null {
  const meta = parseJson<IndexMeta>(text);
  return meta?.version === 3 && meta.docsPerShard === DOCS_PER_SHARD && Array.isArray(meta.shards) ? meta : null;
}

/** Thrown where an index read back turns out not to be the one its keys describe: it cannot be patched. */
class Unpatchable extends Error {}

/** The rows of an index's docs files by id, each file read when first asked for and checked against the keys. */
export class DocsRows {
  /** `files`: docs files read already (every one, when the keys were taken from them), by number. */
  constructor(
    private readonly read: (name: string) => string | null,
    private readonly keys: ReadonlyArray<string | null>,
    private readonly files = new Map<number, Array<unknown[] | null>>(),
  ) {}

  /** A docs file's rows, every slot of it (null: no document). */
  file(file: number): Array<unknown[] | null> {
    const read = this.files.get(file);
    if (read) return read;
    const start = file * DOCS_PER_SHARD;
    // A docs file with no document is not written.
    const written = this.keys.slice(start, start + DOCS_PER_SHARD).some((key) => key !== null);
    const rows = parseDocs(written ? this.read(`docs/${file}.json`) : '[]');
    if (!rows) throw new Unpatchable();
    for (let i = 0; i < DOCS_PER_SHARD; i++) if ((rows[i] && rowKey(rows[i]!)) !== (this.keys[start + i] ?? null)) throw new Unpatchable();
    this.files.set(file, rows);
    return rows;
  }

  row(slot: number): unknown[] | null {
    return this.file(Math.floor(slot / DOCS_PER_SHARD))[slot % DOCS_PER_SHARD];
  }

  set(slot: number, row: unknown[] | null): void {
    this.file(Math.floor(slot / DOCS_PER_SHARD))[slot % DOCS_PER_SHARD] = row;
  }
}

/**
 * Patches a search index read back by `readIndex` into the index of the catalogue after `change`, writing every
 * file through `write` as a full build would (the caller skips the unchanged ones): the same bytes as
 * `SearchIndexBuilder` over the whole new catalogue, without the work of building it. A document's postings move
 * only when it was added, removed or changed, or when another's arrival or departure moved it to another slot (its
 * probe run, see assignSlots). Returns null, having written nothing, when the index cannot be patched (it does not
 * hold what the change says it held, a docs file it reads does not hold what the keys say, or the catalogue grew or
 * shrank past a slot-count boundary, which moves every id): the caller builds the index whole. Takes `index` over.
 */
export function updateSearchIndex(index: WrittenIndex, output: Required<IndexOutput>, change: IndexChange): IndexStats | null {
  try {
    return patch(index, output, change);
  } catch (error) {
    if (error instanceof Unpatchable) return null;
    throw error;
  }
}

function patch(index: WrittenIndex, output: Required<IndexOutput>, change: IndexChange): IndexStats | null {
  const { meta, rows, postings } = index;
  // The documents after the change, and the slots they take.
  const oldSlot = new Map<string, number>();
  const order: string[] = [];
  for (let slot = 0; slot < index.keys.length; slot++) {
    const key = index.keys[slot];
    if (key === null) continue;
    oldSlot.set(key, slot);
    if (!change.servers.has(keyServer(key))) order.push(key);
  }
  const kept = order.length;
  const fresh = new Map<string, IndexedDocument>();
  for (const document of change.fresh) {
    fresh.set(document.key, document);
    order.push(document.key);
  }
  const slots = slotCount(order.length);
  if (oldSlot.size !== meta.documents || slots !== meta.slots || fresh.size !== change.fresh.length) return null;
  const newSlots = assignSlots(order, slots);

  const previousOf = new Map<string, Map<string, IndexedDocument>>();
  const previous = (server: string): Map<string, IndexedDocument> => {
    let documents = previousOf.get(server);
    if (!documents) previousOf.set(server, (documents = new Map(change.previous(server).map((d) => [d.key, d]))));
    return documents;
  };

  // A copy: `rows` checks each docs file it reads later against the keys as the last build wrote them.
  const keys = index.keys.slice();
  const facets = index.facets.split('');
  const flags = index.flags.split('');
  const edits = new PostingEdits();
  const arriving: Array<[document: IndexedDocument, slot: number]> = [];
  const touchedDocs = new Set<number>();
  const leave = (document: IndexedDocument, slot: number) => {
    edits.remove(document, slot);
    touchedDocs.add(Math.floor(slot / DOCS_PER_SHARD));
    rows.set(slot, null);
    keys[slot] = null;
    facets[slot] = EMPTY_SLOT;
    flags[slot] = EMPTY_SLOT;
  };
  // Every document leaves the slot it changes, then every one arrives (a slot one leaves may be another's new one).
  for (let i = 0; i < kept; i++) {
    const from = oldSlot.get(order[i])!;
    if (newSlots[i] === from) continue;
    // Moved by another's arrival or departure: the same document at another id.
    const document = previous(keyServer(order[i])).get(order[i]);
    if (!document) return null;
    arriving.push([{ ...document, row: rows.row(from)!, facet: facets[from], flags: flags[from] }, newSlots[i]]);
    leave(document, from);
  }
  const unchanged = new Set<string>();
  let next = kept;
  for (const document of fresh.values()) {
    const slot = newSlots[next++];
    const before = oldSlot.get(document.key) === slot ? previous(keyServer(document.key)).get(document.key) : undefined;
    if (before && sameDocument(before, document)) unchanged.add(document.key);
    else arriving.push([document, slot]);
  }
  let replaced = 0;
  for (const server of change.servers) {
    for (const document of previous(server).values()) {
      const slot = oldSlot.get(document.key);
      if (slot === undefined) continue;
      replaced++;
      if (!unchanged.has(document.key)) leave(document, slot);
    }
  }
  // The index held a document of a changed server that its previous documents do not name: it cannot be patched.
  if (replaced !== oldSlot.size - kept) return null;
  for (const [document, slot] of arriving) {
    edits.add(document, slot);
    touchedDocs.add(Math.floor(slot / DOCS_PER_SHARD));
    rows.set(slot, document.row);
    keys[slot] = document.key;
    facets[slot] = document.facet;
    flags[slot] = document.flags;
  }
  edits.apply(postings);
  // A docs file or term shard no document left or entered, and no edited term is in, is what it was: kept.
  const touchedShards = new Set([...edits.byTerm.keys()].map(shardKey));
  const untouched = (name: string) => {
    const [, folder, key] = /^(docs|terms)\/(.+)\.json$/.exec(name) ?? [];
    return folder === 'docs' ? !touchedDocs.has(Number(key)) : folder === 'terms' && !touchedShards.has(key);
  };
  return writeIndex(
    { write: output.write, keep: (name) => untouched(name) && output.keep(name), keys: output.keys },
    { documents: order.length, slots, keys, docs: (file) => rows.file(file), facets, flags, postings },
  );
}

/** Every term's posting, from the term shards the index lists; null if one is missing. */
function readPostings(read: (name: string) => string | null, meta: IndexMeta): Map<string, Posting> | null {
  const postings = new Map<string, Posting>();
  for (const key of meta.shards) {
    const shard = parseJson<Record<string, Posting>>(read(`terms/${key}.json`));
    if (shard === null || typeof shard !== 'object') return null;
    for (const term in shard) postings.set(term, shard[term]);
  }
  return postings;
}

/** Every docs file the slot count calls for, by number; null if one is unreadable. */
function readDocsFiles(read: (name: string) => string | null, meta: IndexMeta): Map<number, Array<unknown[] | null>> | null {
  const files = new Map<number, Array<unknown[] | null>>();
  for (let file = 0; file * DOCS_PER_SHARD < meta.slots; file++) {
    const text = read(`docs/${file}.json`);
    // A docs file with no document is not written.
    const rows = parseDocs(text ?? '[]');
    if (!rows) return null;
    files.set(file, rows);
  }
  return files;
}

/** A docs file's rows, each of its DOCS_PER_SHARD slots (null: no document); null if the text is not such a file. */
function parseDocs(text: string | null): Array<unknown[] | null> | null {
  const shard = parseJson<Array<unknown[] | null>>(text);
  if (!Array.isArray(shard) || shard.length > DOCS_PER_SHARD) return null;
  return Array.from({ length: DOCS_PER_SHARD }, (_, i) => shard[i] ?? null);
}

/** A file's JSON, or null when it is missing or not JSON (a file changed by hand: the index is built whole). */
function parseJson<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

function sameDocument(a: IndexedDocument, b: IndexedDocument): boolean {
  return (
    a.facet === b.facet &&
    a.flags === b.flags &&
    JSON.stringify(a.row) === JSON.stringify(b.row) &&
    sameTerms(a.terms.name, b.terms.name) &&
    sameTerms(a.terms.description, b.terms.description)
  );
}

function sameTerms(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((term, i) => term === b[i]);
}

const ascending = (a: number, b: number) => a - b;

/** Ids to take out of and put into terms' postings. */
class PostingEdits {
  readonly byTerm = new Map<string, { removed: [Set<number>, Set<number>]; added: [number[], number[]] }>();

  remove(document: IndexedDocument, slot: number): void {
    for (const term of document.terms.name) this.edit(term).removed[0].add(slot);
    for (const term of document.terms.description) this.edit(term).removed[1].add(slot);
  }

  add(document: IndexedDocument, slot: number): void {
    for (const term of document.terms.name) this.edit(term).added[0].push(slot);
    for (const term of document.terms.description) this.edit(term).added[1].push(slot);
  }

  private edit(term: string) {
    let edit = this.byTerm.get(term);
    if (!edit) this.byTerm.set(term, (edit = { removed: [new Set(), new Set()], added: [[], []] }));
    return edit;
  }

  /** Applies the edits to `postings` (terms left with no document are dropped). */
  apply(postings: Map<string, Posting>): void {
    for (const [term, { removed, added }] of this.byTerm) {
      const before = postings.get(term) ?? ['', ''];
      const after: Posting = [0, 1].map((field) => editIds(before[field], [...removed[field]].sort(ascending), added[field].sort(ascending))) as Posting;
      if (after[0] === '' && after[1] === '') postings.delete(term);
      else postings.set(term, after);
    }
  }
}
