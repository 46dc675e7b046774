// A render worker: compiles nothing, loads the compiled views once and runs jobs sent by the pool.
import { parentPort, workerData } from 'node:worker_threads';
import { runJob, type Job } from './jobs.ts';
import { loadRenderer, OutputWriter } from './render.ts';

const { viewsModule, outDir } = workerData as { viewsModule: string; outDir: string };
const renderer = await loadRenderer(viewsModule);
const out = new OutputWriter(outDir);

parentPort!.on('message', async ({ id, job }: { id: number; job: Job }) => {
  try {
    parentPort!.postMessage({ id, result: await runJob(job, renderer, out) });
  } catch (error) {
    parentPort!.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
parentPort!.postMessage({ ready: true });
