import { Worker } from 'node:worker_threads';

/**
 * Which module a site-build thread runs: dist/cli/<compiled>.js (see cli/build.mjs) while that build is current,
 * or else its TypeScript source, relative to worker-entry.mjs.
 */
export interface ThreadModule {
  compiled: string;
  source: string;
}

/** Starts a thread running `module` (through worker-entry.mjs, which reads it from `workerData.entry`). */
export function startThread(module: ThreadModule, workerData: object): Worker {
  return new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: { ...workerData, entry: module } });
}

/** What a thread sends back when a job fails: the error's stack, which names where in the thread it failed. */
export function threadErrorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
