import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CLASSIFIER_VERSION } from '../../classifier/index.ts';
import {
  analyzeForSiteBuild,
  catalogueOfServers,
  changesOfServers,
  crawlStatusesOfServers,
  serverFingerprints,
  type Database,
  type ServerFingerprint,
} from '../../db/index.ts';
import { classifyCatalogue } from '../../pipeline/classify.ts';
import { basePath } from './base-path.ts';
import { boundEntry } from './bounded.ts';
import { CatalogueJoiner } from './catalogue-file.ts';
import { compileViews, rendererHash, SITE_ROOT } from './compile.ts';
import { absoluteUrl, atomFeed, sitemap, sitemapIndex, URLS_PER_SITEMAP } from './feeds.ts';
import { fixedPages } from './fixed-pages.ts';
import { CATALOGUE_PARTS, type JobResult, type PagesJob, type ServersResult, type StatusJob, type StatusResult } from './jobs.ts';
import { listPageJobs, pageInputs, rowDigest, serverLists, toolLists } from './lists.ts';
import {
  inputHash,
  lastBuildFile,
  lockSiteFolder,
  MANIFEST_FORMAT,
  ManifestWriter,
  pageCount,
  PreviousManifest,
  stateDir,
  type RestatedRecord,
  type ServerRecord,
} from './manifest.ts';
import type { ServerRowModel, ToolRowModel } from './model.ts';
import { policyIndexEntry } from './policy-index.ts';
import { bundlePolicyScript, policyPageUrls } from './policy-page.ts';
import { RenderPool } from './pool.ts';
import { OutputWriter } from './render.ts';
import { SearchIndexThread } from './search-thread.ts';
import { assignSlugs, slugify } from './slug.ts';
import { tierForShortRun } from './tiering.ts';
import { urls } from './urls.ts';

export { slugify } from './slug.ts';
export { urls } from './urls.ts';

export interface BuildOptions {
  /** The folder to write. A full build replaces it only once the new site is complete. */
  outDir: string;
  /** Absolute URL of the site's root for the sitemap and the feed (its path is ignored: see basePath). */
  siteUrl?: string;
  /** The path the site is hosted under, e.g. "/catalogue/" (default "/"): every link and asset honours it. */
  basePath?: string;
  /** When the build happens (shown on the home page). */
  now?: Date;
  /** Render workers; defaults to the number of CPUs. */
  workers?: number;
  /** Servers read from the database per batch. */
  batchSize?: number;
  /** Render everything, even when the last build's manifest allows an incremental build. */
  full?: boolean;
  /** Which stored classifications to show (default: the running classifier's version). */
  classifierVersion?: string;
  log?: (message: string) => void;
}

export interface BuildStats {
  /** `incremental`: only what changed since the last build was rendered and written. */
  mode: 'full' | 'incremental';
  servers: number;
  tools: number;
  /** Pages of the site; `rendered` of them were rendered by this build. */
  pages: number;
  rendered: number;
  /** Servers re-read and re-modelled because their fingerprint changed (all of them in a full build), and removed. */
  changedServers: number;
  /** Servers whose crawl status alone changed: patched into their server page and open data, nothing else read. */
  restatedServers: number;
  removedServers: number;
  /** Files written by this build, and deleted because nothing produces them any more. */
  files: number;
  deleted: number;
  searchDocuments: number;
  /** Whether the search index was patched from the last build's (see updateSearchIndex) or built whole. */
  searchIndex: 'patched' | 'built';
  seconds: number;
  /** CPU time of the build's process, all threads (render workers included), user and system. */
  cpuSeconds: number;
  pagesPerSecond: number;
  peakRssMb: number;
  outDir: string;
  /** Servers or tools skipped or shown cut; each was logged naming its server. */
  warnings: number;
}

/**
 * Servers in catalogue order: carried over from the last build (nothing changed), rendered by a job (fingerprint
 * changed), or restated by a job (crawl status alone changed); the jobs' results are pending.
 */
type Segment = {
  ids: string[];
  changed: Set<string>;
  job: Promise<ServersResult> | null;
  seq: number;
  /** By id: its new status hash and last outcome (its list row shows the outcome). */
  restated: Map<string, { hash: string; lastOutcome: string | null }>;
  statusJob: Promise<StatusResult> | null;
  statusSeq: number;
};

/**
 * Renders the site from the catalogue database. With the manifest of an earlier build made by the same
 * renderer and options, the build is incremental: it re-reads only the servers whose fingerprint changed,
 * re-renders only the pages whose inputs changed, rewrites only the catalogue-wide files (lists, home, feed,
 * sitemaps, search-index shards) whose content changed, and deletes what no longer exists; the result is
 * byte for byte what a full build of the same catalogue writes. Otherwise it renders everything into a
 * staging folder and swaps it in. One build of a folder runs at a time (see lockSiteFolder).
 */
export async function buildSite(db: Database, options: BuildOptions): Promise<BuildStats> {
  const unlock = lockSiteFolder(path.resolve(options.outDir));
  try {
    return await buildLocked(db, options);
  } finally {
    unlock();
  }
}

async function buildLocked(db: Database, options: BuildOptions): Promise<BuildStats> {
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const now = options.now ?? new Date();
  const siteUrl = options.siteUrl ?? 'http://127.0.0.1:4321/';
  const base = basePath(options.basePath);
  const classifierVersion = options.classifierVersion ?? CLASSIFIER_VERSION;
  const log = options.log ?? (() => {});
  const outDir = path.resolve(options.outDir);
  const salt = rendererHash();
  const key = JSON.stringify({ format: MANIFEST_FORMAT, salt, base, siteUrl: new URL(siteUrl).origin });
  const previous = options.full ? null : PreviousManifest.load(outDir, key);
  if (!previous) checkReplaceable(outDir);
  const mode = previous ? 'incremental' : 'full';
  const last = previous ?? PreviousManifest.empty();
  const target = previous ? outDir : `${outDir}.building-${process.pid}`;
  const newState = `${stateDir(outDir)}.new-${process.pid}`;
  for (const dir of [newState, ...(previous ? [] : [target])]) rmSync(dir, { recursive: true, force: true });
  mkdirSync(newState, { recursive: true });
  // From here on the old manifest no longer describes the folder: a build that fails leaves none, and the next is full.
  rmSync(lastBuildFile(outDir), { force: true });
  const manifest = new ManifestWriter(newState, previous);
  let phaseStarted = started;
  const phase = (name: string) => {
    const at = performance.now();
    log(`  ${name}: ${((at - phaseStarted) / 1000).toFixed(1)} s`);
    phaseStarted = at;
  };
  let peakRss = process.memoryUsage().rss;
  const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);

  const viewsModule = await compileViews(salt);
  const workers = options.workers ?? Math.max(1, os.availableParallelism());
  const pool = new RenderPool(workers, { viewsModule, outDir: target, base, salt });
  // The workers load the views (≈ 0.2 s of CPU each) while this thread reads the fingerprints: a full
  // build renders every page, and an incremental one after a crawl rarely renders none (a nightly crawl moves
  // every server's status), so their start is off its critical path. A build with nothing to render stops them.
  pool.start();
  const out = new OutputWriter(target, base);
  const searchFiles = Object.entries(last.files).filter(([url]) => url.startsWith('/search-index/'));
  const search = new SearchIndexThread({
    outDir: target,
    base,
    salt,
    last: Object.fromEntries(searchFiles),
    state: newState,
    previous: previous?.recordRanges() ?? null,
  });
  const stats = { rendered: 0, files: 0, deleted: 0, pages: 0, changedServers: 0, restatedServers: 0, removedServers: 0, warnings: 0 };
  let restoreTiering = () => {};
  try {
    if (!previous) {
      cpSync(path.join(SITE_ROOT, 'public'), target, { recursive: true, filter: (src) => !src.endsWith('.d.ts') });
      // The search page stems queries with the same stemmer as the index: the npm package's one ES module file.
      cpSync(createRequire(import.meta.url).resolve('stemmer'), path.join(target, 'assets', 'stemmer.js'));
    }
    phase('start (views, workers)');
    // After a bulk load the planner may have no statistics (see analyzeForSiteBuild); an incremental build reads by id.
    if (!previous) await analyzeForSiteBuild(db.orm);
    const fingerprints = await serverFingerprints(db.orm, classifierVersion);
    /**
     * The renderer reads stored classifications only: a tool without one is classified (with every other tool that
     * has none) the first time a server read for rendering has one, and that batch is read again. Only a server whose
     * fingerprint moved can have such a tool: any other server's tools are those the last build showed, each
     * classified then, and a classification is not removed without moving its servers' fingerprints. Storing a new
     * one moves none, so the servers read before need not be read again. Looking for such tools before reading
     * cost an incremental build a query over the moved servers' tools and their classifications (≈ 0.12 s at
     * 100,000 tools after a 1% crawl) before its first server was read.
     */
    let classified = false;
    const classifyOnce = async () => {
      classified = true;
      const fresh = await classifyCatalogue(db.orm);
      if (fresh.classified > 0) log(`Classified ${fresh.classified} tool definitions first.`);
    };
    if (classifierVersion !== CLASSIFIER_VERSION) await classifyOnce();
    phase('server fingerprints');
    log(`${mode === 'full' ? 'Full' : 'Incremental'} build of ${fingerprints.length} servers (classifier ${classifierVersion}).`);

    // 1. Servers: carried over when their fingerprint is unchanged, else read and rendered by the workers, in order.
    const catalogue = new CatalogueJoiner(target, previous ? path.join(outDir, urls.catalogue) : null);
    // Slugs are decided by the set of servers alone (see assignSlugs): those this build shows, whose fingerprints it read.
    const serverSlugs = assignSlugs(fingerprints.map((f) => f.id));
    const slugOf = (id: string) => serverSlugs.get(id) ?? slugify(id);
    const policyServers: NonNullable<ServerRecord['policy']>[] = [];
    const policyOf = new Map<string, ServerRecord['policy']>();
    const tools: ToolRowModel[] = [];
    const servers: ServerRowModel[] = [];
    /** Each list row's digest, as its record holds it (see pageInputs). */
    const digests = new WeakMap<object, string>();
    const files: Record<string, string> = {};
    /** Writes a catalogue-wide file unless it has the content it was last written with (`encode`: the bytes to write, e.g. compressed). */
    const aggregate = (url: string, content: string) => {
      files[url] = inputHash(salt, content);
      if (last.files[url] !== files[url]) {
        out.write(url, content);
        stats.files++;
      }
    };
    /**
     * Writes a catalogue-wide file made from `inputs` alone unless they are the ones it was last made from, as a page
     * is: `make` runs only then. The salt is in every hash, so a file made from the renderer's code alone has no inputs.
     */
    const derived = async (url: string, inputs: string, make: () => Uint8Array | string | Promise<string>) => {
      files[url] = inputHash(salt, url, inputs);
      if (last.files[url] !== files[url]) {
        out.write(url, await make());
        stats.files++;
      }
    };

    const consume = async (segment: Segment) => {
      const [result, restating] = await Promise.all([segment.job, segment.statusJob]);
      for (const r of [result, restating]) {
        stats.rendered += r?.pages ?? 0;
        stats.files += r?.files ?? 0;
      }
      for (const w of result?.warnings ?? []) log(`Warning: ${w}`);
      stats.warnings += result?.warnings.length ?? 0;
      const rendered = new Map((result?.records ?? []).map((r) => [r.id, r]));
      const restated = restating?.records.values();
      const gone: string[] = [];
      for (const id of segment.ids) {
        const fresh = rendered.get(id);
        // A carried-over server's record is parsed without its outputs, page and search documents.
        const carried = fresh || segment.changed.has(id) ? undefined : last.carried(id);
        let record: Omit<ServerRecord, 'outputs' | 'page' | 'search'>;
        if (fresh) {
          const { catalogueBytes, catalogueHead, ...rest } = fresh;
          const added = { ...rest, policy: policyOf.get(id) ?? null, catalogue: catalogue.fromPart(segment.seq, catalogueBytes, catalogueHead) };
          policyOf.delete(id);
          for (const url of Object.keys(last.outputs(id))) if (!(url in fresh.outputs)) leftBehind.add(url);
          if (previous) for (const url in fresh.outputs) produced.add(url);
          manifest.add(added);
          stats.pages += pageCount(fresh.outputs);
          record = added;
        } else if (carried && segment.restated.has(id)) {
          // Its server line from the job's part, its tools' lines from where the last build's catalogue had them.
          const { page, outputsJson, catalogueHead } = restated!.next().value!;
          const [offset, length, head] = carried.catalogue;
          const place = catalogue.fromPart(segment.statusSeq, catalogueHead, catalogueHead);
          const tools = catalogue.fromPrevious([offset + head, length - head, 0]);
          const status = segment.restated.get(id)!;
          const server = { ...carried.server, lastOutcome: status.lastOutcome ?? null };
          const patched: RestatedRecord = {
            ...carried,
            status: status.hash,
            server,
            digests: [rowDigest(server), ...carried.digests.slice(1)],
            page,
            outputsJson,
            catalogue: [place[0], place[1] + tools[1], catalogueHead],
          };
          manifest.restate(patched);
          stats.pages += carried.pages;
          record = patched;
        } else if (carried) {
          manifest.carry(carried, catalogue.fromPrevious(carried.catalogue));
          stats.pages += carried.pages;
          record = carried;
        } else {
          // Re-rendered but skipped (its warning says why): it is not on the site, nor are its old files.
          for (const url of Object.keys(last.outputs(id))) leftBehind.add(url);
          gone.push(id);
          continue;
        }
        if (record.policy) policyServers.push(record.policy);
        servers.push(record.server);
        digests.set(record.server, record.digests[0]);
        for (const [i, t] of record.tools.entries()) {
          tools.push(t);
          digests.set(t, record.digests[i + 1]);
        }
      }
      search.add(result?.records ?? []);
      search.gone(gone);
    };
    const remove = (url: string) => {
      out.remove(url);
      stats.deleted++;
    };
    // The last build's files of servers that moved, went or lost pages, deleted once every server is done unless a
    // server of this build wrote one: a URL one server left may be another's now (a server gone, and a new one whose
    // id differs only in case taking its slug).
    const leftBehind = new Set<string>();
    const produced = new Set<string>();

    const segments: Segment[] = [];
    const maxInFlight = 2 * workers;
    const batchSize = options.batchSize ?? 100;
    let seq = 0;
    let lastLog = performance.now();
    const changeOf = (f: ServerFingerprint) =>
      last.fingerprint(f.id) !== f.fingerprint || last.slug(f.id) !== slugOf(f.id) ? 'content' : last.status(f.id) !== f.status ? 'status' : null;
    const current = new Set(fingerprints.map((f) => f.id));
    const removed = [...last.ids()].filter((id) => !current.has(id));
    const changeKinds = new Set(fingerprints.map(changeOf));
    const contentMoved = removed.length > 0 || changeKinds.has('content');
    // The search index changes only with servers re-rendered or gone (a restated server's documents stay as they were).
    if (previous && contentMoved) search.expectChanges();
    // Something to render: the workers and the search thread are about to warm up for a build of seconds (see tiering.ts).
    if (previous && (contentMoved || changeKinds.has('status'))) restoreTiering = tierForShortRun();
    for (const { batch, changed, restated } of changeBatches(fingerprints, batchSize, changeOf)) {
      const segment: Segment = {
        ids: batch.map((f) => f.id),
        changed: new Set(changed.map((f) => f.id)),
        job: null,
        seq: -1,
        restated: new Map(),
        statusJob: null,
        statusSeq: -1,
      };
      if (changed.length > 0) {
        stats.changedServers += changed.length;
        const ids = changed.map((f) => f.id);
        let [entries, changes, statuses] = await Promise.all([
          catalogueOfServers(db.orm, ids, classifierVersion),
          changesOfServers(db.orm, ids),
          crawlStatusesOfServers(db.orm, ids),
        ]);
        if (!classified && entries.some((e) => e.tools.some((t) => t.classification === null))) {
          await classifyOnce();
          entries = await catalogueOfServers(db.orm, ids, classifierVersion);
        }
        for (const entry of entries) {
          const policy = policyIndexEntry(entry);
          policyOf.set(entry.server.id, policy.keys.length > 0 ? policy : null);
        }
        const byId = new Map(changed.map((f) => [f.id, f]));
        const attemptOf = new Map(statuses.map((st) => [st.id, st.lastAttempt]));
        const bounded = entries.map(boundEntry);
        const lastFiles = entries.map((e) => last.pageAndOutputs(e.server.id));
        segment.seq = seq++;
        segment.job = pool.run<ServersResult>({
          type: 'servers',
          seq: segment.seq,
          entries: bounded.map((b) => b.entry),
          cutTools: bounded.map((b) => b.cutTools),
          siteUrl,
          slugs: entries.map((e) => slugOf(e.server.id)),
          fingerprints: entries.map((e) => byId.get(e.server.id)!.fingerprint),
          statuses: entries.map((e) => byId.get(e.server.id)!.status),
          previous: lastFiles.map(([, outputs]) => outputs),
          pages: lastFiles.map(([page]) => page),
          searchable: entries.map((e) => last.searchable(e.server.id)),
          changes,
          attempts: entries.map((e) => attemptOf.get(e.server.id) ?? null),
        });
      }
      if (restated.length > 0) {
        stats.restatedServers += restated.length;
        const ids = restated.map((f) => f.id);
        const statusById = new Map((await crawlStatusesOfServers(db.orm, ids)).map((st) => [st.id, st]));
        for (const f of restated) segment.restated.set(f.id, { hash: f.status, lastOutcome: statusById.get(f.id)!.lastOutcome ?? null });
        segment.statusSeq = seq++;
        segment.statusJob = pool.run<StatusResult>({
          type: 'statuses',
          seq: segment.statusSeq,
          servers: restated.map((f) => {
            const [page, previous] = last.pageAndOutputs(f.id);
            return { slug: last.slug(f.id)!, status: statusById.get(f.id)!, page, previous };
          }),
        } satisfies StatusJob);
      }
      segments.push(segment);
      // PGlite runs its queries on this thread, synchronously: reading batch after batch, the event loop never turned,
      // so the workers' messages (ready, results) waited, and with them the jobs (after a 1% crawl at 100,000 tools,
      // the first was sent to the workers 0.9 s after it was ready). One turn a batch lets the pool hear them.
      await new Promise((resolve) => setImmediate(resolve));
      while (segments.filter((s) => s.job || s.statusJob).length >= maxInFlight) await consume(segments.shift()!);
      if (performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`  ${servers.length} servers done, ${stats.rendered} pages rendered`);
      }
    }
    for (const segment of segments.splice(0)) await consume(segment);
    for (const id of removed) for (const url of Object.keys(last.outputs(id))) leftBehind.add(url);
    for (const url of leftBehind) if (!produced.has(url)) remove(url);
    stats.removedServers = removed.length;
    search.gone(removed);
    catalogue.finish();
    rmSync(path.join(target, CATALOGUE_PARTS), { recursive: true, force: true });
    // The search index is built and written while this thread lays out the lists.
    const searchDone = search.finish();
    phase(`servers (${stats.changedServers} re-read, ${stats.restatedServers} restated, ${stats.removedServers} removed)`);

    // 2. Lists, browse, home and the other fixed pages: rendered when their props changed.
    const toolListing = toolLists(tools);
    const serverListing = serverLists(servers);
    const fixed = await fixedPages(db, {
      tools,
      servers,
      toolLists: toolListing.lists,
      now,
      classifierVersion,
      toolFilters: toolListing.filters(''),
      serverFilters: serverListing.filters(''),
    });
    const pending: Array<Promise<JobResult>> = [];
    const inputsOf = pageInputs(digests);
    const jobs = [
      listPageJobs('tools', toolListing.lists, toolListing.filters),
      listPageJobs('servers', serverListing.lists, serverListing.filters),
      [fixed.job],
    ];
    for (const list of jobs) {
      for (const job of list) {
        const changedPages = job.pages.filter((page) => {
          files[page.url] = inputHash(salt, ...inputsOf(page));
          stats.pages++;
          return last.files[page.url] !== files[page.url];
        });
        if (changedPages.length === 0) continue;
        pending.push(pool.run({ type: 'pages', pages: changedPages } satisfies PagesJob));
        while (pending.length >= maxInFlight) tally(await pending.shift()!);
      }
    }
    function tally(r: JobResult) {
      stats.rendered += r.pages;
      stats.files += r.files;
    }
    phase('lists and fixed pages (their last pages still rendering)');

    // 3. Feed, sitemaps, robots.txt, search index: rewritten when their content (a sitemap's: its paths) changed. The main thread does
    // this while the workers render the last list pages (they write other files), then waits for those.
    aggregate(urls.feed, atomFeed(siteUrl, base, fixed.changes, now));
    const sitemapPaths = [
      ...fixed.job.pages.map((p) => p.url).filter((u) => u !== urls.notFound),
      ...toolListing.lists.map((l) => l.base),
      ...serverListing.lists.map((l) => l.base),
      ...servers.map((s) => s.url),
      ...tools.map((t) => t.url),
    ];
    const parts: string[] = [];
    for (let i = 0; i < sitemapPaths.length; i += URLS_PER_SITEMAP) {
      // Gzip-compressed, as the sitemap protocol allows: a tenth of the bytes (the index stays plain XML), at zlib's
      // default level (level 9 took 1.6 times as long for 2% fewer bytes). Made, with an absolute URL for each of its
      // 50,000 paths, only when its paths changed: most nightly builds change none, one that adds or removes a tool
      // all but the parts before it.
      const part = `/sitemaps/${parts.length + 1}.xml.gz`;
      const paths = sitemapPaths.slice(i, i + URLS_PER_SITEMAP);
      await derived(part, JSON.stringify([siteUrl, base, paths]), () => gzipSync(sitemap(siteUrl, base, paths)));
      parts.push(part);
    }
    aggregate(urls.sitemap, sitemapIndex(siteUrl, base, parts));
    // The paste-your-configuration page's script and the policy index it computes from. The scripts are bundled from
    // code the renderer's hash covers (with the locked esbuild and dependencies), so only a full build bundles them.
    await derived(policyPageUrls.script, '', () => bundlePolicyScript());
    await derived(policyPageUrls.toolScript, '', () => bundlePolicyScript('tool'));
    aggregate(policyPageUrls.index, JSON.stringify({ version: 1, servers: policyServers }));
    aggregate('/robots.txt', `User-agent: *\nAllow: /\nSitemap: ${absoluteUrl(urls.sitemap, siteUrl, base)}\n`);
    const searchStats = await searchDone;
    Object.assign(files, searchStats.files);
    stats.files += searchStats.written;
    for (const url of Object.keys(last.files)) if (!(url in files)) remove(url);
    phase('feed, sitemaps, search index');
    for (const p of pending.splice(0)) tally(await p);
    phase('the last list pages');

    // 4. The manifest, and for a full build the swap of the finished site into place.
    manifest.finish({ format: MANIFEST_FORMAT, key, files });
    if (!previous) {
      const old = `${outDir}.old-${process.pid}`;
      if (existsSync(outDir)) renameSync(outDir, old);
      renameSync(target, outDir);
      rmSync(old, { recursive: true, force: true });
    }
    rmSync(stateDir(outDir), { recursive: true, force: true });
    renameSync(newState, stateDir(outDir));

    const seconds = (performance.now() - started) / 1000;
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    return {
      mode,
      servers: servers.length,
      tools: tools.length,
      ...stats,
      searchDocuments: searchStats.documents,
      searchIndex: searchStats.patched ? 'patched' : 'built',
      seconds: Math.round(seconds * 10) / 10,
      cpuSeconds: cpuSecondsSince(cpuAtStart),
      pagesPerSecond: Math.round(stats.rendered / seconds),
      peakRssMb: Math.round(peakRss / 1e6),
      outDir,
    };
  } catch (error) {
    manifest.close();
    if (!previous) rmSync(target, { recursive: true, force: true });
    rmSync(newState, { recursive: true, force: true });
    throw error;
  } finally {
    clearInterval(sample);
    await Promise.all([pool.close(), search.close()]);
    previous?.close();
    restoreTiering();
  }
}

/**
 * A full build replaces its folder whole, so the folder must be missing, empty, or a site a build made (its state
 * folder is beside it, even after a build failed): `--out` naming a folder of one's own must not delete it.
 */
function checkReplaceable(outDir: string): void {
  const stat = statSync(outDir, { throwIfNoEntry: false });
  if (!stat || existsSync(stateDir(outDir))) return;
  if (!stat.isDirectory()) throw new Error(`${outDir} is not a folder; a build writes the site into a folder of its own.`);
  if (readdirSync(outDir).length > 0) {
    throw new Error(
      `${outDir} holds files that no toolrisk build made (there is no ${stateDir(outDir)} beside it), and a build replaces its folder whole: choose a new or empty folder, or remove this one first.`,
    );
  }
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return Math.round((user + system) / 1e5) / 10;
}

/**
 * The catalogue in order, cut into segments of `size` servers to re-read or restate (whether a server is, `changeOf`
 * says): a full build reads and renders `size` servers a batch; an incremental one reads its few changed servers
 * `size` at a time as well (one query each for servers, tools, changes and attempts), not a handful per query, and
 * carries the unchanged servers between them over.
 */
export function* changeBatches<T>(
  items: readonly T[],
  size: number,
  changeOf: (item: T) => 'content' | 'status' | null,
): Generator<{ batch: T[]; changed: T[]; restated: T[] }> {
  let start = 0;
  let changed: T[] = [];
  let restated: T[] = [];
  for (let i = 0; i < items.length; i++) {
    const change = changeOf(items[i]);
    if (change === 'content') changed.push(items[i]);
    else if (change === 'status') restated.push(items[i]);
    if (changed.length + restated.length >= size || i === items.length - 1) {
      yield { batch: items.slice(start, i + 1), changed, restated };
      start = i + 1;
      changed = [];
      restated = [];
    }
  }
}
