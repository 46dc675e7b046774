// The search-index thread: builds the index from the servers the build sends it, and writes the files that changed.
import { parentPort, workerData } from 'node:worker_threads';
import { inputHash } from './manifest.ts';
import { OutputWriter } from './render.ts';
import { SearchIndexBuilder } from './search-index.ts';
import type { SearchMessage, SearchSetup, SearchThreadResult } from './search-thread.ts';
import { threadErrorText } from './threads.ts';

const setup = workerData as SearchSetup;
const out = new OutputWriter(setup.outDir, setup.base);
const files: Record<string, string> = {};
const search = new SearchIndexBuilder((name, content) => {
  const url = `/search-index/${name}`;
  files[url] = inputHash(setup.salt, content);
  if (setup.last[url] !== files[url]) out.write(url, content);
}, setup.base);
const decoder = new TextDecoder();

parentPort!.on('message', (message: SearchMessage) => {
  try {
    if (message.type === 'servers') {
      for (const s of message.servers) search.addServer(s.server, s.tools, s.search);
    } else if (message.type === 'carried') {
      const { bytes, ends } = message;
      for (let i = 0, start = 0; i < ends.length; start = ends[i++]) {
        const s = JSON.parse(decoder.decode(bytes.subarray(start, ends[i])));
        search.addServer(s.server, s.tools, s.search);
      }
    } else {
      const { documents } = search.finish();
      parentPort!.postMessage({ files, written: out.files, documents } satisfies SearchThreadResult);
    }
  } catch (error) {
    parentPort!.postMessage({ error: threadErrorText(error) });
  }
});
