import { existsSync } from 'node:fs';
import path from 'node:path';
import { CLASSIFIER_VERSION } from '../classifier/index.ts';
import { crawlServers, type CrawlConfig } from '../crawler/crawl-entry.ts';
import { mergeById, type SourcedServer } from '../crawler/index.ts';
import { sweepStaleRuns } from '../crawler/run-lease.ts';
import {
  catalogueCounts,
  catalogueFingerprint,
  getServers,
  getState,
  runChangeCounts,
  setState,
  siteTotals,
  type CatalogueCounts,
  type Database,
} from '../db/index.ts';
import { buildSite } from '../site/render/index.ts';
import { classifyCatalogue } from './classify.ts';

export interface SiteOptions {
  outDir: string;
  siteUrl?: string;
  workers?: number;
}

/** How the pipeline runs: the typed form of the flags of `run`, `schedule` and `start`. */
export interface PipelineConfig {
  /** How the crawl runs (settings, in this process or distributed, what the run stores). */
  crawl: CrawlConfig;
  /** Servers listed (or settled as needing configuration) more recently than this are not crawled again. 0 crawls everything. */
  freshForMs: number;
  /** Where to build the site; null skips the build. */
  site: SiteOptions | null;
  /** Build even when the catalogue has not changed since the last build. */
  forceBuild: boolean;
}

export interface PipelineOptions extends Partial<PipelineConfig> {
  /** The servers to crawl, as the sources gathered them. */
  sourced: readonly SourcedServer[];
  site: SiteOptions | null;
  onEvent?: (event: PipelineEvent) => void;
  signal?: AbortSignal;
  now?: () => Date;
}

export type PipelineEvent =
  | { step: 'crawl'; kind: 'start'; servers: number; fresh: number; distributed: boolean }
  | { step: 'crawl'; kind: 'progress'; done: number; total: number; counts: Record<string, number>; elapsedMs: number }
  | { step: 'classify'; kind: 'progress'; classified: number }
  | { step: 'build'; kind: 'start' }
  | { step: 'build'; kind: 'log'; message: string }
  | { step: 'crawl' | 'classify' | 'build'; kind: 'done'; message: string };

export interface PipelineSummary {
  crawl: {
    runId: number | null;
    status: 'completed' | 'interrupted' | 'skipped';
    servers: number;
    /** Servers left alone because they were crawled within `freshForMs`. */
    fresh: number;
    /** Servers by their outcome in this run. */
    outcomes: Record<string, number>;
    /** Tool changes this run found (added, removed, changed): the changes since the last run. */
    changes: Record<string, number>;
    durationMs: number;
  };
  classify: { classifierVersion: string; classified: number; durationMs: number };
  catalogue: CatalogueCounts & { servers: number; tools: number };
  site: { built: boolean; outDir: string | null; reason: string; pages?: number; durationMs: number };
  durationMs: number;
}

export const DEFAULT_FRESH_FOR_MS = 60 * 60 * 1000;
/** A crawl in this process with the default settings. */
const LOCAL_CRAWL: CrawlConfig = { settings: {}, distributed: null, runOptions: {} };
const LAST_BUILD_KEY = 'site:last-build';

/**
 * The main job: crawl → classify → build. Each step skips the work already done: servers attempted within
 * `freshForMs` are not crawled, definitions classified for this classifier version are not classified again,
 * and the site is not rebuilt when nothing it shows has changed since the last build. So a second run in a
 * row only re-checks.
 */
export async function runPipeline(db: Database, options: PipelineOptions): Promise<PipelineSummary> {
  const now = options.now ?? (() => new Date());
  const emit = options.onEvent ?? (() => {});
  const began = performance.now();

  const crawl = await crawlStep(db, options, now, emit);
  const classifyBegan = performance.now();
  const classified =
    crawl.status === 'interrupted'
      ? { classifierVersion: CLASSIFIER_VERSION, classified: 0 }
      : await classifyCatalogue(db.orm, { now, onBatch: (n) => emit({ step: 'classify', kind: 'progress', classified: n }) });
  emit({ step: 'classify', kind: 'done', message: `${classified.classified} tool definitions classified (${CLASSIFIER_VERSION})` });
  const classify = { ...classified, durationMs: Math.round(performance.now() - classifyBegan) };

  const site = crawl.status === 'interrupted' ? skippedSite(options, 'the crawl was interrupted') : await buildStep(db, options, now, emit);
  const totals = await siteTotals(db.orm);
  const counts = await catalogueCounts(db.orm, CLASSIFIER_VERSION);
  return {
    crawl,
    classify,
    catalogue: { servers: totals.servers, tools: totals.tools, ...counts },
    site,
    durationMs: Math.round(performance.now() - began),
  };
}

async function crawlStep(db: Database, options: PipelineOptions, now: () => Date, emit: (event: PipelineEvent) => void): Promise<PipelineSummary['crawl']> {
  const began = performance.now();
  // Runs a killed process left `running` are closed first (the freshness window decides what to crawl again).
  await sweepStaleRuns(db.orm, { now });
  const freshForMs = options.freshForMs ?? DEFAULT_FRESH_FOR_MS;
  const sourced = mergeById(options.sourced);
  const stale = freshForMs > 0 ? await staleServers(db, sourced, new Date(now().getTime() - freshForMs)) : sourced;
  const fresh = sourced.length - stale.length;
  const skipped = { runId: null, servers: 0, fresh, outcomes: {}, changes: {} };
  if (stale.length === 0) {
    emit({ step: 'crawl', kind: 'done', message: `nothing to crawl: all ${fresh} servers were crawled within ${formatDuration(freshForMs)}` });
    return { ...skipped, status: 'skipped', durationMs: Math.round(performance.now() - began) };
  }
  emit({ step: 'crawl', kind: 'start', servers: stale.length, fresh, distributed: Boolean(options.crawl?.distributed) });

  const progress = (done: number, total: number, counts: Record<string, number>, elapsedMs: number) =>
    emit({ step: 'crawl', kind: 'progress', done, total, counts, elapsedMs });
  const summary = await crawlServers(db.orm, stale, options.crawl ?? LOCAL_CRAWL, {
    signal: options.signal,
    now,
    onProgress: (p) => progress(p.done, p.total, p.counts as Record<string, number>, p.elapsedMs),
    onQueueProgress: (p) => progress(p.serversDone, p.total, p.byOutcome, p.elapsedMs),
  });
  const changes = await runChangeCounts(db.orm, summary.runId);
  emit({ step: 'crawl', kind: 'done', message: `run ${summary.runId} ${summary.status}: ${summary.servers} servers crawled` });
  return {
    runId: summary.runId,
    status: summary.status,
    servers: summary.servers,
    fresh,
    outcomes: summary.outcomes as Record<string, number>,
    changes,
    durationMs: Math.round(performance.now() - began),
  };
}

/** Outcomes another try within the freshness window would not change: the server needs what only its user has. */
const SETTLED_FAILURES: ReadonlySet<string> = new Set(['needs_config', 'unsupported_runtime', 'refused_by_policy']);

/**
 * The sourced servers to crawl: all but those listed successfully since `since`, or whose attempt since then
 * ended in a settled failure. Crashes, timeouts and the like are tried again.
 */
async function staleServers(db: Database, sourced: readonly SourcedServer[], since: Date): Promise<SourcedServer[]> {
  const fresh = new Set<string>();
  for (let i = 0; i < sourced.length; i += 1000) {
    for (const row of await getServers(
      db.orm,
      sourced.slice(i, i + 1000).map((s) => s.server.id),
    )) {
      const listed = row.lastSuccessAt !== null && row.lastSuccessAt >= since;
      const settled = row.lastAttemptAt !== null && row.lastAttemptAt >= since && SETTLED_FAILURES.has(row.lastOutcome ?? '');
      if (listed || settled) fresh.add(row.id);
    }
  }
  return sourced.filter((s) => !fresh.has(s.server.id));
}

async function buildStep(db: Database, options: PipelineOptions, now: () => Date, emit: (event: PipelineEvent) => void): Promise<PipelineSummary['site']> {
  if (!options.site) return skippedSite(options, 'no site requested');
  const began = performance.now();
  const outDir = path.resolve(options.site.outDir);
  const fingerprint = `${CLASSIFIER_VERSION} ${await catalogueFingerprint(db.orm)}`;
  const last = await getState<{ fingerprint: string; outDir: string }>(db.orm, LAST_BUILD_KEY);
  if (!options.forceBuild && last?.fingerprint === fingerprint && last.outDir === outDir && existsSync(path.join(outDir, 'index.html'))) {
    emit({ step: 'build', kind: 'done', message: `site unchanged since the last build, not rebuilt: ${outDir}` });
    return { built: false, outDir, reason: 'nothing changed since the last build', durationMs: Math.round(performance.now() - began) };
  }
  emit({ step: 'build', kind: 'start' });
  const stats = await buildSite(db, {
    outDir,
    siteUrl: options.site.siteUrl,
    workers: options.site.workers,
    now: now(),
    log: (message) => emit({ step: 'build', kind: 'log', message }),
  });
  await setState(db.orm, LAST_BUILD_KEY, { fingerprint, outDir, builtAt: now().toISOString(), pages: stats.pages }, now());
  emit({ step: 'build', kind: 'done', message: `built ${stats.pages} pages into ${stats.outDir} in ${stats.seconds}s` });
  return {
    built: true,
    outDir: stats.outDir,
    reason: last ? 'the catalogue changed' : 'first build',
    pages: stats.pages,
    durationMs: Math.round(performance.now() - began),
  };
}

function skippedSite(options: PipelineOptions, reason: string): PipelineSummary['site'] {
  return { built: false, outDir: options.site ? path.resolve(options.site.outDir) : null, reason, durationMs: 0 };
}

export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 1000)}s`;
}
