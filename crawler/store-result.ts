import { recordAttempt, setPackageInfo, storeSnapshot, type NewCrawlAttempt, type Orm, type PackageInfo } from '../db/index.ts';
import type { CrawlResult } from './connect/index.ts';

/**
 * Stores one attempt's result in a run: a successful listing as the server's snapshot, then the attempt row
 * (one per run, server and target: storing it again replaces it). Returns how many tool changes it recorded.
 */
export async function storeResult(orm: Orm, runId: number, serverId: string, result: StorableResult): Promise<number> {
  let changes = 0;
  await storePackageInfo(orm, serverId, result);
  if (result.outcome === 'ok') {
    const snapshot = await storeSnapshot(orm, { serverId, runId, tools: result.tools!, at: result.startedAt });
    changes = snapshot.changes.length;
  }
  await recordAttempt(orm, attemptRow(runId, serverId, result));
  return changes;
}

/** A crawl result with what the package registry said of the package the attempt installed, if any. */
export type StorableResult = CrawlResult & { packageInfo?: PackageInfo };

/** Records the installed package's registry metadata on the server (recorded whatever the outcome). */
export async function storePackageInfo(orm: Orm, serverId: string, result: StorableResult): Promise<void> {
  if (result.packageInfo) await setPackageInfo(orm, serverId, result.packageInfo);
}

/** The attempt row of one result. */
export function attemptRow(runId: number, serverId: string, result: CrawlResult): NewCrawlAttempt {
  return {
    runId,
    serverId,
    target: result.label,
    transport: result.transport ?? null,
    outcome: result.outcome,
    error: result.error ?? null,
    stderr: result.stderr ?? null,
    startedAt: result.startedAt,
    durationMs: result.durationMs,
    serverInfo: result.server ? { ...result.server } : null,
    toolCount: result.tools?.length ?? null,
    details: Object.keys(result.details).length > 0 ? result.details : null,
  };
}
