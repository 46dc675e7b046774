import { stemmer } from 'stemmer';
import { facetChar, flagsChar, prefixKey, shardKey, tokenizer } from '../public/assets/tokenize.js';
import { rebaseUrl } from './base-path.ts';
import { fnv1a } from './fnv1a.ts';
import type { ServerRowModel, ToolRowModel } from './model.ts';

const { terms } = tokenizer(stemmer);

/** What the search shows for a hit. */
export interface SearchDoc {
  kind: 'tool' | 'server';
  name: string;
  /** The server id, for tools. */
  server: string;
  url: string;
  category: string;
  severity: string;
  flags: readonly string[];
  snippet: string;
}

/**
 * Document slots per `docs/<n>.json` file (a third to two thirds of them hold a document, see `slotCount`): ≈ 15 KB
 * a file. The search page fetches a hit's whole file, so the fewer slots a file, the fewer bytes a page of results
 * costs; and a build after a crawl rewrites only the files whose documents changed.
 */
export const DOCS_PER_SHARD = 128;
const MAX_DESCRIPTION_TERMS = 200;
/** How many of the most frequent terms a two-character prefix file lists (what a two-letter query expands to). */
const TERMS_PER_PREFIX = 24;

export interface DocumentTerms {
  name: string[];
  description: string[];
}

/**
 * A document as the build manifest keeps it: its snippet and its terms. The rest of it (name, URL, classification)
 * is its server's or tool's list row, which the manifest holds already (see `serverDocuments`).
 */
export type StoredDocument = [snippet: string, name: string[], description: string[]];

/** The distinct stemmed terms of a document's name, and those of its description that are not in its name or stopwords. */
export function documentTerms(nameText: string, descriptionText: string): DocumentTerms {
  const name = terms(nameText);
  const inName = new Set(name);
  const description: string[] = [];
  for (const term of terms(descriptionText, true)) {
    if (inName.has(term)) continue;
    description.push(term);
    if (description.length >= MAX_DESCRIPTION_TERMS) break;
  }
  return { name, description };
}

/** A document as the index stores it: its key (its id is a slot chosen by a hash of it), its row in `docs/<n>.json`, its facet and flag characters, and its terms. */
export interface IndexedDocument {
  key: string;
  row: unknown[];
  facet: string;
  flags: string;
  terms: DocumentTerms;
}

/** A server's document and its tools' (`stored`: the server's first, then one per tool, in `tools` order), as the index stores them. */
export function serverDocuments(server: ServerRowModel, tools: readonly ToolRowModel[], stored: readonly StoredDocument[], base = '/'): IndexedDocument[] {
  const documents: IndexedDocument[] = [];
  for (let i = 0; i < stored.length; i++) {
    const [snippet, name, description] = stored[i];
    const tool = i === 0 ? null : tools[i - 1];
    const doc: SearchDoc = tool
      ? {
          kind: 'tool',
          name: tool.name,
          server: tool.serverId,
          url: rebaseUrl(tool.url, base),
          category: tool.category,
          severity: tool.severity,
          flags: tool.flags,
          snippet,
        }
      : {
          kind: 'server',
          name: server.id,
          server: server.id,
          url: rebaseUrl(server.url, base),
          category: '',
          severity: server.worstSeverity ?? '',
          flags: [],
          snippet,
        };
    documents.push(indexedDocument(doc, { name, description }));
  }
  return documents;
}

/** A document with the terms `documentTerms` found for it (computed where the text is, in a worker), as the index stores it. */
export function indexedDocument(doc: SearchDoc, terms: DocumentTerms): IndexedDocument {
  return {
    key: documentKey(doc.kind === 'server', doc.server, doc.name),
    row: [doc.kind === 'server' ? 1 : 0, doc.name, doc.server, doc.url, doc.category, doc.severity, doc.snippet],
    facet: facetChar(doc.kind, doc.category, doc.severity),
    flags: flagsChar(doc.flags),
    terms,
  };
}

function documentKey(isServer: boolean, server: string, name: string): string {
  return isServer ? `s\0${server}` : `t\0${server}\0${name}`;
}

/** The key of a document from its row in a docs file. */
export function rowKey(row: readonly unknown[]): string {
  return documentKey(row[0] === 1, row[2] as string, row[1] as string);
}

/** The server a document key belongs to. */
export function keyServer(key: string): string {
  return key.split('\0')[1];
}

/**
 * A static full-text index in small files, built in one pass (see `writeIndex` for the files). A document's id
 * is a slot chosen by a hash of its server and name (see `assignSlots`), not its position in the catalogue: a
 * tool added, removed or changed changes only the shards of its own terms and its docs file, so an incremental
 * build rewrites those and not every shard whose ids would have shifted (and `updateSearchIndex` patches them
 * without building the whole index again). Ids are a function of the catalogue alone, so a full build assigns
 * the same ones.
 */
export class SearchIndexBuilder {
  private readonly documents: IndexedDocument[] = [];

  constructor(private readonly output: IndexOutput) {}

  add(doc: SearchDoc, terms: DocumentTerms): void {
    this.documents.push(indexedDocument(doc, terms));
  }

  addDocument(document: IndexedDocument): void {
    this.documents.push(document);
  }

  /** Writes every file. */
  finish(): IndexStats {
    const { documents } = this;
    const slots = slotCount(documents.length);
    const id = assignSlots(
      documents.map((d) => d.key),
      slots,
    );
    const nameTerms = new Map<string, number[]>();
    const descriptionTerms = new Map<string, number[]>();
    const keys = new Array<string | null>(slots).fill(null);
    const rows = new Array<unknown[] | null>(slots).fill(null);
    const facets = new Array<string>(slots).fill(EMPTY_SLOT);
    const flags = new Array<string>(slots).fill(EMPTY_SLOT);
    for (let n = 0; n < documents.length; n++) {
      const { key, terms, row, facet, flags: flag } = documents[n];
      for (const term of terms.name) push(nameTerms, term, id[n]);
      for (const term of terms.description) push(descriptionTerms, term, id[n]);
      keys[id[n]] = key;
      rows[id[n]] = row;
      facets[id[n]] = facet;
      flags[id[n]] = flag;
    }
    const postings = new Map<string, Posting>();
    for (const term of new Set([...nameTerms.keys(), ...descriptionTerms.keys()])) {
      postings.set(term, [encodeIds(nameTerms.get(term) ?? []), encodeIds(descriptionTerms.get(term) ?? [])]);
    }
    const docs = (file: number) => rows.slice(file * DOCS_PER_SHARD, (file + 1) * DOCS_PER_SHARD);
    return writeIndex(this.output, { documents: documents.length, slots, keys, docs, facets, flags, postings });
  }
}

/** A term's documents: the ids of those whose name holds it and of those whose description does, each encoded (see encodeIds). */
export type Posting = [names: string, descriptions: string];

export interface IndexContent {
  documents: number;
  slots: number;
  /** By id: the document's key (null where no document is). */
  keys: ReadonlyArray<string | null>;
  /** The rows of a docs file's slots (null where no document is); asked only for a file that is written. */
  docs: (file: number) => ReadonlyArray<unknown[] | null>;
  /** By id: the document's facet and flag characters (EMPTY_SLOT where no document is). */
  facets: string[];
  flags: string[];
  postings: Map<string, Posting>;
}

export interface IndexStats {
  documents: number;
  shards: number;
  files: number;
}

/**
 * Writes the index's files:
 * - `docs/<n>.json`: documents by id, `DOCS_PER_SHARD` slots a file (an empty slot is null);
 * - `terms/<key>.json`: for every term, the ids of documents whose name holds it and of those whose
 *   description holds it (delta-encoded base-36), sharded by the term's first three characters;
 * - `facets.txt`: one character per id (kind, category, severity), so filters need no document fetch;
 * - `flags.txt`: one character per id, a bit per flag;
 * - `prefixes/<key>.json`: for every two-character prefix, its most frequent terms (two-letter queries);
 * - `meta.json`.
 * The browser loads only the shards of the words typed.
 */
export function writeIndex(output: IndexOutput, index: IndexContent): IndexStats {
  const { documents, slots, postings } = index;
  const write = (name: string, content: () => string) => {
    if (!output.keep?.(name)) output.write(name, content());
  };
  const docFiles = writeDocs(write, index);
  const shards = new Map<string, Record<string, Posting>>();
  const prefixes = new TopTermsByPrefix(TERMS_PER_PREFIX);
  // In term order, so that a shard's content depends on the documents, not on the order they were added in.
  for (const term of [...postings.keys()].sort()) {
    const posting = postings.get(term)!;
    const key = shardKey(term);
    let shard = shards.get(key);
    if (!shard) shards.set(key, (shard = Object.create(null) as Record<string, Posting>));
    shard[term] = posting;
    prefixes.add(term, idCount(posting[0]) + idCount(posting[1]));
  }
  for (const [key, shard] of shards) write(`terms/${key}.json`, () => JSON.stringify(shard));
  const prefixFiles = prefixes.write((key, list) => write(`prefixes/${key}.json`, () => JSON.stringify(list)));
  write('facets.txt', () => index.facets.join(''));
  write('flags.txt', () => index.flags.join(''));
  // The shard and prefix keys that exist, so the browser never asks for a file that is not there.
  const meta: IndexMeta = { version: 3, documents, slots, docsPerShard: DOCS_PER_SHARD, shards: [...shards.keys()].sort(), prefixes: prefixes.keys() };
  write('meta.json', () => JSON.stringify(meta));
  output.keys?.(index.keys);
  return { documents, shards: shards.size, files: shards.size + prefixFiles + docFiles + 3 };
}

/** Where the index's files go: `write` gets each file's name under the index folder ("docs/0.json") and content. */
export interface IndexOutput {
  write(name: string, content: string): void;
  /** True for a file the caller knows holds what it would be written with, and keeps: its content is not made. */
  keep?(name: string): boolean;
  /** Each id's document key (null: no document), once every file is written or kept: what an update starts from (see readIndex). */
  keys?(keys: ReadonlyArray<string | null>): void;
}

export interface IndexMeta {
  version: number;
  documents: number;
  slots: number;
  docsPerShard: number;
  shards: string[];
  prefixes: string[];
}

/** Writes the docs files that hold at least one document (each up to its last); returns how many. */
function writeDocs(write: (name: string, content: () => string) => void, { keys, docs }: Pick<IndexContent, 'keys' | 'docs'>): number {
  let files = 0;
  for (let start = 0; start < keys.length; start += DOCS_PER_SHARD) {
    let end = Math.min(start + DOCS_PER_SHARD, keys.length);
    while (end > start && keys[end - 1] === null) end--;
    if (end === start) continue;
    const file = start / DOCS_PER_SHARD;
    write(`docs/${file}.json`, () => JSON.stringify(docs(file).slice(0, end - start)));
    files++;
  }
  return files;
}

/** What facets.txt and flags.txt hold for an id no document has (never read: no term lists it). */
export const EMPTY_SLOT = '.';

/** The id space for `count` documents: a power of two, at least one docs file, a third to two thirds full. */
export function slotCount(count: number): number {
  let slots = DOCS_PER_SHARD;
  while (slots * 2 < count * 3) slots *= 2;
  return slots;
}

/**
 * Each document's id: the slot its key hashes to, or, when taken, the next free one (linear probing, wrapping
 * round). Documents are placed in order of home slot, then key, so the result depends on the set of keys alone,
 * not on the order they were added in; a key added or removed moves at most the keys after it in its own run
 * of occupied slots. Keys must be distinct.
 */
export function assignSlots(keys: readonly string[], slots: number): Int32Array {
  const home = keys.map((key) => slotHash(key) & (slots - 1));
  const order = Array.from(keys.keys()).sort((a, b) => home[a] - home[b] || (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
  const taken = new Uint8Array(slots);
  const id = new Int32Array(keys.length);
  for (const n of order) {
    let slot = home[n];
    while (taken[slot]) slot = (slot + 1) & (slots - 1);
    taken[slot] = 1;
    id[n] = slot;
  }
  return id;
}

/** FNV-1a over the UTF-16 code units, then murmur3's finaliser so the low bits are as good as the high ones. */
function slotHash(text: string): number {
  let h = fnv1a(text);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** For every two-character prefix, the `limit` terms with the most documents (ties: alphabetical). */
class TopTermsByPrefix {
  private readonly lists = new Map<string, Array<[term: string, count: number]>>();

  constructor(private readonly limit: number) {}

  add(term: string, count: number): void {
    const key = prefixKey(term);
    let list = this.lists.get(key);
    if (!list) this.lists.set(key, (list = []));
    if (list.length >= this.limit && count < list[list.length - 1][1]) return;
    list.push([term, count]);
    list.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    if (list.length > this.limit) list.pop();
  }

  keys(): string[] {
    return [...this.lists.keys()].sort();
  }

  /** Writes each prefix's terms, most frequent first; returns how many files. */
  write(file: (key: string, terms: string[]) => void): number {
    for (const [key, list] of this.lists)
      file(
        key,
        list.map(([term]) => term),
      );
    return this.lists.size;
  }
}

function push(map: Map<string, number[]>, term: string, id: number): void {
  const ids = map.get(term);
  if (ids) ids.push(id);
  else map.set(term, [id]);
}

/** Ids as base-36 gaps in ascending order: "0,5,1a" means 0, 5, 51 (sorts `ids`). */
export function encodeIds(ids: number[]): string {
  if (ids.length === 0) return '';
  const sorted = Int32Array.from(ids).sort();
  const gaps = new Array<string>(sorted.length);
  let previous = 0;
  for (let i = 0; i < sorted.length; i++) {
    gaps[i] = (sorted[i] - previous).toString(36);
    previous = sorted[i];
  }
  return gaps.join(',');
}

/**
 * An encoded id list (see encodeIds) with `removed` taken out and `added` put in, both ascending, without decoding
 * and encoding it whole: the gaps between ids no edit touches are copied as they are, so editing a term that
 * thousands of documents hold costs a scan of its text, not a number a document.
 */
export function editIds(encoded: string, removed: readonly number[], added: readonly number[]): string {
  const parts: string[] = [];
  // The run of gaps being copied as they are, from `runStart` to `runEnd` in `encoded`.
  let runStart = -1;
  let runEnd = -1;
  const flush = () => {
    if (runStart >= 0) parts.push(encoded.slice(runStart, runEnd));
    runStart = -1;
  };
  let written = 0;
  const write = (id: number) => {
    flush();
    parts.push((id - written).toString(36));
    written = id;
  };
  let id = 0;
  let r = 0;
  let a = 0;
  for (let start = 0; start < encoded.length; ) {
    let end = start;
    let gap = 0;
    for (let c = encoded.charCodeAt(end); end < encoded.length && c !== 44; c = encoded.charCodeAt(++end)) gap = gap * 36 + (c <= 57 ? c - 48 : c - 87);
    const before = id;
    id += gap;
    while (a < added.length && added[a] < id) write(added[a++]);
    while (r < removed.length && removed[r] < id) r++;
    if (r < removed.length && removed[r] === id) r++;
    else if (written === before) {
      // Its gap from the last id written is the gap it has: copied.
      if (runStart < 0) runStart = start;
      runEnd = end;
      written = id;
    } else write(id);
    start = end + 1;
  }
  while (a < added.length) write(added[a++]);
  flush();
  return parts.join(',');
}

/** How many ids an encoded list holds. */
function idCount(encoded: string): number {
  if (encoded === '') return 0;
  let n = 1;
  for (let i = encoded.indexOf(','); i >= 0; i = encoded.indexOf(',', i + 1)) n++;
  return n;
}
