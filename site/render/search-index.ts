import { stemmer } from 'stemmer';
import { facetChar, flagsChar, prefixKey, shardKey, tokenizer } from '../public/assets/tokenize.js';
import { rebaseUrl } from './base-path.ts';
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

/** Document slots per `docs/<n>.json` file (a third to two thirds of them hold a document, see `slotCount`). */
const DOCS_PER_SHARD = 1024;
const MAX_DESCRIPTION_TERMS = 200;
/** How many of the most frequent terms a two-character prefix file lists (what a two-letter query expands to). */
const TERMS_PER_PREFIX = 24;

export interface DocumentTerms {
  name: string[];
  description: string[];
}

/**
 * A document as the build manifest keeps it: its snippet and its terms. The rest of it (name, URL, classification)
 * is its server's or tool's list row, which the manifest holds already (see `SearchIndexBuilder.addServer`).
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

/**
 * A static full-text index in small files, built in one pass:
 * - `docs/<n>.json`: documents by id, `docsPerShard` slots a file (an empty slot is null);
 * - `terms/<key>.json`: for every term, the ids of documents whose name holds it and of those whose
 *   description holds it (delta-encoded base-36), sharded by the term's first three characters;
 * - `facets.txt`: one character per id (kind, category, severity), so filters need no document fetch;
 * - `flags.txt`: one character per id, a bit per flag;
 * - `prefixes/<key>.json`: for every two-character prefix, its most frequent terms (two-letter queries);
 * - `meta.json`.
 * The browser loads only the shards of the words typed.
 *
 * A document's id is a slot chosen by a hash of its server and name (see `assignSlots`), not its position in the
 * catalogue: a tool added, removed or changed changes only the shards of its own terms and its docs file, so an
 * incremental build rewrites those and not every shard whose ids would have shifted. Ids are a function of the
 * catalogue alone, so a full build assigns the same ones.
 */
export class SearchIndexBuilder {
  /** Per term, the documents (numbered in the order added) whose name or description holds it. */
  private readonly nameTerms = new Map<string, number[]>();
  private readonly descriptionTerms = new Map<string, number[]>();
  private readonly facets: string[] = [];
  private readonly flags: string[] = [];
  private readonly docs: unknown[] = [];
  private readonly keys: string[] = [];

  /**
   * `write` gets each file's name under the index folder ("docs/0.json") and its content; `base` is the path the
   * site is hosted under (documents' URLs are rebased to it).
   */
  constructor(
    private readonly write: (name: string, content: string) => void,
    private readonly base = '/',
  ) {}

  /** Adds a server's document and its tools' (`stored`: the server's first, then one per tool, in `tools` order). */
  addServer(server: ServerRowModel, tools: readonly ToolRowModel[], stored: readonly StoredDocument[]): void {
    const { base } = this;
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
      this.add(doc, { name, description });
    }
  }

  /** Adds a document with the terms `documentTerms` found for it (computed where the text is, in a worker). */
  add(doc: SearchDoc, terms: DocumentTerms): void {
    const n = this.docs.length;
    for (const term of terms.name) push(this.nameTerms, term, n);
    for (const term of terms.description) push(this.descriptionTerms, term, n);
    this.facets.push(facetChar(doc.kind, doc.category, doc.severity));
    this.flags.push(flagsChar(doc.flags));
    this.docs.push([doc.kind === 'server' ? 1 : 0, doc.name, doc.server, doc.url, doc.category, doc.severity, doc.snippet]);
    this.keys.push(doc.kind === 'server' ? `s\0${doc.server}` : `t\0${doc.server}\0${doc.name}`);
  }

  /** Writes every file. */
  finish(): { documents: number; shards: number; files: number } {
    const count = this.docs.length;
    const slots = slotCount(count);
    const id = assignSlots(this.keys, slots);
    const docFiles = this.writeDocs(id, slots);
    const { nameTerms, descriptionTerms } = this;
    const shards = new Map<string, Record<string, [string, string]>>();
    const shardOf = (term: string) => {
      const key = shardKey(term);
      let shard = shards.get(key);
      if (!shard) shards.set(key, (shard = Object.create(null) as Record<string, [string, string]>));
      return shard;
    };
    const prefixes = new TopTermsByPrefix(TERMS_PER_PREFIX);
    // In term order, so that a shard's content depends on the documents, not on the order they were added in.
    const terms = new Set([...nameTerms.keys(), ...descriptionTerms.keys()]);
    for (const term of [...terms].sort()) {
      const inNames = nameTerms.get(term);
      const inDescriptions = descriptionTerms.get(term);
      shardOf(term)[term] = [inNames ? encode(inNames, id) : '', inDescriptions ? encode(inDescriptions, id) : ''];
      prefixes.add(term, (inNames?.length ?? 0) + (inDescriptions?.length ?? 0));
    }
    nameTerms.clear();
    descriptionTerms.clear();
    for (const [key, shard] of shards) this.write(`terms/${key}.json`, JSON.stringify(shard));
    const prefixFiles = prefixes.write((key, list) => this.write(`prefixes/${key}.json`, JSON.stringify(list)));
    this.write('facets.txt', bySlot(this.facets, id, slots, EMPTY_SLOT).join(''));
    this.write('flags.txt', bySlot(this.flags, id, slots, EMPTY_SLOT).join(''));
    // The shard and prefix keys that exist, so the browser never asks for a file that is not there.
    const meta = { version: 3, documents: count, slots, docsPerShard: DOCS_PER_SHARD, shards: [...shards.keys()].sort(), prefixes: prefixes.keys() };
    this.write('meta.json', JSON.stringify(meta));
    return { documents: count, shards: shards.size, files: shards.size + prefixFiles + docFiles + 3 };
  }

  /** Writes the docs files that hold at least one document; returns how many. */
  private writeDocs(id: Int32Array, slots: number): number {
    const bySlots = bySlot(this.docs, id, slots, null);
    let files = 0;
    for (let start = 0; start < slots; start += DOCS_PER_SHARD) {
      const shard = bySlots.slice(start, start + DOCS_PER_SHARD);
      while (shard.length > 0 && shard[shard.length - 1] === null) shard.pop();
      if (shard.length === 0) continue;
      this.write(`docs/${start / DOCS_PER_SHARD}.json`, JSON.stringify(shard));
      files++;
    }
    return files;
  }
}

/** What facets.txt and flags.txt hold for an id no document has (never read: no term lists it). */
const EMPTY_SLOT = '.';

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
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** `items` (in the order added) laid out by id, `empty` where no document is. */
function bySlot<T>(items: readonly T[], id: Int32Array, slots: number, empty: T): T[] {
  const out = new Array<T>(slots).fill(empty);
  for (let n = 0; n < items.length; n++) out[id[n]] = items[n];
  return out;
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

/** The ids of documents `added` (numbered in the order added), ascending, as base-36 gaps: "0,5,1a" means 0, 5, 51. */
function encode(added: readonly number[], id: Int32Array): string {
  const ids = new Int32Array(added.length);
  for (let i = 0; i < added.length; i++) ids[i] = id[added[i]];
  ids.sort();
  const gaps = new Array<string>(ids.length);
  let previous = 0;
  for (let i = 0; i < ids.length; i++) {
    gaps[i] = (ids[i] - previous).toString(36);
    previous = ids[i];
  }
  return gaps.join(',');
}
