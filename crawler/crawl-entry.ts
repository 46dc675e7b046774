import type { Orm } from '../db/index.ts';
import { type BossTiming, closeBoss, openBoss } from '../queue/boss.ts';
import { type DistributedProgress, runDistributedCrawl } from './distributed/coordinator.ts';
import type { QueueSettings } from './distributed/queue.ts';
import { type CrawlRunner, crawlOrResume, type ResumableCrawlSummary } from './run-lifecycle.ts';
import type { CrawlProgress, RunCrawlOptions } from './run.ts';
import type { SourcedServer } from './targets.ts';

/** What every attempt applies, wherever it runs: limits, host policy, sandbox, npm/PyPI runtime, local pools. */
export type CrawlSettings = Pick<RunCrawlOptions, 'limits' | 'network' | 'unsafeNoSandbox' | 'npm' | 'pypi' | 'concurrency' | 'perHostConcurrency'>;

/** Crawling through `toolrisk worker` processes that share one PostgreSQL database and its job queue. */
export interface DistributedConfig {
  databaseUrl: string;
  queue: QueueSettings;
  timing: BossTiming;
  /** How often the coordinator looks at the run's progress (default 1 s). */
  pollMs?: number;
}

/** How a crawl runs: the typed form of the crawl flags, as `crawl`, `run`, `start` and `schedule` parse them. */
export interface CrawlConfig {
  settings: CrawlSettings;
  /** null: in this process. */
  distributed: DistributedConfig | null;
  /** Stored on the run: what was crawled (the sources, as given). */
  runOptions: Record<string, unknown>;
  /** When set, an interrupted run started with the same key is completed instead of a new one started. */
  resumeKey?: string;
}

export interface CrawlHooks {
  signal?: AbortSignal;
  /** A line for each stale run swept before the crawl. */
  log?: (line: string) => void;
  /** After each server, in this process. */
  onProgress?: (progress: CrawlProgress) => void;
  /** Each time the coordinator looks at a distributed run. */
  onQueueProgress?: (progress: DistributedProgress) => void;
  now?: () => Date;
}

/**
 * The one crawl entry of the CLI and the pipeline: crawls `servers` into a run and returns its summary.
 * Resumed, distributed or local is decided here: stale runs are swept first; with a `resumeKey`, an
 * interrupted run with the same key is completed; with `distributed`, the servers go to the job queue
 * for workers (this process only coordinates), otherwise they are crawled in this process.
 */
export async function crawlServers(orm: Orm, servers: readonly SourcedServer[], config: CrawlConfig, hooks: CrawlHooks = {}): Promise<ResumableCrawlSummary> {
  const { signal, log, now } = hooks;
  const lifecycle = { runOptions: config.runOptions, resumeKey: config.resumeKey, signal, log, now };
  const { distributed } = config;
  if (!distributed) return crawlOrResume(orm, servers, { ...lifecycle, ...config.settings, onProgress: hooks.onProgress });

  const boss = await openBoss(distributed.databaseUrl, { timing: distributed.timing });
  const coordinate: CrawlRunner = (db, sourced, run) =>
    runDistributedCrawl(db, sourced, {
      boss,
      queue: distributed.queue,
      pollMs: distributed.pollMs,
      settings: { limits: config.settings.limits, network: config.settings.network },
      runOptions: run.runOptions,
      runId: run.runId,
      signal: run.signal,
      now: run.now,
      onProgress: hooks.onQueueProgress,
    });
  try {
    return await crawlOrResume(orm, servers, lifecycle, coordinate);
  } finally {
    await closeBoss(boss);
  }
}
