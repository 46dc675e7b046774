import { and, desc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Orm } from '../connection.ts';
import { crawlAttempts, crawlRuns, type CrawlRunRow, type Outcome } from '../schema.ts';
import type { RunLease } from './runs.ts';
import { rowsOf } from './status.ts';

/** The most recent run, if it was interrupted (the one a new crawl may complete). */
export async function latestInterruptedRun(orm: Orm): Promise<CrawlRunRow | undefined> {
  const [latest] = await orm.select().from(crawlRuns).orderBy(desc(crawlRuns.id)).limit(1);
  return latest?.status === 'interrupted' ? latest : undefined;
}

/** Marks an interrupted run as running again, to be completed, under a new lease. */
export async function reopenRun(orm: Orm, runId: number, lease?: RunLease): Promise<CrawlRunRow> {
  const [run] = await orm
    .update(crawlRuns)
    .set({ status: 'running', finishedAt: null, ...lease })
    .where(and(eq(crawlRuns.id, runId), eq(crawlRuns.status, 'interrupted')))
    .returning();
  if (!run) throw new Error(`crawl run ${runId} is not an interrupted run; only an interrupted run can be resumed`);
  return run;
}

/** What each server's attempts in a run got to: the targets tried to their end (not cut by an interruption), and whether one listed its tools. */
export interface ServerAttempts {
  tried: Set<string>;
  listed: boolean;
}

/** The run's attempts that were not cut short by an interruption, by server. */
export async function attemptsByServer(orm: Orm, runId: number): Promise<Map<string, ServerAttempts>> {
  const rows = await orm
    .select({ serverId: crawlAttempts.serverId, target: crawlAttempts.target, outcome: crawlAttempts.outcome })
    .from(crawlAttempts)
    .where(and(eq(crawlAttempts.runId, runId), ne(crawlAttempts.outcome, 'interrupted')));
  const byServer = new Map<string, ServerAttempts>();
  for (const row of rows) {
    const entry = byServer.get(row.serverId) ?? { tried: new Set<string>(), listed: false };
    entry.tried.add(row.target);
    entry.listed ||= row.outcome === 'ok';
    byServer.set(row.serverId, entry);
  }
  return byServer;
}

/** Servers with any attempt stored in the run (a given-up job's `interrupted` record included). */
export async function attemptedServerIds(orm: Orm, runId: number): Promise<Set<string>> {
  const rows = await orm.selectDistinct({ serverId: crawlAttempts.serverId }).from(crawlAttempts).where(eq(crawlAttempts.runId, runId));
  return new Set(rows.map((r) => r.serverId));
}

/** Runs still marked `running`: the candidates for the stale-run sweep. */
export async function runningRuns(orm: Orm): Promise<CrawlRunRow[]> {
  return orm.select().from(crawlRuns).where(eq(crawlRuns.status, 'running'));
}

/** Extends a running run's lease; false when the run is no longer running. */
export async function renewRunLease(orm: Orm, runId: number, leaseUntil: Date): Promise<boolean> {
  const rows = await orm
    .update(crawlRuns)
    .set({ leaseUntil })
    .where(and(eq(crawlRuns.id, runId), eq(crawlRuns.status, 'running')))
    .returning({ id: crawlRuns.id });
  return rows.length > 0;
}

/**
 * Closes a run found stale, unless it changed since it was read (its lease renewed, or another sweeper
 * closed it first). True when this call closed it.
 */
export async function closeStaleRun(
  orm: Orm,
  run: Pick<CrawlRunRow, 'id' | 'leaseUntil'>,
  status: 'completed' | 'interrupted',
  finishedAt: Date,
  summary: Record<string, unknown>,
): Promise<boolean> {
  const sameLease = run.leaseUntil === null ? isNull(crawlRuns.leaseUntil) : eq(crawlRuns.leaseUntil, run.leaseUntil);
  const rows = await orm
    .update(crawlRuns)
    .set({ status, finishedAt, summary, owner: null, leaseUntil: null })
    .where(and(eq(crawlRuns.id, run.id), eq(crawlRuns.status, 'running'), sameLease))
    .returning({ id: crawlRuns.id });
  return rows.length > 0;
}

/** Each server's last outcome in the run, counted: the run's result, however many sittings it took. */
export async function runServerOutcomes(orm: Orm, runId: number): Promise<Partial<Record<Outcome, number>>> {
  const result = await orm.execute(sql`
    select outcome, count(*)::int as n from (
      select distinct on (${crawlAttempts.serverId}) ${crawlAttempts.outcome} as outcome
      from ${crawlAttempts}
      where ${crawlAttempts.runId} = ${runId}
      order by ${crawlAttempts.serverId}, ${crawlAttempts.startedAt} desc, ${crawlAttempts.id} desc
    ) last group by outcome`);
  return Object.fromEntries(rowsOf<{ outcome: Outcome; n: number }>(result).map((r) => [r.outcome, Number(r.n)]));
}
