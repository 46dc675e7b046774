import { facetChar, shardKey, STOPWORDS, tokenize } from '../public/assets/tokenize.js';

/** What the search shows for a hit. */
export interface SearchDoc {
  kind: 'tool' | 'server';
  name: string;
  /** The server id, for tools. */
  server: string;
  url: string;
  category: string;
  severity: string;
  snippet: string;
}

const DOCS_PER_SHARD = 500;
const MAX_DESCRIPTION_TERMS = 200;

export interface DocumentTerms {
  name: string[];
  description: string[];
}

/** The distinct terms of a document's name, and those of its description that are not in its name or stopwords. */
export function documentTerms(nameText: string, descriptionText: string): DocumentTerms {
  const name = [...new Set(tokenize(nameText))];
  const inName = new Set(name);
  const description: string[] = [];
  for (const term of new Set(tokenize(descriptionText))) {
    if (inName.has(term) || STOPWORDS.has(term)) continue;
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
 * - `meta.json`.
 * The browser loads only the shards of the words typed.
 */
export class SearchIndexBuilder {
  private readonly nameTerms = new Map<string, number[]>();
  private readonly descriptionTerms = new Map<string, number[]>();
  private readonly facets: string[] = [];
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
    for (const [term, ids] of this.nameTerms) shardOf(term)[term] = [encode(ids), ''];
    this.nameTerms.clear();
    for (const [term, ids] of this.descriptionTerms) {
      const shard = shardOf(term);
      shard[term] = [shard[term]?.[0] ?? '', encode(ids)];
    }
    this.descriptionTerms.clear();
    for (const [key, shard] of shards) this.write(`terms/${key}.json`, JSON.stringify(shard));
    this.write('facets.txt', this.facets.join(''));
    this.write('meta.json', JSON.stringify({ version: 1, documents: this.count, docsPerShard: DOCS_PER_SHARD }));
    return { documents: this.count, shards: shards.size, files: shards.size + Math.ceil(this.count / DOCS_PER_SHARD) + 2 };
  }

  private flushDocs(): void {
    if (this.docs.length === 0) return;
    const shard = Math.floor((this.count - 1) / DOCS_PER_SHARD);
    this.write(`docs/${shard}.json`, JSON.stringify(this.docs));
    this.docs = [];
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
  return ids.map((id) => {
    const gap = (id - previous).toString(36);
    previous = id;
    return gap;
  }).join(',');
}
