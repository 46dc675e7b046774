import os from 'node:os';
import type { Boss, BossJob } from '../../queue/boss.ts';
import { recordAttempt, renewRunLease, serverAttempted, type Orm } from '../../db/index.ts';
import { crawlTarget, type CrawlOptions, type CrawlResult } from '../connect/index.ts';
import { holdLease, leaseMs, sweepStaleRuns, sweptLines } from '../run-lease.ts';
import { storeResult } from '../run.ts';
import { targetLabel, targetsToTry } from '../targets.ts';
import { CRAWL_QUEUE, LOST_QUEUE } from '../../queue/names.ts';
import { type CrawlJob, failureReason, parseCrawlJob } from './crawl-job.ts';

export interface WorkerOptions {
  boss: Boss;
  orm: Orm;
  /** Jobs crawled at once by this process. */
  concurrency?: number;
  /** Shown in `toolrisk status` and stored on each attempt. Defaults to host:pid. */
  name?: string;
  /** Anything the worker adds to every attempt (npm cache folder); each job brings its run's limits and network policy. */
  crawl?: CrawlOptions;
  pollingIntervalSeconds?: number;
  log?: (line: string) => void;
  now?: () => Date;
}

export interface CrawlWorker {
  name: string;
  /** Jobs this process has finished. */
  completed(): number;
  /** Stops taking jobs and waits for the ones in hand. */
  stop(): Promise<void>;
}

/** A transient failure with retries left: thrown so that pg-boss retries the job later, with backoff. */
class RetryLater extends Error {}

/**
 * Takes crawl jobs from the queue until stopped: crawls the job's server (its targets in order until one
 * lists its tools, as runCrawl does), stores the result in the job's run, completes the job. A transient
 * outcome with tries left fails the job instead, so pg-boss retries it after a backoff, possibly elsewhere.
 * A job whose worker dies stays leased until its lease expires; pg-boss then retries it, and a job that
 * runs out of tries lands on the lost queue, where it is stored as `interrupted` so the run can finish.
 */
export async function startCrawlWorker(options: WorkerOptions): Promise<CrawlWorker> {
  const { boss, orm } = options;
  const name = options.name ?? `${os.hostname()}:${process.pid}`;
  const log = options.log ?? (() => {});
  const now = options.now ?? (() => new Date());
  let completed = 0;
  let inHand = 0;
  const holding =
    (handle: (job: BossJob) => Promise<void>) =>
    async ([job]: BossJob[]) => {
      inHand++;
      try {
        await handle(job);
      } finally {
        inHand--;
      }
    };

  async function crawl(job: BossJob): Promise<void> {
    const data = parseCrawlJob(job.data);
    // While a worker crawls a run's server, the run is still worked on, even if its coordinator is gone.
    await renewRunLease(orm, data.runId, new Date(now().getTime() + leaseMs()));
    const lease = holdLease(orm, data.runId, { now });
    try {
      await crawlAndStore(job, data);
    } finally {
      lease.stop();
    }
    await sweep();
  }

  async function sweep(): Promise<void> {
    const swept = await sweepStaleRuns(orm, { now }).catch((error: Error) => {
      log(`could not look for stale runs: ${error.message}`);
      return [];
    });
    for (const line of sweptLines(swept)) log(line);
  }

  async function crawlAndStore(job: BossJob, data: CrawlJob): Promise<void> {
    const tries = job.retryCount + 1;
    const results = await crawlServer(data, { now, ...options.crawl, limits: data.settings.limits, network: data.settings.network });
    const last = results.at(-1)!;
    if (last.transient && job.retryCount < job.retryLimit) {
      log(`${data.serverId}: ${last.outcome} (try ${tries}), retrying later: ${last.error ?? ''}`);
      throw new RetryLater(`${last.outcome}: ${last.error ?? 'transient failure'}`);
    }
    for (const result of results) {
      result.details.worker = name;
      if (tries > 1) result.details.tries = tries;
      await storeResult(orm, data.runId, data.serverId, result);
    }
    completed++;
    log(`${data.serverId}: ${last.outcome}${last.tools ? ` (${last.tools.length} tools)` : ''}`);
  }

  async function recordLost(job: BossJob): Promise<void> {
    const data = parseCrawlJob(job.data);
    if (await serverAttempted(orm, data.runId, data.serverId)) return; // a try got as far as storing its result
    const why = failureReason(job.output);
    await recordAttempt(orm, {
      runId: data.runId,
      serverId: data.serverId,
      target: targetLabel(data.targets[0]),
      outcome: 'interrupted',
      error: `The crawl job was given up after every try failed (a worker died or lost its lease, or storing failed): ${why}`,
      startedAt: now(),
      durationMs: 0,
      details: { worker: name, lost: true },
    });
    log(`${data.serverId}: given up (${why})`);
  }

  await sweep();
  const sweeper = setInterval(() => void sweep(), Math.max(100, leaseMs() / 2));
  sweeper.unref();
  const work = { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 } as const;
  const ids: string[] = [];
  for (let i = 0; i < Math.max(1, options.concurrency ?? 2); i++) {
    ids.push(await boss.work<object>(CRAWL_QUEUE, work, holding(crawl)));
  }
  ids.push(await boss.work<object>(LOST_QUEUE, work, holding(recordLost)));

  return {
    name,
    completed: () => completed,
    async stop() {
      clearInterval(sweeper);
      for (const id of ids) await boss.offWork({ id });
      // offWork returns at once; wait until no job is in hand.
      while (inHand > 0) await new Promise((resolve) => setTimeout(resolve, 200));
    },
  };
}

/** Tries the job's targets in order until one lists its tools, as runCrawl does. */
async function crawlServer(job: CrawlJob, options: CrawlOptions): Promise<CrawlResult[]> {
  const results: CrawlResult[] = [];
  for (const target of targetsToTry(job.targets)) {
    const result = await crawlTarget(target, options);
    results.push(result);
    if (result.outcome === 'ok') break;
  }
  return results;
}
