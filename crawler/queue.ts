import PQueue from 'p-queue';

export interface QueueLimits {
  /** Local (stdio) attempts running at once: each is a sandboxed process on this machine. */
  concurrency: number;
  /** Remote attempts running at once: mostly waiting on the network, so many more fit. */
  remoteConcurrency: number;
  /** Attempts running at once against one remote host. */
  perHost: number;
}

/**
 * Defaults that fit both kinds of target: a stdio attempt costs a process and its CPU, a remote one costs a
 * socket and waits on someone else's server, so remote targets get a pool of their own, 32 times larger.
 */
export const DEFAULT_QUEUE_LIMITS: QueueLimits = { concurrency: 4, remoteConcurrency: 128, perHost: 2 };

/**
 * One limit for local (stdio) attempts, a separate and higher one for remote attempts, and a per-host limit
 * for remote servers within it.
 */
export class CrawlQueue {
  private readonly local: PQueue;
  private readonly remote: PQueue;
  private readonly hosts = new Map<string, PQueue>();
  private readonly limits: QueueLimits;

  constructor(limits: Partial<QueueLimits> = {}) {
    this.limits = { ...DEFAULT_QUEUE_LIMITS, ...withoutUndefined(limits) };
    this.local = new PQueue({ concurrency: this.limits.concurrency });
    this.remote = new PQueue({ concurrency: this.limits.remoteConcurrency });
  }

  /** Runs `task` once a slot of its pool, and for a remote host a slot of that host, are free. */
  run<T>(host: string | undefined, task: () => Promise<T>): Promise<T> {
    if (host === undefined) return this.local.add(task);
    let queue = this.hosts.get(host);
    if (!queue) {
      queue = new PQueue({ concurrency: this.limits.perHost });
      this.hosts.set(host, queue);
    }
    // Wait for the host's slot first, so an attempt never holds a pool slot while its host is busy.
    return queue.add(() => this.remote.add(task));
  }
}

function withoutUndefined<T extends object>(value: Partial<T>): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
