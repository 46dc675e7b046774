// A render worker: compiles nothing, loads the compiled views once and runs jobs sent by the pool.
import { parentPort, workerData } from 'node:worker_threads';
import { runJob, type Job, type WorkerSetup } from './jobs.ts';
import { loadRenderer, OutputWriter } from './render.ts';
import { threadErrorText } from './threads.ts';

const setup = workerData as WorkerSetup;
const renderer = await loadRenderer(setup.viewsModule);
const out = new OutputWriter(setup.outDir, setup.base);

parentPort!.on('message', async ({ id, job }: { id: number; job: Job }) => {
  try {
    parentPort!.postMessage({ id, result: await runJob(job, renderer, out, setup) });
  } catch (error) {
    parentPort!.postMessage({ id, error: threadErrorText(error) });
  }
});
parentPort!.postMessage({ ready: true });
