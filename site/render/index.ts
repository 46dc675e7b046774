import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { CLASSIFIER_VERSION } from '../../classifier/index.ts';
import { POLICY_FORMATS, type PolicyFormat } from '../../classifier/policy/index.ts';
import { CATEGORIES, FLAGS, SEVERITIES } from '../../classifier/types.ts';
import {
  allServerIds,
  analyzeForSiteBuild,
  changesOfServers,
  iterateCatalogue,
  latestAttemptsOfServers,
  recentToolChanges,
  siteTotals,
  type Database,
} from '../../db/index.ts';
import { classifyCatalogue } from '../../pipeline/classify.ts';
import { compileViews, SITE_ROOT } from './compile.ts';
import { atomFeed, sitemap, sitemapIndex, URLS_PER_SITEMAP } from './feeds.ts';
import { CATALOGUE_PARTS, cataloguePart, type JobResult, type PagesJob, type ServersResult } from './jobs.ts';
import { listPageJobs, serverLists, toolLists, type FilterGroup } from './lists.ts';
import { groupHistory, type ServerRowModel, type ToolRowModel } from './model.ts';
import { PolicyIndexBuilder } from './policy-index.ts';
import { policyPage, writePolicyPageFiles } from './policy-page.ts';
import { RenderPool } from './pool.ts';
import { OutputWriter } from './render.ts';
import { SearchIndexBuilder } from './search-index.ts';
import { boundEntry } from './bounded.ts';
import { assignSlugs, slugify } from './slug.ts';
import { urls } from './urls.ts';

export { slugify } from './slug.ts';
export { urls } from './urls.ts';

export interface BuildOptions {
  /** The folder to write; replaced only once the new site is complete. */
  outDir: string;
  /** Absolute base URL for the sitemap and the feed. */
  siteUrl?: string;
  /** When the build happens (shown on the home page). */
  now?: Date;
  /** Render workers; defaults to the number of CPUs. */
  workers?: number;
  /** Servers read from the database per batch. */
  batchSize?: number;
  log?: (message: string) => void;
}

export interface BuildStats {
  servers: number;
  tools: number;
  pages: number;
  files: number;
  searchDocuments: number;
  seconds: number;
  pagesPerSecond: number;
  peakRssMb: number;
  outDir: string;
  /** Servers or tools skipped or shown cut; each was logged naming its server. */
  warnings: number;
}

const RECENT_CHANGES = 200;
const HOME_CHANGES = 15;

/** Renders the whole site from the catalogue database, streaming servers in batches through render workers. */
export async function buildSite(db: Database, options: BuildOptions): Promise<BuildStats> {
  const started = performance.now();
  const now = options.now ?? new Date();
  const siteUrl = options.siteUrl ?? 'http://127.0.0.1:4321/';
  const log = options.log ?? (() => {});
  const outDir = path.resolve(options.outDir);
  const staging = `${outDir}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  let peakRss = process.memoryUsage().rss;
  const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);

  const viewsModule = await compileViews();
  const pool = await RenderPool.start(options.workers ?? Math.max(1, os.availableParallelism()), { viewsModule, outDir: staging });
  try {
    cpSync(path.join(SITE_ROOT, 'public'), staging, { recursive: true, filter: (src) => !src.endsWith('.d.ts') });
    // The search page stems queries with the same stemmer as the index: the npm package's one ES module file.
    cpSync(createRequire(import.meta.url).resolve('stemmer'), path.join(staging, 'assets', 'stemmer.js'));
    const out = new OutputWriter(staging);
    // The renderer reads stored classifications only: classify whatever the classifier has not seen yet.
    const fresh = await classifyCatalogue(db.orm);
    if (fresh.classified > 0) log(`Classified ${fresh.classified} tool definitions first.`);
    await analyzeForSiteBuild(db.orm);
    const totals = await siteTotals(db.orm, CLASSIFIER_VERSION);
    log(`Building ${totals.tools} tools on ${totals.servers} servers (${totals.classifiedTools} with a stored classification for ${CLASSIFIER_VERSION}).`);

    // 1. Servers and tools, in database batches, rendered by the workers in order.
    const search = new SearchIndexBuilder(path.join(staging, 'search-index'));
    const serverSlugs = assignSlugs(await allServerIds(db.orm));
    const policyIndex = new PolicyIndexBuilder();
    const tools: ToolRowModel[] = [];
    const servers: ServerRowModel[] = [];
    let pages = 0;
    let warnings = 0;
    // The copied assets and catalogue.jsonl, then whatever the workers and the main writer add.
    let files = readdirSync(path.join(SITE_ROOT, 'public'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && !e.name.endsWith('.d.ts')).length + 2;
    const consume = (r: ServersResult) => {
      for (const t of r.tools) tools.push(t);
      for (const s of r.servers) servers.push(s);
      for (const s of r.search) search.add(s.doc, s.terms);
      for (const w of r.warnings) log(`Warning: ${w}`);
      warnings += r.warnings.length;
      pages += r.pages;
      files += r.files;
    };
    const inFlight: Array<Promise<ServersResult>> = [];
    const maxInFlight = 2 * (options.workers ?? os.availableParallelism());
    let lastLog = performance.now();
    let seq = 0;
    for await (const batch of iterateCatalogue(db.orm, { batchSize: options.batchSize ?? 100, classifierVersion: CLASSIFIER_VERSION })) {
      const ids = batch.map((b) => b.server.id);
      for (const entry of batch) policyIndex.add(entry);
      const [changes, attempts] = await Promise.all([changesOfServers(db.orm, ids), latestAttemptsOfServers(db.orm, ids)]);
      const bounded = batch.map(boundEntry);
      inFlight.push(
        pool.run<ServersResult>({
          type: 'servers', seq: seq++, entries: bounded.map((b) => b.entry), cutTools: bounded.map((b) => b.cutTools),
          slugs: ids.map((id) => serverSlugs.get(id) ?? slugify(id)), changes, attempts, siteUrl,
        }),
      );
      while (inFlight.length >= maxInFlight) consume(await inFlight.shift()!);
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`  ${tools.length} tools, ${servers.length} servers rendered (${Math.round(pages / ((performance.now() - started) / 1000))} pages/s)`);
      }
    }
    for (const p of inFlight.splice(0)) consume(await p);
    joinCatalogueParts(staging, seq);
    await writePolicyPageFiles(out, policyIndex.finish());

    // 2. Lists, browse, home and the other fixed pages.
    const toolListing = toolLists(tools);
    const serverListing = serverLists(servers);
    const fixed = await fixedPages(db, { tools, servers, now, toolFilters: toolListing.filters(''), serverFilters: serverListing.filters('') });
    const jobs = [listPageJobs('tools', toolListing.lists, toolListing.filters), listPageJobs('servers', serverListing.lists, serverListing.filters), [fixed.job]];
    const pending: Array<Promise<JobResult>> = [];
    const tally = (r: JobResult) => {
      pages += r.pages;
      files += r.files;
    };
    for (const list of jobs) {
      for (const job of list) {
        pending.push(pool.run(job));
        while (pending.length >= maxInFlight) tally(await pending.shift()!);
      }
    }
    for (const p of pending.splice(0)) tally(await p);

    // 3. Feed, sitemap, search index.
    out.write(urls.feed, atomFeed(siteUrl, fixed.changes, now));
    const sitemapPaths = [
      ...fixed.job.pages.map((p) => p.url).filter((u) => u !== urls.notFound),
      ...toolListing.lists.map((l) => l.base),
      ...serverListing.lists.map((l) => l.base),
      ...servers.map((s) => s.url),
      ...tools.map((t) => t.url),
    ];
    const parts: string[] = [];
    for (let i = 0; i < sitemapPaths.length; i += URLS_PER_SITEMAP) {
      const part = `/sitemaps/${parts.length + 1}.xml`;
      out.write(part, sitemap(siteUrl, sitemapPaths.slice(i, i + URLS_PER_SITEMAP)));
      parts.push(part);
    }
    out.write(urls.sitemap, sitemapIndex(siteUrl, parts));
    out.write('/robots.txt', `User-agent: *\nAllow: /\nSitemap: ${new URL(urls.sitemap, siteUrl).href}\n`);
    const searchStats = search.finish();

    // 4. Swap the finished site in.
    const old = `${outDir}.old-${process.pid}`;
    if (existsSync(outDir)) renameSync(outDir, old);
    renameSync(staging, outDir);
    rmSync(old, { recursive: true, force: true });
    const seconds = (performance.now() - started) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return {
      servers: servers.length,
      tools: tools.length,
      pages,
      files: files + out.files + searchStats.files,
      searchDocuments: searchStats.documents,
      seconds: Math.round(seconds * 10) / 10,
      pagesPerSecond: Math.round(pages / seconds),
      peakRssMb: Math.round(peakRss / 1e6),
      outDir,
      warnings,
    };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  } finally {
    clearInterval(sample);
    await pool.close();
    rmSync(path.dirname(viewsModule), { recursive: true, force: true });
  }
}

/** Concatenates the workers' parts of catalogue.jsonl in catalogue order, then removes them. */
function joinCatalogueParts(staging: string, parts: number): void {
  const target = path.join(staging, urls.catalogue);
  mkdirSync(path.dirname(target), { recursive: true });
  const fd = openSync(target, 'w');
  try {
    for (let seq = 0; seq < parts; seq++) writeSync(fd, readFileSync(path.join(staging, cataloguePart(seq))));
  } finally {
    closeSync(fd);
  }
  rmSync(path.join(staging, CATALOGUE_PARTS), { recursive: true, force: true });
}

const COLORS: Record<string, string> = {
  read: '#5b8def', write: '#d4a017', execute: '#e8772e', destructive: '#c0392b', financial: '#8e44ad', unknown: '#95a5a6',
  low: '#1f7a3d', medium: '#d4a017', high: '#e8772e', critical: '#b91c1c',
};

async function fixedPages(
  db: Database,
  ctx: { tools: ToolRowModel[]; servers: ServerRowModel[]; now: Date; toolFilters: FilterGroup[]; serverFilters: FilterGroup[] },
) {
  const totals = await siteTotals(db.orm, CLASSIFIER_VERSION);
  const toolUrls = new Map(ctx.tools.map((t) => [`${t.serverId}\0${t.name}`, t.url]));
  const serverUrls = new Map(ctx.servers.map((s) => [s.id, s.url]));
  const changes = (await recentToolChanges(db.orm, RECENT_CHANGES)).map((c) => ({
    toolName: c.toolName,
    toolUrl: toolUrls.get(`${c.serverId}\0${c.toolName}`) ?? null,
    kind: c.kind,
    fields: c.fields,
    detectedAt: c.detectedAt.toISOString(),
    serverId: c.serverId,
    serverUrl: serverUrls.get(c.serverId) ?? urls.serversIndex,
  }));
  const countOf = (key: (t: ToolRowModel) => string, value: string) => ctx.tools.reduce((n, t) => n + (key(t) === value ? 1 : 0), 0);
  const formats = (Object.keys(POLICY_FORMATS) as PolicyFormat[]).map((format) => ({ format, ...POLICY_FORMATS[format] }));
  const exampleTool = ctx.tools.find((t) => t.url);
  const job: PagesJob = {
    type: 'pages',
    pages: [
      {
        url: urls.home,
        view: 'HomeView',
        props: {
          totals: {
            servers: totals.servers,
            crawledServers: totals.crawledServers,
            tools: ctx.tools.length,
            lastCrawl: (totals.lastRun?.finishedAt ?? totals.lastRun?.startedAt)?.toISOString() ?? null,
            lastCrawlStatus: totals.lastRun?.status ?? null,
          },
          categoryBars: CATEGORIES.map((c) => ({ label: c, value: countOf((t) => t.category, c), href: urls.byCategory(c), color: COLORS[c] })),
          severityBars: SEVERITIES.map((s) => ({ label: s, value: countOf((t) => t.severity, s), href: urls.bySeverity(s), color: COLORS[s] })),
          changes: groupHistory(changes).slice(0, HOME_CHANGES),
          classifierVersion: CLASSIFIER_VERSION,
          builtAt: ctx.now.toISOString(),
        },
      },
      { url: urls.browse, view: 'BrowseView', props: { groups: [...ctx.toolFilters, ...ctx.serverFilters] } },
      { url: urls.changes, view: 'ChangesView', props: { changes: groupHistory(changes) } },
      { url: urls.search, view: 'SearchView', props: { categories: [...CATEGORIES], severities: [...SEVERITIES], flags: [...FLAGS] } },
      {
        url: urls.api,
        view: 'ApiView',
        props: { formats, example: exampleTool ? { server: exampleTool.serverUrl.split('/')[2], tool: exampleTool.url.split('/')[3] } : null },
      },
      { url: urls.notFound, view: 'NotFoundView', props: {} },
      policyPage(),
    ],
  };
  return { job, changes };
}


