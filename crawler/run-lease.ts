import os from 'node:os';
import {
  closeStaleRun,
  isRunning,
  processStartTime,
  renewRunLease,
  runningRuns,
  runProgress,
  type CrawlRunRow,
  type Orm,
  type RunLease,
  type RunOwner,
} from '../db/index.ts';

/**
 * How long a run's lease lasts without renewal. A crawl renews it every third of this; a run past it is
 * presumed abandoned (its process killed, its machine gone). TOOLRISK_RUN_LEASE_SECONDS overrides it.
 */
export function leaseMs(env: NodeJS.ProcessEnv = process.env): number {
  const seconds = Number(env.TOOLRISK_RUN_LEASE_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 120_000;
}

/** This process as a run's owner. */
export function thisOwner(): RunOwner {
  return { host: os.hostname(), pid: process.pid, startTime: processStartTime(process.pid) };
}

export function newLease(now: Date, env?: NodeJS.ProcessEnv): RunLease {
  return { owner: thisOwner(), leaseUntil: new Date(now.getTime() + leaseMs(env)) };
}

/** Known dead: the owner ran on this machine and its process is gone. An owner on another machine is only judged by its lease. */
export function ownerGone(owner: RunOwner | null): boolean {
  if (!owner) return true;
  return owner.host === os.hostname() && !isRunning(owner);
}

/**
 * Keeps a run's lease fresh while this process works on it: renews it every third of the lease time.
 * `stop` ends the renewals (the run is then closed by its owner, or found stale by a sweep).
 */
export function holdLease(orm: Orm, runId: number, options: { now?: () => Date; env?: NodeJS.ProcessEnv } = {}): { stop(): void } {
  const now = options.now ?? (() => new Date());
  const ms = leaseMs(options.env);
  const timer = setInterval(
    () => {
      // A failed renewal is retried at the next tick; the lease only lapses if every renewal fails.
      renewRunLease(orm, runId, new Date(now().getTime() + ms)).catch(() => undefined);
    },
    Math.max(50, Math.floor(ms / 3)),
  );
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

export interface SweptRun {
  runId: number;
  status: 'completed' | 'interrupted';
  reason: string;
}

/**
 * Closes the runs left `running` by a process that is gone: `crawl`, `status` and `worker` call it first.
 * A run is stale when its lease has lapsed, or when its owner ran on this machine and has exited
 * (SIGKILL, a crash). A distributed run whose coordinator died while workers still crawl its jobs stays
 * open as long as the workers renew its lease, and is closed `completed` once every server has a result.
 * Every other stale run is closed `interrupted`, so that the next crawl with the same sources resumes it.
 */
export async function sweepStaleRuns(orm: Orm, options: { now?: () => Date } = {}): Promise<SweptRun[]> {
  const now = (options.now ?? (() => new Date()))();
  const swept: SweptRun[] = [];
  for (const run of await runningRuns(orm)) {
    const lapsed = run.leaseUntil === null || run.leaseUntil.getTime() < now.getTime();
    const gone = ownerGone(run.owner);
    if (!lapsed && !gone) continue;
    const progress = await runProgress(orm, run.id);
    const servers = Number(run.options.servers ?? Number.POSITIVE_INFINITY);
    const distributed = run.options.distributed === true;
    const allDone = distributed && progress.serversDone >= servers;
    if (distributed && !allDone && !lapsed) continue; // workers are still at it
    const reason = describe(run, lapsed, gone);
    const status = allDone ? 'completed' : 'interrupted';
    const summary = {
      servers: progress.serversDone,
      attempts: progress.attempts,
      outcomes: progress.byOutcome,
      ...(distributed ? { workers: progress.byWorker } : {}),
      sweptBecause: reason,
    };
    if (await closeStaleRun(orm, run, status, now, summary)) swept.push({ runId: run.id, status, reason });
  }
  return swept;
}

function describe(run: CrawlRunRow, lapsed: boolean, gone: boolean): string {
  const who = run.owner ? `process ${run.owner.pid} on ${run.owner.host}` : 'a process that left no owner';
  if (gone && run.owner) return `${who} is gone`;
  return lapsed ? `its lease lapsed${run.leaseUntil ? ` at ${run.leaseUntil.toISOString()}` : ''} (${who} stopped renewing it)` : `${who} is gone`;
}

/** One line per swept run, for a command to print on stderr. */
export function sweptLines(swept: readonly SweptRun[]): string[] {
  return swept.map(
    (s) =>
      `toolrisk: run ${s.runId} was left running: ${s.reason}; closed as ${s.status}${s.status === 'interrupted' ? ' (the next crawl with the same sources resumes it)' : ''}.`,
  );
}
