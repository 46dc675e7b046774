import { setMaxListeners } from 'node:events';
import { closeRun, messageOf, openRun, upsertServers, type Orm, type Outcome } from '../db/index.ts';
import { linkedSignal } from './net/signals.ts';
import { crawlTarget, type CrawlOptions } from './connect/index.ts';
import { CrawlQueue } from './queue.ts';
import { ResultBatcher } from './result-batch.ts';
import type { StorableResult } from './store-result.ts';
import { holdLease, newLease } from './run-lease.ts';

export { storeResult } from './store-result.ts';
import { DEFAULT_RETRY, withRetries, type RetryOptions } from './retry.ts';
import { distinctLabels, targetHost, targetsToTry, type CrawlTarget, type SourcedServer } from './targets.ts';

export interface RunCrawlOptions extends CrawlOptions {
  /** Local (stdio) attempts at once (default 4). */
  concurrency?: number;
  /** Remote attempts at once (default 128). */
  remoteConcurrency?: number;
  perHostConcurrency?: number;
  /** Retries of transient failures (429, 5xx, connection reset), with exponential backoff. */
  retry?: RetryOptions;
  /** Stored on the run: what was crawled and how. */
  runOptions?: Record<string, unknown>;
  /** Continue this run (an interrupted one, reopened by the caller) instead of opening a new one. */
  runId?: number;
  /** Called after each server's last attempt. */
  onProgress?: (progress: CrawlProgress) => void;
}

export interface CrawlProgress {
  done: number;
  total: number;
  counts: Partial<Record<Outcome, number>>;
  serverId: string;
  outcome: Outcome;
  error?: string;
  elapsedMs: number;
}

export interface ServerOutcome {
  serverId: string;
  outcome: Outcome;
  target?: string;
  error?: string;
  toolCount?: number;
  changes: number;
}

export interface CrawlRunSummary {
  runId: number;
  status: 'completed' | 'interrupted';
  /** Servers crawled (deleted servers are stored but not crawled). */
  servers: number;
  attempts: number;
  /** Each server's final outcome, counted. */
  outcomes: Partial<Record<Outcome, number>>;
  /** Tool changes recorded (added, removed, changed). */
  changes: number;
  durationMs: number;
  results: ServerOutcome[];
}

/**
 * One whole crawl: stores every server's metadata (even when it cannot be reached), opens a run, tries
 * each server's targets in order until one lists its tools, records every attempt, stores each successful
 * listing as a snapshot, and closes the run with a summary. A failed attempt never touches the last good
 * snapshot. Aborting `signal` stops new attempts, interrupts running ones and marks the run `interrupted`.
 */
export async function runCrawl(orm: Orm, sourced: readonly SourcedServer[], options: RunCrawlOptions = {}): Promise<CrawlRunSummary> {
  const now = options.now ?? (() => new Date());
  const began = performance.now();
  const crawlable = await registerServers(orm, sourced, now());
  const run =
    options.runId !== undefined ? { id: options.runId } : await openRun(orm, now(), { ...options.runOptions, servers: crawlable.length }, newLease(now()));

  // The first failure to store a result (a full disk, a lost database) stops the whole crawl: every
  // attempt in flight is cut and its server killed, and nothing more is tried that could not be stored.
  const storage = new AbortController();
  const { signal, unlink } = linkedSignal(options.signal, storage.signal);
  // Every attempt in flight listens to it (128 remote ones by default): bounded by the pools, not a leak.
  setMaxListeners(0, signal);
  let storageFailure: unknown;
  async function store(serverId: string, result: StorableResult): Promise<number> {
    if (storageFailure !== undefined) throw storageFailure;
    try {
      return await batcher.store(serverId, result);
    } catch (error) {
      storageFailure ??= error;
      storage.abort(error);
      throw error;
    }
  }

  const queue = new CrawlQueue({ concurrency: options.concurrency, remoteConcurrency: options.remoteConcurrency, perHost: options.perHostConcurrency });
  const batcher = new ResultBatcher(orm, run.id);
  const counts: Partial<Record<Outcome, number>> = {};
  const results: ServerOutcome[] = [];
  let attempts = 0;

  async function attempt(target: CrawlTarget): Promise<StorableResult> {
    const { result, retries } = await withRetries(
      () => queue.run(targetHost(target), () => crawlTarget(target, { ...options, signal })),
      (r) => r.transient,
      { ...(options.retry ?? DEFAULT_RETRY), signal },
    );
    if (retries > 0) result.details.retries = retries;
    return result;
  }

  async function crawlServer({ server, targets }: SourcedServer): Promise<void> {
    let last: ServerOutcome | undefined;
    for (const target of targetsToTry(targets)) {
      if (signal.aborted) break;
      const result = await attempt(target);
      attempts += 1;
      const changes = await store(server.id, result);
      last = { serverId: server.id, outcome: result.outcome, target: result.label, error: result.error, toolCount: result.tools?.length, changes };
      if (result.outcome === 'ok') break;
    }
    if (!last) return; // interrupted before its first attempt
    results.push(last);
    counts[last.outcome] = (counts[last.outcome] ?? 0) + 1;
    options.onProgress?.({
      done: results.length,
      total: crawlable.length,
      counts: { ...counts },
      serverId: server.id,
      outcome: last.outcome,
      error: last.error,
      elapsedMs: performance.now() - began,
    });
  }

  // The lease tells a later sweep that this run is still worked on (see run-lease.ts).
  const lease = holdLease(orm, run.id, { now });
  const settled = await Promise.allSettled(crawlable.map(crawlServer)).finally(() =>
    batcher.flush().finally(() => {
      lease.stop();
      unlink();
    }),
  );
  const failed = storageFailure !== undefined ? { reason: storageFailure } : settled.find((r) => r.status === 'rejected');
  if (failed) {
    const error = failed.reason;
    // With the disk full this may fail too; the run is then found stale by the next command.
    await closeRun(orm, run.id, 'failed', now(), { error: messageOf(error), outcomes: counts, attempts }).catch(() => undefined);
    throw error;
  }
  const status = options.signal?.aborted ? 'interrupted' : 'completed';
  const summary = {
    servers: crawlable.length,
    attempts,
    outcomes: counts,
    changes: results.reduce((sum, r) => sum + r.changes, 0),
    durationMs: Math.round(performance.now() - began),
  };
  await closeRun(orm, run.id, status, now(), summary);
  return { runId: run.id, status, ...summary, results };
}

/**
 * Stores every sourced server once (merged by id), deleted ones included, and returns those a run can crawl:
 * not deleted, with at least one way to reach them.
 */
export async function registerServers(orm: Orm, sourced: readonly SourcedServer[], at: Date): Promise<SourcedServer[]> {
  const merged = mergeById(sourced);
  await upsertServers(
    orm,
    merged.map((s) => s.server),
    at,
  );
  return merged.filter((s) => s.server.status !== 'deleted' && s.targets.length > 0);
}

/**
 * One entry per server id: a server that several sources list (a servers file and the registry) keeps the
 * first one's metadata, every source's name, and all their targets in order.
 */
export function mergeById(sourced: readonly SourcedServer[]): SourcedServer[] {
  const byId = new Map<string, SourcedServer>();
  for (const { server, targets } of sourced) {
    const first = byId.get(server.id);
    if (!first) {
      byId.set(server.id, { server, targets: [...targets] });
      continue;
    }
    first.server = { ...first.server, sources: [...new Set([...(first.server.sources ?? []), ...(server.sources ?? [])])] };
    first.targets.push(...targets);
  }
  // Two sources may list one way of reaching a server twice: each attempt record needs a label of its own.
  return [...byId.values()].map((s) => ({ ...s, targets: distinctLabels(s.targets) }));
}
