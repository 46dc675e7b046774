import { and, eq, sql } from 'drizzle-orm';
import type { Orm } from '../connection.ts';
import { classifications, crawlAttempts, crawlRuns, servers, serverTools, toolChanges } from '../schema.ts';
import { rowsOf } from './status.ts';
import { classificationFor } from './classifications.ts';

export interface RunProgress {
  /** Servers with at least one attempt recorded in the run. */
  serversDone: number;
  attempts: number;
  /** Servers by their outcome in the run: `ok` if any attempt listed tools, else the latest attempt's. */
  byOutcome: Record<string, number>;
  /** Attempts by the worker that made them (`details.worker`); in-process crawls have none. */
  byWorker: Record<string, number>;
}

/** How far a run has got: servers done and their outcomes, attempts by worker. */
export async function runProgress(orm: Orm, runId: number): Promise<RunProgress> {
  const outcomes = await orm.execute<{ outcome: string; n: number }>(sql`
    select outcome, count(*)::int as n from (
      select distinct on (${crawlAttempts.serverId}) ${crawlAttempts.outcome} as outcome
      from ${crawlAttempts}
      where ${crawlAttempts.runId} = ${runId}
      order by ${crawlAttempts.serverId}, (${crawlAttempts.outcome} = 'ok') desc, ${crawlAttempts.startedAt} desc
    ) final group by outcome
  `);
  const worker = sql<string>`coalesce(${crawlAttempts.details}->>'worker', '')`;
  const workers = await orm.select({ worker, n: sql<number>`count(*)::int` }).from(crawlAttempts).where(eq(crawlAttempts.runId, runId)).groupBy(worker);
  const byOutcome = Object.fromEntries(rowsOf<{ outcome: string; n: number }>(outcomes).map((r) => [r.outcome, Number(r.n)]));
  const byWorker = Object.fromEntries(workers.filter((r) => r.worker).map((r) => [r.worker, Number(r.n)]));
  const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
  return { serversDone: sum(byOutcome), attempts: workers.reduce((a, r) => a + Number(r.n), 0), byOutcome, byWorker };
}

export interface CatalogueCounts {
  /** Current tools (server, name) by the category of their classification for this classifier version. */
  byCategory: Record<string, number>;
  bySeverity: Record<string, number>;
  /** Current tools with no classification for this version yet. */
  unclassified: number;
}

/** The current catalogue counted by category and severity, for one classifier version. */
export async function catalogueCounts(orm: Orm, classifierVersion: string): Promise<CatalogueCounts> {
  const rows = await orm
    .select({ category: classifications.category, severity: classifications.severity, n: sql<number>`count(*)::int` })
    .from(serverTools)
    .leftJoin(classifications, classificationFor(classifierVersion))
    .groupBy(classifications.category, classifications.severity);
  const counts: CatalogueCounts = { byCategory: {}, bySeverity: {}, unclassified: 0 };
  for (const row of rows) {
    const n = Number(row.n);
    if (row.category === null || row.severity === null) {
      counts.unclassified += n;
      continue;
    }
    counts.byCategory[row.category] = (counts.byCategory[row.category] ?? 0) + n;
    counts.bySeverity[row.severity] = (counts.bySeverity[row.severity] ?? 0) + n;
  }
  return counts;
}

/** Tool changes recorded by one run, by kind. */
export async function runChangeCounts(orm: Orm, runId: number): Promise<Record<string, number>> {
  const rows = await orm
    .select({ kind: toolChanges.kind, n: sql<number>`count(*)::int` })
    .from(toolChanges)
    .where(eq(toolChanges.runId, runId))
    .groupBy(toolChanges.kind);
  return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
}

/**
 * A fingerprint of what the site renders: it changes whenever a crawl, a sync, a snapshot or a classification
 * writes something. Equal fingerprints mean a rebuild would render the same site.
 */
export async function catalogueFingerprint(orm: Orm): Promise<string> {
  const [row] = await orm
    .execute<Record<string, unknown>>(sql`
    select
      (select count(*) from ${servers})::text as servers,
      (select max(greatest(${servers.lastSeen}, ${servers.lastAttemptAt}))::text from ${servers}) as servers_at,
      (select max(${crawlRuns.id}) from ${crawlRuns})::text as run,
      (select max(${crawlRuns.finishedAt})::text from ${crawlRuns}) as run_at,
      (select max(${toolChanges.id}) from ${toolChanges})::text as change,
      (select count(*) from ${classifications})::text as classified,
      (select max(${classifications.classifiedAt})::text from ${classifications}) as classified_at
  `)
    .then(rowsOf<Record<string, unknown>>);
  return JSON.stringify(row);
}

/** Whether the run has any attempt for the server. */
export async function serverAttempted(orm: Orm, runId: number, serverId: string): Promise<boolean> {
  const [row] = await orm
    .select({ one: sql<number>`1` })
    .from(crawlAttempts)
    .where(and(eq(crawlAttempts.runId, runId), eq(crawlAttempts.serverId, serverId)))
    .limit(1);
  return row !== undefined;
}
