// The search-index thread: builds the index from the servers the build sends it, or patches the last build's index
// with them, and writes the files that changed.
import { closeSync, copyFileSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { inputHash, readRecord, readSearchable, searchKeysFile } from './manifest.ts';
import { OutputWriter } from './render.ts';
import { SearchIndexBuilder, serverDocuments, type IndexedDocument, type IndexStats } from './search-index.ts';
import type { Searchable, SearchMessage, SearchSetup, SearchThreadResult } from './search-thread.ts';
import { parseMeta, readIndex, updateSearchIndex, type WrittenIndex } from './search-update.ts';
import { threadErrorText } from './threads.ts';

const setup = workerData as SearchSetup;
const out = new OutputWriter(setup.outDir, setup.base);
const files: Record<string, string> = {};
const write = (name: string, content: string) => {
  const url = `/search-index/${name}`;
  files[url] = inputHash(setup.salt, content);
  if (setup.last[url] !== files[url]) out.write(url, content);
};
/**
 * Keeps each id's document key beside the manifest, with a digest of the docs files they describe: the next build
 * reads a docs file only once it changes one (see readIndex).
 */
const writeKeys = (keys: ReadonlyArray<string | null>) => writeFileSync(searchKeysFile(setup.state), JSON.stringify({ docs: docsDigest(files), keys }));
const output = { write, keys: writeKeys };
const fresh = new Map<string, Searchable>();
const gone = new Set<string>();
const documentsOf = (s: Searchable): IndexedDocument[] => serverDocuments(s.server, s.tools, s.search, setup.base);
// An incremental build reads the last build's index back once told that servers changed or went (as soon as the main
// thread knows), while the main thread works through them; when none did, the index's files are kept unread.
let lastIndex: WrittenIndex | null | undefined;
const readLastIndex = (): WrittenIndex | null => {
  if (lastIndex === undefined) lastIndex = setup.previous ? readIndex(readWritten, lastKeys(setup.previous.files.searchKeys)) : null;
  return lastIndex;
};

/** The keys the last build kept with its index, if they describe the docs files it wrote (else every docs file is read). */
function lastKeys(file: string): Array<string | null> | null {
  try {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as { docs?: unknown; keys?: unknown };
    return kept.docs === docsDigest(setup.last) && Array.isArray(kept.keys) ? kept.keys : null;
  } catch {
    return null;
  }
}

/** A digest of the docs files of an index, by their hashes (`files`: url → hash). */
function docsDigest(files: Record<string, string>): string {
  const docs = Object.keys(files)
    .filter((url) => url.startsWith('/search-index/docs/'))
    .sort()
    .map((url) => `${url}\t${files[url]}`);
  return inputHash(setup.salt, docs.join('\n'));
}

parentPort!.on('message', (message: SearchMessage) => {
  try {
    if (message.type === 'read') {
      readLastIndex();
    } else if (message.type === 'servers') {
      for (const s of message.servers) fresh.set(s.server.id, s);
    } else if (message.type === 'gone') {
      for (const id of message.ids) gone.add(id);
    } else {
      const { documents, patched } = setup.previous ? update(setup.previous) : { ...buildWhole([]), patched: false };
      parentPort!.postMessage({ files, written: out.files, documents, patched } satisfies SearchThreadResult);
    }
  } catch (error) {
    parentPort!.postMessage({ error: threadErrorText(error) });
  }
});

/**
 * A file of the last build's index, only if it is the file that build wrote (the manifest holds its hash): one
 * changed since is written again, and the index is built whole if it needed it.
 */
function readWritten(name: string): string | null {
  const url = `/search-index/${name}`;
  if (setup.last[url] === undefined) return null;
  let text: string | null = null;
  try {
    text = out.read(url);
  } catch {}
  if (text !== null && inputHash(setup.salt, text) === setup.last[url]) return text;
  delete setup.last[url];
  return null;
}

/** No server changed or went: every file of the last build's index is kept as it is (null if that build wrote none). */
function keepAll(keysFile: string): IndexStats | null {
  const meta = parseMeta(readWritten('meta.json'));
  if (!meta) return null;
  const names = Object.keys(setup.last).map((url) => url.slice('/search-index/'.length));
  for (const name of names) keep(name);
  // So are the keys kept with it.
  if (existsSync(keysFile)) copyFileSync(keysFile, searchKeysFile(setup.state));
  return { documents: meta.documents, shards: meta.shards.length, files: names.length };
}

/** Keeps a file of the last build's index as it is (true), if that build wrote it. */
function keep(name: string): boolean {
  const url = `/search-index/${name}`;
  if (setup.last[url] === undefined) return false;
  files[url] = setup.last[url];
  return true;
}

/** The index built from every server sent, and from `previous` (the last build's servers that were not sent). */
function buildWhole(previous: Iterable<Searchable>): IndexStats {
  const builder = new SearchIndexBuilder(output);
  for (const s of fresh.values()) for (const document of documentsOf(s)) builder.addDocument(document);
  for (const s of previous) for (const document of documentsOf(s)) builder.addDocument(document);
  return builder.finish();
}

/** The last build's index patched with the servers sent and gone; built whole when it cannot be patched. */
function update(previous: NonNullable<SearchSetup['previous']>): IndexStats & { patched: boolean } {
  const unchanged = fresh.size === 0 && gone.size === 0 ? keepAll(previous.files.searchKeys) : null;
  if (unchanged) return { ...unchanged, patched: true };
  const places = new Map(previous.places);
  const fd = { servers: openSync(previous.files.servers, 'r'), records: openSync(previous.files.records, 'r') };
  try {
    const record = (id: string): Searchable | null => {
      const place = places.get(id);
      return place ? readSearchable(readRecord(fd, place)) : null;
    };
    const servers = new Set([...fresh.keys(), ...gone]);
    const index = readLastIndex();
    const patched =
      index &&
      updateSearchIndex(
        index,
        { ...output, keep },
        {
          servers,
          fresh: [...fresh.values()].flatMap(documentsOf),
          previous: (id) => {
            const s = record(id);
            return s ? documentsOf(s) : [];
          },
        },
      );
    if (patched) return { ...patched, patched: true };
    const kept = [...places.keys()].filter((id) => !servers.has(id));
    return { ...buildWhole(kept.map((id) => record(id)!)), patched: false };
  } finally {
    closeSync(fd.servers);
    closeSync(fd.records);
  }
}
