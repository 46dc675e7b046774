import { attemptsByServer, closeRun, getRun, latestInterruptedRun, reopenRun, runServerOutcomes, type Orm, type ServerAttempts } from '../db/index.ts';
import { newLease, sweepStaleRuns, sweptLines } from './run-lease.ts';
import { mergeById, runCrawl, type CrawlRunSummary, type RunCrawlOptions } from './run.ts';
import { targetLabel, targetsToTry, type SourcedServer } from './targets.ts';

export interface ResumableCrawlOptions extends RunCrawlOptions {
  /**
   * What identifies "the same crawl" (e.g. its sources, as given on the command line). When the latest
   * run was interrupted and was started with the same key, this crawl completes that run.
   */
  resumeKey?: string;
  /** Called with a line for each stale run the sweep closed before the crawl. */
  log?: (line: string) => void;
}

export interface ResumableCrawlSummary extends CrawlRunSummary {
  /** The interrupted run this crawl completed, and how many of its servers were already done. */
  resumed?: { runId: number; alreadyDone: number };
}

/** How a crawl is carried out: in this process (runCrawl) or by workers (the distributed coordinator). */
export type CrawlRunner = (orm: Orm, sourced: readonly SourcedServer[], options: RunCrawlOptions) => Promise<CrawlRunSummary>;

/**
 * Runs a crawl, or completes the interrupted one. Runs left `running` by a dead process are closed first
 * (sweepStaleRuns). When the latest run was interrupted with the same `resumeKey`, only what it did not
 * finish is crawled into that same run: servers never attempted, and the targets of a server that were
 * never tried (a server whose first target failed goes on with its second). The run's summary then
 * counts every server of every sitting.
 */
export async function crawlOrResume(
  orm: Orm,
  sourced: readonly SourcedServer[],
  options: ResumableCrawlOptions = {},
  crawl: CrawlRunner = runCrawl,
): Promise<ResumableCrawlSummary> {
  const { resumeKey, log, ...rest } = options;
  for (const line of sweptLines(await sweepStaleRuns(orm, { now: rest.now }))) log?.(line);
  const runOptions = { ...rest.runOptions, ...(resumeKey !== undefined ? { resumeKey } : {}) };
  const interrupted = resumeKey !== undefined ? await latestInterruptedRun(orm) : undefined;
  if (!interrupted || interrupted.options.resumeKey !== resumeKey) return crawl(orm, sourced, { ...rest, runOptions });

  const { remaining, done } = remainingWork(sourced, await attemptsByServer(orm, interrupted.id));
  await reopenRun(orm, interrupted.id, newLease((rest.now ?? (() => new Date()))()));
  const summary = await crawl(orm, remaining, { ...rest, runOptions, runId: interrupted.id });
  const outcomes = await runServerOutcomes(orm, interrupted.id);
  const previous = interrupted.summary ?? {};
  const merged = {
    servers: summary.servers + done,
    attempts: summary.attempts + Number(previous.attempts ?? 0),
    outcomes,
    changes: summary.changes + Number(previous.changes ?? 0),
    durationMs: summary.durationMs + Number(previous.durationMs ?? 0),
    sittings: Number(previous.sittings ?? 1) + 1,
  };
  const run = await getRun(orm, interrupted.id);
  await closeRun(orm, interrupted.id, summary.status, run?.finishedAt ?? (rest.now ?? (() => new Date()))(), merged);
  return { ...summary, ...merged, resumed: { runId: interrupted.id, alreadyDone: done } };
}

/**
 * What an interrupted run still has to do: each server with the targets it has not tried yet (in their
 * order), none for a server that listed its tools or tried them all. Servers that are not crawled
 * (deleted, or without targets) pass through to be stored.
 */
export function remainingWork(sourced: readonly SourcedServer[], attempts: ReadonlyMap<string, ServerAttempts>): { remaining: SourcedServer[]; done: number } {
  const remaining: SourcedServer[] = [];
  let done = 0;
  for (const entry of mergeById(sourced)) {
    const tried = attempts.get(entry.server.id);
    if (!tried || entry.server.status === 'deleted' || entry.targets.length === 0) {
      remaining.push(entry);
      continue;
    }
    const untried = targetsToTry(entry.targets).filter((t) => !tried.tried.has(targetLabel(t)));
    if (tried.listed || untried.length === 0) done++;
    else remaining.push({ server: entry.server, targets: untried });
  }
  return { remaining, done };
}
