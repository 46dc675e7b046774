import type { Boss } from '../../queue/boss.ts';
import { attemptedServerIds, closeRun, openRun, runChangeCounts, runProgress, type Orm, type RunProgress } from '../../db/index.ts';
import { sleep } from '../retry.ts';
import { holdLease, newLease } from '../run-lease.ts';
import { registerServers, type CrawlRunSummary } from '../run.ts';
import type { SourcedServer } from '../targets.ts';
import { CRAWL_QUEUE } from '../../queue/names.ts';
import type { CrawlJobSettings } from './crawl-job.ts';
import { crawlJobId, enqueueCrawlJobs, ensureCrawlQueues, type QueueSettings } from './queue.ts';

export interface DistributedProgress extends RunProgress {
  runId: number;
  total: number;
  /** Jobs waiting (new or retrying) and jobs held by a worker right now, across every worker. */
  queued: number;
  active: number;
  elapsedMs: number;
}

export interface DistributedCrawlOptions {
  boss: Boss;
  /** The run's limits and host policy, applied by every worker. */
  settings?: CrawlJobSettings;
  queue?: QueueSettings;
  runOptions?: Record<string, unknown>;
  /** Continue this run (an interrupted one, reopened by the caller) instead of opening a new one. */
  runId?: number;
  /** How often the coordinator looks at the run's progress. */
  pollMs?: number;
  onProgress?: (progress: DistributedProgress) => void;
  /** Aborting cancels the jobs not yet done and marks the run `interrupted`. */
  signal?: AbortSignal;
  now?: () => Date;
}

/**
 * The coordinator of a distributed crawl: stores the servers, opens a run, enqueues one job per server for
 * `toolrisk worker` processes anywhere to take, follows the run's progress in the database, and closes the
 * run once every server has its result. It crawls nothing itself.
 */
export async function runDistributedCrawl(orm: Orm, sourced: readonly SourcedServer[], options: DistributedCrawlOptions): Promise<CrawlRunSummary> {
  const { boss } = options;
  const now = options.now ?? (() => new Date());
  const began = performance.now();
  const crawlable = await registerServers(orm, sourced, now());
  const run =
    options.runId !== undefined
      ? { id: options.runId }
      : await openRun(orm, now(), { ...options.runOptions, servers: crawlable.length, distributed: true }, newLease(now()));

  await ensureCrawlQueues(boss);
  await enqueueCrawlJobs(boss, run.id, crawlable, options.settings ?? {}, options.queue);
  // Resuming: jobs of this run cancelled by an earlier interruption keep their ids, so inserting them
  // again adds nothing; they are put back to work instead.
  if (options.runId !== undefined && crawlable.length > 0)
    await boss.resume(
      CRAWL_QUEUE,
      crawlable.map((s) => crawlJobId(run.id, s.server.id)),
    );

  const lease = holdLease(orm, run.id, { now });
  // A new run's servers are all this sitting's; a resumed run also holds results of earlier sittings.
  const doneHere = async (progress: RunProgress) =>
    options.runId === undefined ? progress.serversDone : crawlable.filter((s) => attempted.has(s.server.id)).length;
  let attempted = new Set<string>();
  let progress = await follow();
  try {
    while ((await doneHere(progress)) < crawlable.length && !options.signal?.aborted) {
      await sleep(options.pollMs ?? 1_000, options.signal);
      progress = await follow();
      if (options.runId !== undefined) attempted = await attemptedServerIds(orm, run.id);
    }
  } finally {
    lease.stop();
  }

  let status: 'completed' | 'interrupted' = 'completed';
  if ((await doneHere(progress)) < crawlable.length) {
    status = 'interrupted';
    await boss.cancel(
      CRAWL_QUEUE,
      crawlable.map((s) => crawlJobId(run.id, s.server.id)),
    );
  }
  const changes = Object.values(await runChangeCounts(orm, run.id)).reduce((a, b) => a + b, 0);
  const summary = {
    servers: crawlable.length,
    attempts: progress.attempts,
    outcomes: progress.byOutcome,
    changes,
    durationMs: Math.round(performance.now() - began),
    workers: progress.byWorker,
  };
  await closeRun(orm, run.id, status, now(), summary);
  return { runId: run.id, status, ...summary, results: [] };

  async function follow(): Promise<RunProgress> {
    const current = await runProgress(orm, run.id);
    const [queued, active] = await Promise.all([boss.getQueueSize(CRAWL_QUEUE, { before: 'active' }), boss.getQueueSize(CRAWL_QUEUE, { before: 'completed' })]);
    options.onProgress?.({
      ...current,
      runId: run.id,
      total: crawlable.length,
      queued,
      active: active - queued,
      elapsedMs: performance.now() - began,
    });
    return current;
  }
}
