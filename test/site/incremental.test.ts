import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { churnCatalogue } from '../../bench/churn.ts';
import { generateCatalogue } from '../../bench/generate.ts';
import { seedCatalogue } from '../../bench/seed.ts';
import { CLASSIFIER_VERSION } from '../../classifier/index.ts';
import { classifications, crawlRuns, iterateUnclassified, openRun, recordAttempt, rowsOf, servers, upsertServers } from '../../db/index.ts';
import { classifyCatalogue } from '../../pipeline/classify.ts';
import { buildSite, type BuildOptions } from '../../site/render/index.ts';
import { rowDigest } from '../../site/render/lists.ts';
import { PreviousManifest, stateDir } from '../../site/render/manifest.ts';
import { fileFor } from '../../site/render/urls.ts';
import { CRAWL_STATUS_END, CRAWL_STATUS_START } from '../../site/src/crawl-status.ts';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';
import { siteDifferences } from '../helpers/site-files.ts';
import { catalogueRecords } from './pages.ts';

/** Sets every file under a folder to the epoch, so a file with a later mtime afterwards was written since. */
function ageFiles(dir: string): void {
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) if (entry.isFile()) utimesSync(path.join(entry.parentPath, entry.name), 0, 0);
}

const written = (site: string, url: string) => statSync(path.join(site, fileFor(url))).mtimeMs > 0;

/** A built site's servers by id: the server page's URL, and its tools' definition hashes and URLs by name. */
function serversOf(site: string): Map<string, { url: string; tools: Map<string, { hash: string; url: string }> }> {
  const out = new Map<string, { url: string; tools: Map<string, { hash: string; url: string }> }>();
  for (const r of catalogueRecords(site)) {
    if (r.type === 'server') out.set(r.id, { url: r.url, tools: new Map() });
    else out.get(r.server)!.tools.set(r.name, { hash: r.hash, url: r.url });
  }
  return out;
}

/** The list-row digests each server's manifest record keeps (the next build hashes list pages with them), made again from its rows. */
function manifestDigests(site: string): Array<{ kept: string[]; made: string[] }> {
  const manifest = PreviousManifest.read(stateDir(site));
  try {
    return [...manifest.ids()].map((id) => {
      const { server, tools, digests } = manifest.carried(id)!;
      return { kept: digests, made: [server, ...tools].map(rowDigest) };
    });
  } finally {
    manifest.close();
  }
}

describe.each(testBackends())('incremental site build ($name)', (backend) => {
  let db: TestDatabase;
  let work: string;
  const now = new Date('2026-12-01T12:00:00Z');
  const build = (dir: string, extra: Partial<BuildOptions> = {}) => buildSite(db, { outDir: path.join(work, dir), now, workers: 1, batchSize: 7, ...extra });

  beforeAll(async () => {
    db = await backend.create();
    work = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-incremental-'));
    const at = new Date('2026-11-01T00:00:00Z');
    await seedCatalogue(db.orm, generateCatalogue({ tools: 250 }), { at, mode: 'batched' });
    await classifyCatalogue(db.orm, { now: () => at });
  }, 300_000);

  afterAll(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
    await db?.dispose();
  });

  it('after adds, removals and changes, re-renders only what changed and writes what a full build writes', async () => {
    const first = await build('site');
    expect(first.mode).toBe('full');
    expect(first.rendered).toBe(first.pages);

    const unchanged = await build('site');
    expect(unchanged).toMatchObject({ mode: 'incremental', changedServers: 0, removedServers: 0, deleted: 0 });
    expect(unchanged).toMatchObject({ rendered: 0, files: 0, pages: first.pages, searchIndex: 'patched', searchDocuments: first.searchDocuments });

    const churn = await churnCatalogue(db.orm, { fraction: 0.04, at: new Date('2026-11-02T00:00:00Z') });
    expect(churn.added).toBeGreaterThan(0);
    expect(churn.removed).toBeGreaterThan(0);
    const [gone] = await db.orm.select({ id: servers.id }).from(servers).orderBy(servers.id).limit(1);
    await db.orm.delete(servers).where(eq(servers.id, gone.id));
    await seedCatalogue(db.orm, [{ server: { id: 'zz/new-server', sources: ['test'] }, tools: [{ name: 'run_query', description: 'Runs a SQL query.' }] }], {
      at: new Date('2026-11-02T00:00:00Z'),
    });
    // Its tool is left unclassified: the build classifies it first (the full build below would, and show it classified).

    const site = path.join(work, 'site');
    const before = serversOf(site);
    ageFiles(site);
    const incremental = await build('site');
    expect(incremental).toMatchObject({ mode: 'incremental', searchIndex: 'patched' });
    const unclassified = await iterateUnclassified(db.orm, CLASSIFIER_VERSION).next();
    expect(unclassified.done ? [] : unclassified.value.map((d) => d.name)).toEqual([]);
    // A tool page shows nothing of its server's other tools: on a server that gained, lost or changed tools, only
    // the pages of its new and changed tools are rendered (and its server page); the others are not touched.
    const kept: string[] = [];
    for (const [id, server] of serversOf(site)) {
      const was = before.get(id)?.tools;
      const same = (name: string) => was?.get(name)?.hash === server.tools.get(name)!.hash && was?.get(name)?.url === server.tools.get(name)!.url;
      if (!was || (was.size === server.tools.size && [...server.tools.keys()].every(same))) continue;
      expect(written(site, server.url), id).toBe(true);
      for (const [name, tool] of server.tools) {
        expect(written(site, tool.url), `${id} ${name}`).toBe(!same(name));
        if (same(name)) kept.push(tool.url);
      }
    }
    expect(kept.length).toBeGreaterThan(churn.servers);
    expect(incremental.removedServers).toBe(1);
    expect(incremental.deleted).toBeGreaterThan(0);
    expect(incremental.rendered).toBeLessThan(incremental.pages / 2);
    const full = await build('full', { full: true });
    expect(full).toMatchObject({ mode: 'full', searchIndex: 'built' });
    expect(siteDifferences(path.join(work, 'site'), path.join(work, 'full'))).toEqual([]);
  }, 600_000);

  it('after a crawl of every server, patches the crawl status of those whose tools did not change and writes what a full build writes', async () => {
    await build('site');
    const at = new Date('2026-11-03T00:00:00Z');
    const churn = await churnCatalogue(db.orm, { fraction: 0.02, at, recrawlAll: true });
    // The same night, one server's crawl failed (its list row says so) and one was seen by the registry sync alone.
    const [failed, seen] = await db.orm.select({ id: servers.id }).from(servers).orderBy(servers.id).offset(3).limit(2);
    const [run] = await db.orm.select({ id: crawlRuns.id }).from(crawlRuns).orderBy(desc(crawlRuns.id)).limit(1);
    await recordAttempt(db.orm, {
      runId: run.id,
      serverId: failed.id,
      target: 'again',
      outcome: 'timeout',
      error: 'timed out',
      startedAt: new Date(at.getTime() + 60_000),
      durationMs: 30_000,
    });
    await db.orm
      .update(servers)
      .set({ lastSeen: new Date(at.getTime() + 120_000) })
      .where(eq(servers.id, seen.id));

    const site = path.join(work, 'site');
    const before = serversOf(site);
    ageFiles(site);
    const incremental = await build('site');
    expect(incremental.mode).toBe('incremental');
    expect(incremental.changedServers).toBe(churn.servers);
    expect(incremental.restatedServers).toBe(before.size - churn.servers);
    // A restated server's tool pages are not touched; its server page shows the new crawl.
    const failedServer = serversOf(site).get(failed.id)!;
    expect(written(site, failedServer.url)).toBe(true);
    expect(readFileSync(path.join(site, fileFor(failedServer.url)), 'utf8')).toContain('timeout');
    for (const tool of failedServer.tools.values()) expect(written(site, tool.url)).toBe(false);
    expect(incremental.rendered).toBeLessThan(incremental.pages / 2);
    // The digests of restated servers' rows (their outcome changed) and carried ones' are their rows' digests.
    const digests = manifestDigests(site);
    expect(digests.length).toBe(before.size);
    for (const { kept, made } of digests) expect(kept).toEqual(made);
    await build('full', { full: true });
    expect(siteDifferences(path.join(work, 'site'), path.join(work, 'full'))).toEqual([]);
  }, 600_000);

  it('re-reads a server without tools whose first success makes it graded, rather than patching its status', async () => {
    await upsertServers(db.orm, [{ id: 'zz/never-listed', sources: ['test'] }], new Date('2026-11-03T00:00:00Z'));
    await build('site');
    await db.orm
      .update(servers)
      .set({ lastSuccessAt: new Date('2026-11-03T01:00:00Z') })
      .where(eq(servers.id, 'zz/never-listed'));
    const incremental = await build('site');
    expect(incremental).toMatchObject({ mode: 'incremental', changedServers: 1, restatedServers: 0 });
    await build('full', { full: true });
    expect(siteDifferences(path.join(work, 'site'), path.join(work, 'full'))).toEqual([]);
  }, 600_000);

  it('when a server takes the URL another left in the same build (moved away, or gone), keeps its files and writes what a full build writes', async () => {
    const at = new Date('2026-11-03T00:00:00Z');
    const listed = (id: string) => ({ server: { id, sources: ['test'] }, tools: [{ name: 'run_query', description: `Runs a SQL query on ${id}.` }] });
    // Alone, `ZZ-SLUG` has the bare slug `zz-slug`; with `zz-slug` (whose id is that slug) beside it, it is hashed.
    await seedCatalogue(db.orm, [listed('ZZ-SLUG')], { at });
    await build('site');
    const site = path.join(work, 'site');
    const urlOf = (id: string) => serversOf(site).get(id)!.url;
    expect(urlOf('ZZ-SLUG')).toBe('/servers/zz-slug/');

    await seedCatalogue(db.orm, [listed('zz-slug')], { at });
    expect(await build('site')).toMatchObject({ mode: 'incremental', changedServers: 2 });
    expect(urlOf('zz-slug')).toBe('/servers/zz-slug/');
    expect(urlOf('ZZ-SLUG')).not.toBe('/servers/zz-slug/');
    await build('full', { full: true });
    expect(siteDifferences(site, path.join(work, 'full'))).toEqual([]);

    await db.orm.delete(servers).where(eq(servers.id, 'zz-slug'));
    expect(await build('site')).toMatchObject({ mode: 'incremental', changedServers: 1, removedServers: 1 });
    expect(urlOf('ZZ-SLUG')).toBe('/servers/zz-slug/');
    await build('full', { full: true });
    expect(siteDifferences(site, path.join(work, 'full'))).toEqual([]);
  }, 600_000);

  it('stops a second build of the same folder while one runs, naming it, and lets the first finish', async () => {
    const site = path.join(work, 'site');
    await build('site');
    const first = build('site');
    await expect(build('site')).rejects.toThrow(
      `the site folder ${site} is being built by process ${process.pid} (this one); wait for that build to finish, or build into another folder`,
    );
    expect((await first).mode).toBe('incremental');
    expect(existsSync(`${site}.build-lock`)).toBe(false);
    expect((await build('site')).mode).toBe('incremental');
  }, 600_000);

  it('refuses to replace a folder no build made, and keeps its files; replaces an empty one', async () => {
    const own = path.join(work, 'own');
    mkdirSync(own);
    writeFileSync(path.join(own, 'thesis.txt'), 'mine');
    await expect(build('own')).rejects.toThrow(`${own} holds files that no toolrisk build made (there is no ${own}.build-state beside it)`);
    await expect(build('own', { full: true })).rejects.toThrow('a build replaces its folder whole');
    expect(readFileSync(path.join(own, 'thesis.txt'), 'utf8')).toBe('mine');
    rmSync(path.join(own, 'thesis.txt'));
    expect((await build('own')).mode).toBe('full');
    // A site a build made stays replaceable, also after a build that failed left no manifest in its state folder.
    rmSync(path.join(`${own}.build-state`, 'build.json'));
    expect((await build('own')).mode).toBe('full');
  }, 600_000);

  it('refuses to patch a server whose open data was changed since the last build, and the next build is a full one', async () => {
    await build('site');
    const [one] = await db.orm.select({ id: servers.id }).from(servers).orderBy(servers.id).offset(5).limit(1);
    const site = path.join(work, 'site');
    const slug = serversOf(site).get(one.id)!.url.split('/').at(-2)!;
    appendFileSync(path.join(site, 'data', 'servers', `${slug}.json`), ' ');
    await db.orm
      .update(servers)
      .set({ lastSeen: new Date('2026-11-04T00:00:00Z') })
      .where(eq(servers.id, one.id));
    await expect(build('site')).rejects.toThrow(`The site folder changed since the last build: /data/servers/${slug}.json is not the file that build wrote.`);
    expect((await build('site')).mode).toBe('full');
  }, 600_000);

  it('under a base path, splices a new crawl status into server pages whose text is not ASCII and tries to fake the splice comments', async () => {
    const based = (dir: string, extra: Partial<BuildOptions> = {}) => build(dir, { basePath: '/catalogue/', ...extra });
    const [tricky, plain] = await db.orm.select({ id: servers.id }).from(servers).orderBy(servers.id).offset(6).limit(2);
    const fake = `${CRAWL_STATUS_END}Ünïcødé 🛠 ${CRAWL_STATUS_START}`;
    await db.orm
      .update(servers)
      .set({ description: `Fakes ${fake}`, website: `https://example.org/${fake}`, title: `“${fake}”` })
      .where(eq(servers.id, tricky.id));
    await based('based');
    // The next night's crawl: one failed with an error that names the comments too, one succeeded.
    const at = new Date('2026-11-05T00:00:00Z');
    const run = await openRun(db.orm, at);
    await recordAttempt(db.orm, {
      runId: run.id,
      serverId: tricky.id,
      target: 'x',
      outcome: 'protocol_error',
      error: `bad ${fake}`,
      startedAt: at,
      durationMs: 1200,
    });
    await recordAttempt(db.orm, { runId: run.id, serverId: plain.id, target: 'x', outcome: 'ok', startedAt: at, durationMs: 800, toolCount: 3 });
    const site = path.join(work, 'based');
    // The catalogue's URLs are under the base path; the files are not.
    const urlOf = (id: string) =>
      serversOf(site)
        .get(id)!
        .url.replace(/^\/catalogue/, '');
    const page = (id: string) => readFileSync(path.join(site, fileFor(urlOf(id))), 'utf8');
    const incremental = await based('based');
    expect(incremental).toMatchObject({ mode: 'incremental', changedServers: 0, restatedServers: 2 });
    expect(page(tricky.id)).toContain('protocol error in 1.2 s');
    expect(page(plain.id)).toContain('succeeded, 3 tools in 0.8 s');
    // And once more, splicing into the spliced pages.
    await recordAttempt(db.orm, {
      runId: run.id,
      serverId: tricky.id,
      target: 'y',
      outcome: 'ok',
      startedAt: new Date(at.getTime() + 60_000),
      durationMs: 5,
      toolCount: 1,
    });
    expect(await based('based')).toMatchObject({ mode: 'incremental', restatedServers: 1 });
    expect(page(tricky.id)).toContain('succeeded, 1 tool in 0.0 s');
    await based('based-full', { full: true });
    expect(siteDifferences(site, path.join(work, 'based-full'))).toEqual([]);
  }, 600_000);

  it('refuses to splice a crawl status into a server page changed since the last build, and the next build is a full one', async () => {
    await build('site');
    const [one] = await db.orm.select({ id: servers.id }).from(servers).orderBy(servers.id).offset(8).limit(1);
    const site = path.join(work, 'site');
    const url = serversOf(site).get(one.id)!.url;
    appendFileSync(path.join(site, fileFor(url)), ' ');
    const run = await openRun(db.orm, new Date('2026-11-06T00:00:00Z'));
    await recordAttempt(db.orm, {
      runId: run.id,
      serverId: one.id,
      target: 'z',
      outcome: 'timeout',
      startedAt: new Date('2026-11-06T00:00:00Z'),
      durationMs: 30_000,
    });
    await expect(build('site')).rejects.toThrow(`The site folder changed since the last build: ${url} is not the page that build wrote.`);
    expect((await build('site')).mode).toBe('full');
  }, 600_000);

  it('builds the search index whole when a file of it was changed since the last build, and writes what a full build writes', async () => {
    await build('site');
    const site = path.join(work, 'site');
    appendFileSync(path.join(site, 'search-index', 'facets.txt'), ' ');
    const [one] = await db.orm.select({ id: servers.id }).from(servers).orderBy(servers.id).offset(2).limit(1);
    await db.orm.update(servers).set({ description: 'Now described anew.' }).where(eq(servers.id, one.id));
    expect(await build('site')).toMatchObject({ mode: 'incremental', changedServers: 1, searchIndex: 'built' });
    await build('full', { full: true });
    expect(siteDifferences(site, path.join(work, 'full'))).toEqual([]);
  }, 600_000);

  it('after a classification is rewritten in place (same version, same classified_at), writes what a full build writes', async () => {
    // The fingerprint stands in for a classification by its row version, not its text: a rewrite that keeps
    // every column the fingerprint could have used as a marker (hash, version, classified_at) must still be seen.
    const [one] = rowsOf<{ hash: string }>(
      await db.orm.execute(sql`
        select c.hash from classifications c join server_tools st on st.hash = c.hash
        where c.classifier_version = ${CLASSIFIER_VERSION} and c.severity <> 'critical' order by c.hash limit 1`),
    );
    await build('site');
    await db.orm.execute(sql`
      update classifications set severity = 'critical', explanation = explanation || ' Rewritten.'
      where hash = ${one.hash} and classifier_version = ${CLASSIFIER_VERSION}`);
    const incremental = await build('site');
    expect(incremental).toMatchObject({ mode: 'incremental' });
    expect(incremental.changedServers).toBeGreaterThan(0);
    await build('full', { full: true });
    expect(siteDifferences(path.join(work, 'site'), path.join(work, 'full'))).toEqual([]);
  }, 600_000);

  it('after a change that shows in a list row and in no count (a server renamed), writes what a full build writes', async () => {
    await build('site');
    const [one] = await db.orm.select({ id: servers.id }).from(servers).orderBy(servers.id).limit(1);
    await db.orm.update(servers).set({ title: 'A title no list showed before' }).where(eq(servers.id, one.id));
    const incremental = await build('site');
    expect(incremental).toMatchObject({ mode: 'incremental', changedServers: 1 });
    await build('full', { full: true });
    expect(siteDifferences(path.join(work, 'site'), path.join(work, 'full'))).toEqual([]);
  }, 600_000);

  it('after a classifier version bump, writes what a full build writes', async () => {
    // The next classifier version: the same classifications, except that one tool in seven reads as critical now.
    await db.orm.execute(sql`
      insert into classifications (hash, classifier_version, category, severity, flags, confidence, evidence, annotation_conflicts, explanation, classified_at)
      select hash, 'next', category, case when ('x' || substr(hash, 1, 6))::bit(24)::int % 7 = 0 then 'critical' else severity end,
        flags, confidence, evidence, annotation_conflicts, explanation, classified_at
      from classifications where classifier_version = ${CLASSIFIER_VERSION}`);
    expect((await db.orm.select().from(classifications).where(eq(classifications.classifierVersion, 'next'))).length).toBeGreaterThan(0);
    const incremental = await build('site', { classifierVersion: 'next' });
    expect(incremental.mode).toBe('incremental');
    const full = await build('full', { classifierVersion: 'next', full: true });
    expect(siteDifferences(path.join(work, 'site'), path.join(work, 'full'))).toEqual([]);
    expect(incremental.rendered).toBeLessThan(full.rendered);
  }, 600_000);
});
