import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { Orm } from '../connection.ts';
import { crawlAttempts, crawlRuns, type CrawlRunRow, type Outcome } from '../schema.ts';
import { rowsOf } from './status.ts';

/** The most recent run, if it was interrupted (the one a new crawl may complete). */
export async function latestInterruptedRun(orm: Orm): Promise<CrawlRunRow | undefined> {
  const [latest] = await orm.select().from(crawlRuns).orderBy(desc(crawlRuns.id)).limit(1);
  return latest?.status === 'interrupted' ? latest : undefined;
}

/** Marks an interrupted run as running again, to be completed. */
export async function reopenRun(orm: Orm, runId: number): Promise<CrawlRunRow> {
  const [run] = await orm
    .update(crawlRuns)
    .set({ status: 'running', finishedAt: null })
    .where(and(eq(crawlRuns.id, runId), eq(crawlRuns.status, 'interrupted')))
    .returning();
  if (!run) throw new Error(`crawl run ${runId} is not an interrupted run; only an interrupted run can be resumed`);
  return run;
}

/** Servers that have an attempt in the run that was not cut short by the interruption. */
export async function finishedServerIds(orm: Orm, runId: number): Promise<Set<string>> {
  const rows = await orm
    .selectDistinct({ serverId: crawlAttempts.serverId })
    .from(crawlAttempts)
    .where(and(eq(crawlAttempts.runId, runId), ne(crawlAttempts.outcome, 'interrupted')));
  return new Set(rows.map((r) => r.serverId));
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
