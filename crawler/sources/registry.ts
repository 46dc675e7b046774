import { attemptsByServer, getServers, getState, setState, type Orm, type ServerRow } from '../../db/index.ts';
import { targetLabel, type SourcedServer } from '../targets.ts';
import { DEFAULT_REGISTRY_URL, fetchRegistry, latestVersions, OFFICIAL, type RegistryEntry, type RegistryFetchOptions } from './registry-api.ts';
import { mapRegistryEntry } from './registry-map.ts';

export { DEFAULT_REGISTRY_URL, fetchRegistry, latestVersions, RegistryError, type RegistryEntry, type RegistryListing } from './registry-api.ts';
export { mapRegistryEntry, type MappedEntry } from './registry-map.ts';

/**
 * Registry sync that never loses a server. The state kept per registry URL:
 * - `lastSyncAt`: when the last sync whose crawl run completed started; `since: 'auto'` asks for what changed after.
 *   It moves only when a run completes (settleRegistrySync), never when one fails or is interrupted.
 * - `pending`: servers some sync listed that no run has finished crawling yet. Every sync crawls them again,
 *   whatever `since` says, from their stored rows; a run removes those it finished.
 */
interface SyncState {
  lastSyncAt?: string;
  pending?: string[];
}

export interface RegistrySyncOptions extends RegistryFetchOptions {
  /** `auto`: only servers updated since the last completed sync from this registry; a Date: since then. */
  since?: 'auto' | Date;
  /** Servers to crawl even when the registry did not list them this time (`--only`): read from the catalogue. */
  include?: readonly string[];
  now?: () => Date;
}

export interface RegistrySync {
  baseUrl: string;
  startedAt: Date;
  servers: SourcedServer[];
  /** One line per server that had fields dropped (its latest version only, so never once per version). */
  problems: string[];
  pages: number;
  /** The `updated_since` that was asked for, if any. */
  updatedSince?: Date;
  /** Servers crawled again because an earlier sync's run did not finish them. */
  carriedOver: string[];
}

function syncStateKey(baseUrl: string): string {
  return `registry-sync:${baseUrl.replace(/\/+$/, '')}`;
}

/**
 * Reads the registry (everything, or what changed since), plus the servers an unfinished earlier sync left
 * and those named in `include`, and maps them to crawl targets. Stores nothing: the caller stores the servers
 * (runCrawl does), calls markSyncListed before crawling and settleRegistrySync after.
 */
export async function syncRegistry(orm: Orm, options: RegistrySyncOptions = {}): Promise<RegistrySync> {
  const now = options.now ?? (() => new Date());
  const baseUrl = (options.baseUrl ?? DEFAULT_REGISTRY_URL).replace(/\/+$/, '');
  const startedAt = now();
  const state = (await getState<SyncState>(orm, syncStateKey(baseUrl))) ?? {};
  const pending = new Set(state.pending ?? []);
  const wanted = [...new Set([...pending, ...(options.include ?? [])])];
  const stored = (await getServers(orm, wanted)).filter((row) => row.sources.includes('registry') && row.status !== 'deleted');
  let updatedSince = options.since instanceof Date ? options.since : options.updatedSince;
  if (options.since === 'auto') updatedSince = state.lastSyncAt ? new Date(state.lastSyncAt) : undefined;
  // A pending server that was never stored (the crawler died between listing and storing): only a full listing has it.
  const storedIds = new Set(stored.map((row) => row.id));
  if ([...pending].some((id) => !storedIds.has(id))) updatedSince = undefined;

  const listing = await fetchRegistry({ ...options, baseUrl, updatedSince });
  const mapped = latestVersions(listing.entries).map(mapRegistryEntry);
  const listed = new Set(mapped.map((m) => m.server.id));
  const fromCatalogue = stored.filter((row) => !listed.has(row.id)).map((row) => mapRegistryEntry(entryOf(row)));

  return {
    baseUrl,
    startedAt,
    servers: [...mapped, ...fromCatalogue].map(({ server, targets }) => ({ server, targets })),
    problems: [...listing.problems, ...mapped.filter((m) => m.problems.length > 0).map((m) => `${JSON.stringify(m.server.id)}: ${m.problems.join('; ')}`)],
    pages: listing.pages,
    updatedSince,
    carriedOver: fromCatalogue.filter((m) => pending.has(m.server.id)).map((m) => m.server.id),
  };
}

/** A stored registry server as the entry it was stored from, to crawl it again without asking the registry. */
function entryOf(row: ServerRow): RegistryEntry {
  const server: RegistryEntry['server'] = { name: row.id, packages: row.packages, remotes: row.remotes };
  for (const [field, value] of [
    ['title', row.title],
    ['description', row.description],
    ['version', row.version],
    ['websiteUrl', row.website],
    ['repository', row.repository],
  ] as const) {
    if (value !== null) server[field] = value;
  }
  return { server, _meta: row.sourceMeta ? { [OFFICIAL]: { status: row.status, ...row.sourceMeta } } : undefined };
}

/** Before crawling: every server this sync lists is pending until a run finishes it (survives a killed crawler). */
export async function markSyncListed(orm: Orm, sync: RegistrySync): Promise<void> {
  const key = syncStateKey(sync.baseUrl);
  const state = (await getState<SyncState>(orm, key)) ?? {};
  const crawlable = sync.servers.filter((s) => s.targets.length > 0).map((s) => s.server.id);
  await setState(orm, key, { ...state, pending: [...new Set([...(state.pending ?? []), ...crawlable])].sort() }, sync.startedAt);
}

/**
 * After the crawl run: the servers it finished leave `pending`; when it completed, `lastSyncAt` becomes this
 * sync's start. A failed or interrupted run leaves `lastSyncAt` where it was.
 */
export async function settleRegistrySync(orm: Orm, sync: RegistrySync, run: { runId: number; status: string }, at = new Date()): Promise<void> {
  const key = syncStateKey(sync.baseUrl);
  const state = (await getState<SyncState>(orm, key)) ?? {};
  // Finished: listed, or every way of reaching it tried to its end (not cut by an interruption).
  const attempts = await attemptsByServer(orm, run.runId);
  const finished = new Set(
    sync.servers
      .filter(({ server, targets }) => {
        const done = attempts.get(server.id);
        return done !== undefined && (done.listed || targets.every((target) => done.tried.has(targetLabel(target))));
      })
      .map(({ server }) => server.id),
  );
  const pending = (state.pending ?? []).filter((id) => !finished.has(id));
  const completed = run.status === 'completed';
  await setState(orm, key, { ...state, pending, ...(completed ? { lastSyncAt: sync.startedAt.toISOString() } : {}) }, at);
}
