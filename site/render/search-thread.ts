import type { Worker } from 'node:worker_threads';
import type { ManifestFiles, RecordPlace, ServerRecord } from './manifest.ts';
import { startThread } from './threads.ts';

/** What the search-index thread is started with. */
export interface SearchSetup {
  outDir: string;
  base: string;
  salt: string;
  /** The search-index files of the last build, with the hash of their content: an unchanged file is not written. */
  last: Record<string, string>;
  /** The folder of this build's manifest, where the index's document keys go (see searchKeysFile). */
  state: string;
  /**
   * For an incremental build, the last build's manifest files and where each server's documents and record are in
   * them (see PreviousManifest.recordRanges): the index is patched with the servers sent and gone, and a server's
   * documents as they were are read from there.
   */
  previous: { files: ManifestFiles; places: Array<[id: string, place: Pick<RecordPlace, 'search' | 'rest'>]> } | null;
}

export type Searchable = Pick<ServerRecord, 'server' | 'tools' | 'search'>;

export type SearchMessage = { type: 'read' } | { type: 'servers'; servers: Searchable[] } | { type: 'gone'; ids: string[] } | { type: 'finish' };

export interface SearchThreadResult {
  /** Every search-index file, with the hash of its content. */
  files: Record<string, string>;
  /** How many of them were written (the others had not changed). */
  written: number;
  documents: number;
  /** The last build's index was patched, not built whole. */
  patched: boolean;
}

/**
 * The search index, built in a thread of its own while the main thread carries servers over and lays out the
 * lists. A full build sends it every server; an incremental one only the servers it re-rendered and those that
 * went, and the thread patches the last build's index (see updateSearchIndex). Documents may come in any order
 * (a document's id is a function of the set of keys, see SearchIndexBuilder).
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

  /**
   * Servers will be sent or gone: an incremental build's thread starts reading the last build's index back (without
   * this, it keeps the index's files unread if none is sent).
   */
  expectChanges(): void {
    this.post({ type: 'read' });
  }

  /** Servers rendered by this build (restated ones need not be: their documents do not show their crawl status). */
  add(servers: readonly Searchable[]): void {
    // Only what the index needs crosses to the thread (a record's outputs are most of it).
    if (servers.length > 0) this.post({ type: 'servers', servers: servers.map(({ server, tools, search }) => ({ server, tools, search })) });
  }

  /** Servers of the last build that are no longer on the site. */
  gone(ids: readonly string[]): void {
    if (ids.length > 0) this.post({ type: 'gone', ids: [...ids] });
  }

  /** Writes the index's changed files; resolves with every file's hash. */
  finish(): Promise<SearchThreadResult> {
    this.post({ type: 'finish' });
    return this.result;
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }

  private post(message: SearchMessage): void {
    this.worker.postMessage(message);
  }
}
