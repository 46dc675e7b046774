import { stemmer } from 'stemmer';
import { facetChar, flagsChar, prefixKey, shardKey, tokenizer } from '../public/assets/tokenize.js';

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

const DOCS_PER_SHARD = 500;
const MAX_DESCRIPTION_TERMS = 200;
/** How many of the most frequent terms a two-character prefix file lists (what a two-letter query expands to). */
const TERMS_PER_PREFIX = 24;

export interface DocumentTerms {
  name: string[];
  description: string[];
}

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
 * A static full-text index in small files, built in one pass with bounded memory per document:
 * - `docs/<n>.json`: documents, written as soon as a shard of 500 fills;
 * - `terms/<key>.json`: for every term, the ids of documents whose name holds it and of those whose
 *   description holds it (delta-encoded base-36), sharded by the term's first three characters;
 * - `facets.txt`: one character per document (kind, category, severity), so filters need no document fetch;
 * - `flags.txt`: one character per document, a bit per flag;
 * - `prefixes/<key>.json`: for every two-character prefix, its most frequent terms (two-letter queries);
 * - `meta.json`.
 * The browser loads only the shards of the words typed.
 */
export class SearchIndexBuilder {
  private readonly nameTerms = new Map<string, number[]>();
  private readonly descriptionTerms = new Map<string, number[]>();
  private readonly facets: string[] = [];
  private readonly flags: string[] = [];
  private docs: unknown[] = [];
  private count = 0;

  /** `write` gets each file's name under the index folder ("docs/0.json") and its content. */
  constructor(private readonly write: (name: string, content: string) => void) {}

  /** Adds a document with the terms `documentTerms` found for it (computed where the text is, in a worker). */
  add(doc: SearchDoc, terms: DocumentTerms): void {
    const id = this.count++;
    for (const term of terms.name) push(this.nameTerms, term, id);
    for (const term of terms.description) push(this.descriptionTerms, term, id);
    this.facets.push(facetChar(doc.kind, doc.category, doc.severity));
    this.flags.push(flagsChar(doc.flags));
    this.docs.push([doc.kind === 'server' ? 1 : 0, doc.name, doc.server, doc.url, doc.category, doc.severity, doc.snippet]);
    if (this.docs.length === DOCS_PER_SHARD) this.flushDocs();
  }

  /** Writes the term shards, facets and meta. */
  finish(): { documents: number; shards: number; files: number } {
    this.flushDocs();
    const shards = new Map<string, Record<string, [string, string]>>();
    const shardOf = (term: string) => {
      const key = shardKey(term);
      let shard = shards.get(key);
      if (!shard) shards.set(key, (shard = Object.create(null) as Record<string, [string, string]>));
      return shard;
    };
    const prefixes = new TopTermsByPrefix(TERMS_PER_PREFIX);
    for (const [term, ids] of this.nameTerms) {
      shardOf(term)[term] = [encode(ids), ''];
      prefixes.add(term, ids.length + (this.descriptionTerms.get(term)?.length ?? 0));
    }
    this.nameTerms.clear();
    for (const [term, ids] of this.descriptionTerms) {
      const shard = shardOf(term);
      if (!shard[term]) prefixes.add(term, ids.length);
      shard[term] = [shard[term]?.[0] ?? '', encode(ids)];
    }
    this.descriptionTerms.clear();
    for (const [key, shard] of shards) this.write(`terms/${key}.json`, JSON.stringify(shard));
    const prefixFiles = prefixes.write((key, list) => this.write(`prefixes/${key}.json`, JSON.stringify(list)));
    this.write('facets.txt', this.facets.join(''));
    this.write('flags.txt', this.flags.join(''));
    // The shard and prefix keys that exist, so the browser never asks for a file that is not there.
    const meta = { version: 2, documents: this.count, docsPerShard: DOCS_PER_SHARD, shards: [...shards.keys()].sort(), prefixes: prefixes.keys() };
    this.write('meta.json', JSON.stringify(meta));
    return { documents: this.count, shards: shards.size, files: shards.size + prefixFiles + Math.ceil(this.count / DOCS_PER_SHARD) + 3 };
  }

  private flushDocs(): void {
    if (this.docs.length === 0) return;
    const shard = Math.floor((this.count - 1) / DOCS_PER_SHARD);
    this.write(`docs/${shard}.json`, JSON.stringify(this.docs));
    this.docs = [];
  }
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

/** Ascending ids as base-36 gaps: "0,5,1a" means 0, 5, 51. */
function encode(ids: number[]): string {
  let previous = 0;
  return ids
    .map((id) => {
      const gap = (id - previous).toString(36);
      previous = id;
      return gap;
    })
    .join(',');
}
