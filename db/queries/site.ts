import { desc, inArray, sql, type SQL } from 'drizzle-orm';
import type { Orm } from '../connection.ts';
import {
  crawlAttempts,
  crawlRuns,
  serverTools,
  servers,
  toolChanges,
  type CrawlAttemptRow,
  type CrawlRunRow,
  type ServerRow,
  type ToolChangeRow,
} from '../schema.ts';

/** The tool changes of these servers, newest first. */
export async function changesOfServers(orm: Orm, serverIds: readonly string[]): Promise<ToolChangeRow[]> {
  if (serverIds.length === 0) return [];
  return orm
    .select()
    .from(toolChanges)
    .where(inArray(toolChanges.serverId, [...serverIds]))
    .orderBy(desc(toolChanges.detectedAt), desc(toolChanges.id));
}

/**
 * The latest crawl attempt of the server `serverId` (an SQL expression), every column, as a subquery to join
 * laterally. It is read through the (server_id, started_at) index, so its cost does not grow with the crawl
 * history: a nightly crawl adds an attempt per server every night, and sorting them all (`distinct on`) made a
 * site build's fingerprints grow with it (at 100,000 tools, 0.9 s without history, 6.4 s after 60 nights; 1.1 s now).
 */
export function latestAttempt(serverId: SQL): SQL {
  return sql`select * from ${crawlAttempts} where ${crawlAttempts.serverId} = ${serverId} order by ${sql.join(LATEST_FIRST, sql`, `)} limit 1`;
}

/** A server's attempts, latest first: the last started, and of those started together the last recorded. */
const LATEST_FIRST = [desc(crawlAttempts.startedAt), desc(crawlAttempts.id)];

/** What the site shows of a crawl attempt (see pageCrawlStatus in site/render/model.ts). */
export type ShownAttempt = Pick<CrawlAttemptRow, 'outcome' | 'startedAt' | 'durationMs' | 'toolCount' | 'error'>;

/** What the site shows of a server's crawl status (with its latest attempt): see serverFingerprints' `status`. */
export type ServerCrawlStatus = Pick<ServerRow, 'id' | 'lastSeen' | 'lastOutcome' | 'lastSuccessAt'>;

export type CrawlStatusWithAttempt = ServerCrawlStatus & { lastAttempt: ShownAttempt | null };

/**
 * These servers' crawl statuses, each with what the site shows of its latest attempt, in one statement (a nightly
 * build restates nearly every server: reading the statuses and every column of the latest attempts in two queries
 * cost its main thread twice as long). Re-rendered servers take their attempt from here too, so the workers get
 * no attempt's stderr or details, which no page shows.
 */
export async function crawlStatusesOfServers(orm: Orm, serverIds: readonly string[]): Promise<CrawlStatusWithAttempt[]> {
  if (serverIds.length === 0) return [];
  const latest = orm
    .select({
      outcome: crawlAttempts.outcome,
      startedAt: crawlAttempts.startedAt,
      durationMs: crawlAttempts.durationMs,
      toolCount: crawlAttempts.toolCount,
      error: crawlAttempts.error,
    })
    .from(crawlAttempts)
    .where(sql`${crawlAttempts.serverId} = ${servers.id}`)
    .orderBy(...LATEST_FIRST)
    .limit(1)
    .as('latest');
  const rows = await orm
    .select({
      id: servers.id,
      lastSeen: servers.lastSeen,
      lastOutcome: servers.lastOutcome,
      lastSuccessAt: servers.lastSuccessAt,
      attempt: { outcome: latest.outcome, startedAt: latest.startedAt, durationMs: latest.durationMs, toolCount: latest.toolCount, error: latest.error },
    })
    .from(servers)
    .leftJoinLateral(latest, sql`true`)
    .where(inArray(servers.id, [...serverIds]));
  // outcome is never null in a stored attempt: null here means the server has none.
  return rows.map(({ attempt, ...status }) => ({ ...status, lastAttempt: attempt?.outcome ? (attempt as ShownAttempt) : null }));
}

/** The newest tool changes across the catalogue. */
export async function recentToolChanges(orm: Orm, limit: number): Promise<ToolChangeRow[]> {
  return orm.select().from(toolChanges).orderBy(desc(toolChanges.detectedAt), desc(toolChanges.id)).limit(limit);
}

export interface SiteTotals {
  servers: number;
  /** Servers with a current tool set. */
  crawledServers: number;
  /** Current tools (every server's tool set). */
  tools: number;
  lastRun: CrawlRunRow | null;
}

export async function siteTotals(orm: Orm): Promise<SiteTotals> {
  const [serverCount] = await orm.select({ n: sql<number>`count(*)::int`, crawled: sql<number>`count(${servers.lastSuccessAt})::int` }).from(servers);
  const [toolCount] = await orm.select({ n: sql<number>`count(*)::int` }).from(serverTools);
  const [lastRun] = await orm.select().from(crawlRuns).orderBy(desc(crawlRuns.id)).limit(1);
  return {
    servers: Number(serverCount.n),
    crawledServers: Number(serverCount.crawled),
    tools: Number(toolCount.n),
    lastRun: lastRun ?? null,
  };
}

/**
 * Refreshes the planner statistics of the tables a site build reads. After a bulk first crawl they may never
 * have been gathered, and PostgreSQL then plans the per-batch queries as whole-table scans (measured at 500,000
 * tools: 1.25 s a batch before, 54 ms after).
 */
export async function analyzeForSiteBuild(orm: Orm): Promise<void> {
  await orm.execute(sql`analyze servers, server_tools, tool_definitions, classifications, tool_changes, crawl_attempts`);
}
