import type { Worker } from 'node:worker_threads';
import type { ServerRecord } from './manifest.ts';
import { startThread } from './threads.ts';

/** What the search-index thread is started with. */
export interface SearchSetup {
  outDir: string;
  base: string;
  salt: string;
  /** The search-index files of the last build, with the hash of their content: an unchanged file is not written. */
  last: Record<string, string>;
}

type Searchable = Pick<ServerRecord, 'server' | 'tools' | 'search'>;

export type SearchMessage =
  | { type: 'servers'; servers: Searchable[] }
  /** Records of the last build's manifest as JSON, one after another: record i ends at ends[i]. */
  | { type: 'carried'; bytes: Uint8Array; ends: number[] }
  | { type: 'finish' };

export interface SearchThreadResult {
  /** Every search-index file, with the hash of its content. */
  files: Record<string, string>;
  /** How many of them were written (the others had not changed). */
  written: number;
  documents: number;
}

/**
 * The search index, built in a thread of its own while the main thread carries servers over and lays out the
 * lists: in an incremental build the main thread is the critical path, and the index was a fifth of its work.
 * Documents may come in any order (a document's id is a function of the set of keys, see SearchIndexBuilder).
 */
export class SearchIndexThread {
  private readonly worker: Worker;
  private readonly result: Promise<SearchThreadResult>;

  constructor(setup: SearchSetup) {
    this.worker = startThread({ compiled: 'search-worker', source: './search-worker.ts' }, setup);
    this.result = new Promise((resolve, reject) => {
      this.worker.on('message', (message: SearchThreadResult | { error: string }) =>
        'error' in message ? reject(new Error(`Building the search index failed: ${message.error}`)) : resolve(message),
      );
      this.worker.on('error', reject);
      this.worker.on('exit', (code) => reject(new Error(`The search-index thread exited (code ${code}) before it finished.`)));
    });
    this.result.catch(() => {}); // thrown by finish()
  }

  /** Servers rendered by this build. */
  add(servers: readonly Searchable[]): void {
    // Only what the index needs crosses to the thread (a record's outputs are most of it).
    if (servers.length > 0) this.post({ type: 'servers', servers: servers.map(({ server, tools, search }) => ({ server, tools, search })) });
  }

  /** Servers carried over: their records' JSON as the last build's manifest holds it. */
  addCarried(records: Uint8Array[]): void {
    if (records.length === 0) return;
    const ends: number[] = [];
    let length = 0;
    for (const r of records) ends.push((length += r.byteLength));
    // One new buffer, moved to the thread: a view into the manifest would copy all of the manifest's memory.
    const bytes = new Uint8Array(length);
    for (let i = 0; i < records.length; i++) bytes.set(records[i], i === 0 ? 0 : ends[i - 1]);
    this.post({ type: 'carried', bytes, ends }, [bytes.buffer]);
  }

  /** Writes the index's changed files; resolves with every file's hash. */
  finish(): Promise<SearchThreadResult> {
    this.post({ type: 'finish' });
    return this.result;
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }

  private post(message: SearchMessage, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }
}
