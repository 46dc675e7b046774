import { sql } from 'drizzle-orm';
import {
  closeRun,
  iterateCatalogue,
  openRun,
  recordAttempt,
  storeSnapshots,
  type CurrentTool,
  type ListedTool,
  type Orm,
  type SnapshotInput,
} from '../db/index.ts';
import { classifyCatalogue } from '../pipeline/classify.ts';

export interface ChurnOptions {
  /** Share of the catalogue's tools to add, change or remove (0.01: 1%). */
  fraction: number;
  at: Date;
  /**
   * Also store every other server's unchanged listing, as a nightly crawl of everything does: their pages then
   * show a new crawl time. Without it only the servers whose tools changed were crawled.
   */
  recrawlAll?: boolean;
}

export interface ChurnResult {
  servers: number;
  added: number;
  changed: number;
  removed: number;
}

/** A server's current tools as a crawl would list them again. */
export function listedAgain(tools: readonly CurrentTool[]): ListedTool[] {
  return tools.map(({ definition: d }) => ({
    name: d.name,
    title: d.title,
    description: d.description,
    inputSchema: d.inputSchema,
    outputSchema: d.outputSchema,
    annotations: d.annotations as Record<string, unknown> | null,
    descriptionTruncated: d.descriptionTruncated,
  }));
}

/**
 * A crawl that changes `fraction` of the catalogue's tools, spread evenly over its servers: on each server it
 * touches, one tool's description changes, every third such server gains a tool and every fourth loses one.
 * Stored as a crawl stores it (a run, snapshots, attempts), then classified.
 */
export async function churnCatalogue(orm: Orm, options: ChurnOptions): Promise<ChurnResult> {
  const all: Array<{ id: string; tools: ListedTool[] }> = [];
  for await (const batch of iterateCatalogue(orm, { batchSize: 500 })) {
    for (const { server, tools } of batch) {
      all.push({
        id: server.id,
        tools: listedAgain(tools),
      });
    }
  }
  const totalTools = all.reduce((n, s) => n + s.tools.length, 0);
  const target = Math.max(1, Math.round(totalTools * options.fraction));
  const result: ChurnResult = { servers: 0, added: 0, changed: 0, removed: 0 };
  const touched = new Map<string, ListedTool[]>();
  const withTools = all.filter((s) => s.tools.length > 0);
  const stride = Math.max(1, Math.floor(withTools.length / target));
  for (let i = 0; i < withTools.length && result.added + result.changed + result.removed < target; i += stride) {
    const { id, tools } = withTools[i];
    const n = result.servers++;
    const next = tools.map((t, k) => (k === 0 ? { ...t, description: `${t.description ?? ''} Updated: now also writes an audit log entry.` } : t));
    result.changed++;
    if (n % 3 === 0) {
      next.push({ ...tools[tools.length - 1], name: `${tools[tools.length - 1].name}_v2`, description: 'Deletes the record permanently.' });
      result.added++;
    }
    if (n % 4 === 1 && next.length > 1) {
      next.splice(1, 1);
      result.removed++;
    }
    touched.set(id, next);
  }
  const run = await openRun(orm, options.at);
  const crawled = options.recrawlAll ? all.map((s) => ({ id: s.id, tools: touched.get(s.id) ?? s.tools })) : [...touched].map(([id, tools]) => ({ id, tools }));
  for (let i = 0; i < crawled.length; i += 200) {
    const some = crawled.slice(i, i + 200);
    await storeSnapshots(
      orm,
      some.map((s): SnapshotInput => ({ serverId: s.id, runId: run.id, tools: s.tools, at: options.at })),
    );
    for (const s of some)
      await recordAttempt(orm, {
        runId: run.id,
        serverId: s.id,
        target: `npm:${s.id}`,
        outcome: 'ok',
        startedAt: options.at,
        durationMs: 100,
        toolCount: s.tools.length,
      });
  }
  await closeRun(orm, run.id, 'completed', options.at);
  await classifyCatalogue(orm, { now: () => options.at });
  return result;
}

/**
 * The crawl history of `nights` nightly crawls before `until`: a run a night with one attempt for every server,
 * as a platform team's catalogue gathers them. Older than anything stored since, so no page shows them; only
 * queries that read the history pay for it.
 */
export async function addCrawlHistory(orm: Orm, nights: number, until: Date): Promise<void> {
  for (let night = nights; night >= 1; night--) {
    const at = new Date(until.getTime() - night * 86_400_000);
    const run = await openRun(orm, at, { source: 'bench: crawl history' });
    await orm.execute(sql`
      insert into crawl_attempts (run_id, server_id, target, outcome, started_at, duration_ms)
      select ${run.id}, id, 'history', 'ok', ${at.toISOString()}::timestamptz, 100 from servers`);
    await closeRun(orm, run.id, 'completed', at, {});
  }
}
