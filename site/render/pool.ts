import { Worker } from 'node:worker_threads';
import type { Job, JobResult, WorkerSetup } from './jobs.ts';

interface Pending {
  resolve(result: JobResult): void;
  reject(error: Error): void;
}

/** Render workers: worker threads running worker.ts through tsx. `run` sends a job to the least busy one. */
export class RenderPool {
  private readonly workers: Array<{ worker: Worker; inFlight: number }> = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | null = null;

  static async start(size: number, workerData: WorkerSetup): Promise<RenderPool> {
    const pool = new RenderPool();
    await Promise.all(Array.from({ length: size }, () => pool.spawn(workerData)));
    return pool;
  }

  private spawn(workerData: WorkerSetup): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData });
      const slot = { worker, inFlight: 0 };
      worker.on('message', (message: { ready?: boolean; id: number; result?: JobResult; error?: string }) => {
        if (message.ready) {
          this.workers.push(slot);
          return resolve();
        }
        slot.inFlight--;
        const pending = this.pending.get(message.id)!;
        this.pending.delete(message.id);
        if (message.error !== undefined) pending.reject(new Error(`Rendering failed: ${message.error}`));
        else pending.resolve(message.result!);
      });
      worker.on('error', (error) => {
        this.failure = error;
        reject(error);
        for (const p of this.pending.values()) p.reject(error);
        this.pending.clear();
      });
    });
  }

  run<R extends JobResult>(job: Job): Promise<R> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.workers.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    slot.inFlight++;
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: JobResult) => void, reject });
      slot.worker.postMessage({ id, job });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
