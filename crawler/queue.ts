import PQueue from 'p-queue';

export interface QueueLimits {
  /** Attempts running at once. */
  concurrency: number;
  /** Attempts running at once against one remote host. */
  perHost: number;
}

/** A global limit on attempts, and a per-host limit for remote servers within it. */
export class CrawlQueue {
  private readonly global: PQueue;
  private readonly hosts = new Map<string, PQueue>();

  constructor(private readonly limits: QueueLimits) {
    this.global = new PQueue({ concurrency: limits.concurrency });
  }

  /** Runs `task` once a global slot, and for a remote host a slot of that host, are free. */
  run<T>(host: string | undefined, task: () => Promise<T>): Promise<T> {
    if (host === undefined) return this.global.add(task);
    let queue = this.hosts.get(host);
    if (!queue) {
      queue = new PQueue({ concurrency: this.limits.perHost });
      this.hosts.set(host, queue);
    }
    // Wait for the host's slot first, so an attempt never holds a global slot while its host is busy.
    return queue.add(() => this.global.add(task));
  }
}
