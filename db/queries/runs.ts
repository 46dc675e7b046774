import { desc, eq, sql } from 'drizzle-orm';
import type { Orm } from '../connection.ts';
import { crawlAttempts, crawlRuns, servers, type CrawlRunRow, type NewCrawlAttempt, type RunOwner, type RunStatus } from '../schema.ts';

/** Who runs a run and until when its lease holds (see crawler/run-lease.ts). */
export interface RunLease {
  owner: RunOwner;
  leaseUntil: Date;
}

export async function openRun(orm: Orm, startedAt: Date, options: Record<string, unknown> = {}, lease?: RunLease): Promise<CrawlRunRow> {
  const [run] = await orm
    .insert(crawlRuns)
    .values({ startedAt, options, status: 'running', ...lease })
    .returning();
  return run;
}

export async function closeRun(
  orm: Orm,
  runId: number,
  status: Exclude<RunStatus, 'running'>,
  finishedAt: Date,
  summary: Record<string, unknown> | null = null,
): Promise<void> {
  await orm.update(crawlRuns).set({ status, finishedAt, summary, owner: null, leaseUntil: null }).where(eq(crawlRuns.id, runId));
}

export async function getRun(orm: Orm, runId: number): Promise<CrawlRunRow | undefined> {
  const [run] = await orm.select().from(crawlRuns).where(eq(crawlRuns.id, runId));
  return run;
}

export async function latestRuns(orm: Orm, limit = 10): Promise<CrawlRunRow[]> {
  return orm.select().from(crawlRuns).orderBy(desc(crawlRuns.id)).limit(limit);
}

/**
 * Records how one attempt ended. One row per (run, server, target): a retried attempt replaces the earlier
 * row of the same run. The server's last attempt and outcome are updated with it.
 */
export async function recordAttempt(orm: Orm, attempt: NewCrawlAttempt): Promise<void> {
  await orm.transaction(async (tx) => {
    const { runId: _run, serverId, target: _target, ...rest } = attempt;
    await tx
      .insert(crawlAttempts)
      .values(attempt)
      .onConflictDoUpdate({ target: [crawlAttempts.runId, crawlAttempts.serverId, crawlAttempts.target], set: rest });
    await tx.update(servers).set({ lastAttemptAt: attempt.startedAt, lastOutcome: attempt.outcome }).where(eq(servers.id, serverId));
  });
}

/**
 * recordAttempt for many attempts of different servers (each row complete, as crawler/store-result.ts'
 * attemptRow makes them), in two statements whatever their number: a crawl of many remote servers stores
 * its results in batches.
 */
export async function recordAttempts(orm: Orm, attempts: readonly NewCrawlAttempt[]): Promise<void> {
  if (attempts.length === 0) return;
  const excluded = (column: string) => sql.raw(`excluded.${column}`);
  await orm.transaction(async (tx) => {
    await tx
      .insert(crawlAttempts)
      .values([...attempts])
      .onConflictDoUpdate({
        target: [crawlAttempts.runId, crawlAttempts.serverId, crawlAttempts.target],
        set: {
          transport: excluded('transport'),
          outcome: excluded('outcome'),
          error: excluded('error'),
          stderr: excluded('stderr'),
          startedAt: excluded('started_at'),
          durationMs: excluded('duration_ms'),
          serverInfo: excluded('server_info'),
          toolCount: excluded('tool_count'),
          details: excluded('details'),
        },
      });
    const latest = JSON.stringify(attempts.map((a) => ({ id: a.serverId, at: a.startedAt, outcome: a.outcome })));
    await tx.execute(sql`
      update ${servers} set last_attempt_at = r.at, last_outcome = r.outcome
      from jsonb_to_recordset(${latest}::jsonb) as r(id text, at timestamptz, outcome text)
      where ${servers.id} = r.id`);
  });
}

/** Attempts of a run, counted by outcome. */
export async function attemptOutcomes(orm: Orm, runId: number): Promise<Record<string, number>> {
  const rows = await orm
    .select({ outcome: crawlAttempts.outcome, n: sql<number>`count(*)::int` })
    .from(crawlAttempts)
    .where(eq(crawlAttempts.runId, runId))
    .groupBy(crawlAttempts.outcome);
  return Object.fromEntries(rows.map((r) => [r.outcome, r.n]));
}
