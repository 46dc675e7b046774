// Worker threads do not inherit the CLI's loader: a thread runs its module compiled with the CLI while that build
// is current, or else its TypeScript source through tsx.
import { workerData } from 'node:worker_threads';
import { importCompiled } from '../../cli/built.js';

const { compiled, source } = workerData.entry;
await importCompiled(compiled, new URL(source, import.meta.url).href);
