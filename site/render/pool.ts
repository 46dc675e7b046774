import type { Worker } from 'node:worker_threads';
import type { Job, JobResult, WorkerSetup } from './jobs.ts';
import { startThread } from './threads.ts';

interface Pending {
  resolve(result: JobResult): void;
  reject(error: Error): void;
}

/**
 * Render workers: worker threads running worker.ts (compiled with the CLI, or through tsx). They start with `start`
 * or the first job; `run` sends a job to the least busy one.
 */
export class RenderPool {
  private readonly workers: Array<{ worker: Worker; inFlight: number }> = [];
  /** Every worker started, ready or still loading. */
  private readonly spawned: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | null = null;
  private started: Promise<void> | null = null;

  constructor(
    private readonly size: number,
    private readonly workerData: WorkerSetup,
  ) {}

  /** Starts the workers now (they load while the caller does other work); `run` waits for them. */
  start(): void {
    this.started ??= Promise.all(Array.from({ length: this.size }, () => this.spawn())).then(() => {});
    this.started.catch(() => {}); // a failed start is thrown by run()
  }

  private spawn(): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = startThread({ compiled: 'render-worker', source: './worker.ts' }, this.workerData);
      this.spawned.push(worker);
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

  /**
   * The job's result. A build keeps several jobs in flight and awaits each when its turn comes; a job that fails
   * before then is thrown there, not reported as an unhandled rejection that ends the process first.
   */
  run<R extends JobResult>(job: Job): Promise<R> {
    const result = this.post<R>(job);
    result.catch(() => {});
    return result;
  }

  private async post<R extends JobResult>(job: Job): Promise<R> {
    this.start();
    await this.started;
    if (this.failure) throw this.failure;
    const slot = this.workers.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    slot.inFlight++;
    const id = this.nextId++;
    return new Promise<R>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (r: JobResult) => void, reject });
      slot.worker.postMessage({ id, job });
    });
  }

  /** Stops the workers, those still loading too: a build that rendered nothing does not wait for them. */
  async close(): Promise<void> {
    await Promise.all(this.spawned.map((worker) => worker.terminate()));
  }
}
