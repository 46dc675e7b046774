import { execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type TestBackend, type TestDatabase } from '../helpers/databases.ts';
import { siteDifferences } from '../helpers/site-files.ts';
import { launchChromium, serveSite } from '../helpers/serve-site.ts';
import {
  COLLIDING_TOOLS,
  DEEP_TOOL,
  EDGE_SERVER,
  HOSTILE_SERVER,
  PACKAGED_SERVER,
  POISONED_TOOL,
  seedChanges,
  seedDevCatalogue,
  seedEdgeCases,
} from './seed.ts';
import { decodeEntities, findBrokenLinks } from './links.ts';
import { badgeContrasts, catalogueRecords, colouredClasses, everyPageType, nextListPage, STYLESHEET } from './pages.ts';
import { renderPolicy, type PolicyTool } from '../../classifier/policy/index.ts';
import { GRADE_COLORS } from '../../site/render/badge.ts';
import { fileFor } from '../../site/render/urls.ts';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'cli', 'bin.js');
const SCREENSHOTS = path.join(ROOT, 'test-output', 'screenshots');

/** Fixed, so that builds from the two backends compare byte for byte (the home page shows the build time). */
const BUILT_AT = '1764676800';

/** The seeded catalogue built into `<work>/<backend>/site` by the CLI, as a user builds it. */
async function buildFrom(backend: TestBackend, work: string): Promise<{ siteDir: string; env: NodeJS.ProcessEnv; log: string; db: TestDatabase }> {
  const db = await backend.create();
  await seedDevCatalogue(db.orm, { at: new Date('2026-11-20T10:00:00Z') });
  await seedChanges(db.orm, new Date('2026-11-22T10:00:00Z'));
  await seedEdgeCases(db.orm, new Date('2026-11-23T10:00:00Z'));
  await db.close();
  const home = path.join(work, backend.name);
  mkdirSync(home);
  // The CLI finds PGlite at $TOOLRISK_DATA_DIR/db: move the test's fresh database there (PGlite cannot follow a symlink).
  if (db.dataDir) renameSync(db.dataDir, path.join(home, 'db'));
  const env: NodeJS.ProcessEnv = { ...process.env, TOOLRISK_DATA_DIR: home, DATABASE_URL: db.url ?? '', SOURCE_DATE_EPOCH: BUILT_AT };
  if (!db.url) delete env.DATABASE_URL;
  const siteDir = path.join(home, 'site');
  const { stderr: log } = await run(process.execPath, [CLI, 'build', '--out', siteDir, '--site-url', 'https://toolrisk.example/'], {
    env,
    cwd: ROOT,
    maxBuffer: 1 << 24,
  });
  return { siteDir, env, log, db };
}

/**
 * The built site in a browser. It is built from each backend at once (PGlite, and PostgreSQL when
 * TEST_DATABASE_URL is set); the two must be the same files byte for byte, so the browser visits one of them.
 */
describe('the built site', () => {
  const backends = testBackends();
  let builds: Awaited<ReturnType<typeof buildFrom>>[];
  let work: string;
  let siteDir: string;
  let env: NodeJS.ProcessEnv;
  let serve: ChildProcess;
  let baseUrl: string;
  let browser: Browser;
  let buildLog: string;
  /** Each tool's and server's URL as the build published it in catalogue.jsonl.gz. */
  const urlOf = new Map<string, string>();
  const toolKey = (server: string, tool: string) => `${server}\0${tool}`;

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-site-test-'));
    builds = await Promise.all(backends.map((backend) => buildFrom(backend, work)));
    ({ siteDir, env, log: buildLog } = builds[0]);
    for (const record of catalogueRecords(siteDir)) {
      urlOf.set(record.type === 'server' ? record.id : toolKey(record.server, record.name), record.url);
    }
    ({ serve, baseUrl } = await serveSite(CLI, siteDir, env, ROOT));
    browser = await launchChromium();
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    serve?.kill();
    if (work) rmSync(work, { recursive: true, force: true });
    await Promise.all((builds ?? []).map(({ db }) => db.dispose().catch(() => {})));
  });

  it.skipIf(backends.length < 2)('is built byte for byte the same from PostgreSQL as from PGlite, with the same report', () => {
    const [pglite, postgres] = builds;
    expect(siteDifferences(pglite.siteDir, postgres.siteDir)).toEqual([]);
    const reports = (log: string) => log.split('\n').filter((line) => line.includes('Server "'));
    expect(reports(postgres.log)).toEqual(reports(pglite.log));
    expect(reports(pglite.log).length).toBeGreaterThan(0);
  });

  /** Each test's browser contexts, closed after it: an open one keeps its renderer process busy for the whole file. */
  const contexts: BrowserContext[] = [];
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });

  /** A page that records console errors, page errors and dialogs, and fails on any request off 127.0.0.1. */
  async function openPage(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('dialog', (dialog) => {
      problems.push(`dialog: ${dialog.message()}`);
      void dialog.dismiss();
    });
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.hostname === '127.0.0.1') return route.continue();
      problems.push(`request off the local server: ${url.href}`);
      return route.abort();
    });
    return { page, problems };
  }

  async function expectNotPwned(page: Page): Promise<void> {
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  }

  it('searches a tool, shows its page, downloads its policy and links to its server', async () => {
    const { page, problems } = await openPage();
    await page.goto(baseUrl);
    await expect(page.title()).resolves.toContain('toolrisk');
    await page.screenshot({ path: path.join(SCREENSHOTS, `home.png`), fullPage: true });

    await page.fill('header input[name=q]', 'create_issue');
    await page.press('header input[name=q]', 'Enter');
    const result = page.locator('#search-results a', { hasText: /^create_issue$/ }).first();
    await result.waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, `search.png`) });
    await result.click();
    await page.waitForURL(/\/servers\/github-github-mcp-server\/create_issue\.html$/);
    expect(await page.locator('h1').textContent()).toBe('create_issue');
    await page.screenshot({ path: path.join(SCREENSHOTS, `tool.png`), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-download=policylayer]')]);
    expect(download.suggestedFilename()).toBe('create_issue.policylayer.json');
    const downloaded = readFileSync((await download.path())!, 'utf8');
    const { stdout: cli } = await run(process.execPath, [CLI, 'policy', 'github/github-mcp-server', 'create_issue'], { env, cwd: ROOT });
    expect(downloaded).toBe(cli);
    expect(JSON.parse(downloaded)).toHaveProperty('tools.create_issue');

    await page.click('.crumbs a[href="./"]');
    await page.waitForURL(/\/servers\/github[^/]*\/$/);
    expect(await page.locator('h1').textContent()).toContain('github/github-mcp-server');
    await page.screenshot({ path: path.join(SCREENSHOTS, `server.png`), fullPage: true });
    await expectNotPwned(page);
    expect(problems).toEqual([]);
  });

  it('shows hostile names and descriptions as text and never runs them', async () => {
    const { page, problems } = await openPage();
    const serverUrl = `${baseUrl}${urlOf.get(HOSTILE_SERVER)!.slice(1)}`;
    const toolUrl = (name: string) => `${baseUrl}${urlOf.get(toolKey(HOSTILE_SERVER, name))!.slice(1)}`;
    await page.goto(serverUrl);
    expect(await page.locator('h1').textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('main').textContent()).toContain('<script>window.__pwned=5</script>');
    for (const name of ['../../etc/passwd', 'delete_everything', 'Fetch_Page', 'send_webhook']) {
      await page.goto(toolUrl(name));
      expect(await page.locator('h1').textContent()).toBe(name);
      await expectNotPwned(page);
    }
    expect(await page.locator('pre.desc').first().textContent()).toContain('<svg onload=alert(1)>');
    // Only the annotations the server declares are listed, against what the classification implies.
    expect(await page.locator('table.ann').count()).toBe(0);
    await expect(page.locator('main').textContent()).resolves.toContain('The server declares no annotations.');
    await page.goto(toolUrl('delete_everything'));
    expect(await page.locator('table.ann tbody tr td:first-child').allTextContents()).toEqual(['readOnlyHint', 'destructiveHint']);
    expect(await page.locator('table.ann tr.conflict td:first-child').allTextContents()).toEqual(['readOnlyHint']);
    expect(await page.locator('main').textContent()).toContain('[click me](javascript:window.__pwned=4)');
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await page.locator('main img, main script, main svg:not(.chart)').count()).toBe(0);
    // The link to the server page names the hostile server as text.
    expect(await page.locator('main a[href="./"]', { hasText: `All tools of ${HOSTILE_SERVER}` }).count()).toBe(1);
    // The lists name the hostile server, its title and its tools as text too (their rows are one escaped string).
    const passwd = '../../etc/passwd';
    const serverHref = urlOf.get(HOSTILE_SERVER)!;
    for (const [list, href, name] of [
      ['list/servers', serverHref, HOSTILE_SERVER],
      ['list/tools', urlOf.get(toolKey(HOSTILE_SERVER, passwd))!, passwd],
    ]) {
      const pages = readdirSync(path.join(siteDir, list)).filter((f) => f.endsWith('.html'));
      const listed = pages.find((f) => readFileSync(path.join(siteDir, list, f), 'utf8').includes(`href="${href}"`));
      expect(listed, `a page of /${list}/ links ${href}`).toBeDefined();
      await page.goto(`${baseUrl}${list}/${listed === 'index.html' ? '' : listed}`);
      expect(await page.locator(`main a[href="${href}"]`).first().textContent()).toBe(name);
      if (list === 'list/servers') expect(await page.locator('main').textContent()).toContain('<script>alert("title")</script>');
      else expect(await page.locator(`main a[href="${serverHref}"]`).first().textContent()).toBe(HOSTILE_SERVER);
      expect(await page.locator('main img, main script').count()).toBe(0);
      await expectNotPwned(page);
    }
    // A path-traversal name stays inside its server's folder.
    await page.goto(`${baseUrl}search/?q=passwd`);
    await page.locator('#search-results a').first().waitFor();
    expect(await page.locator('#search-results a').first().getAttribute('href')).toBe(urlOf.get(toolKey(HOSTILE_SERVER, '../../etc/passwd')));
    // Terms that are also Object.prototype keys are plain words to the index.
    await page.goto(`${baseUrl}search/?q=constructor`);
    await page.locator('#search-results a', { hasText: '__proto__' }).waitFor();
    await expectNotPwned(page);
    expect(problems).toEqual([]);
  });

  it('filters search results by category and severity', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${baseUrl}search/?q=delete&category=destructive`);
    await page.locator('#search-results li').first().waitFor();
    const badges = await page.locator('#search-results .badge.cat').allTextContents();
    expect(badges.length).toBeGreaterThan(3);
    expect(new Set(badges)).toEqual(new Set(['destructive']));
    await page.selectOption('#search-severity', 'low');
    await expect.poll(() => page.locator('#search-status').textContent()).toMatch(/match/);
    for (const severity of await page.locator('#search-results .badge[class*=sev-]').allTextContents()) expect(severity).toBe('low');
    expect(problems).toEqual([]);
  });

  it('has no broken internal links', () => {
    const broken = findBrokenLinks(siteDir);
    expect(broken.checked).toBeGreaterThan(5000);
    expect(broken.broken).toEqual([]);
  });

  it('counts every published tool in the home charts, and links the recent changes to their tools', () => {
    const tools = catalogueRecords(siteDir).filter((l) => l.type === 'tool');
    const home = readFileSync(path.join(siteDir, 'index.html'), 'utf8');
    const shown = Object.fromEntries([...home.matchAll(/aria-label="(\w+): ([\d,]+) tools"/g)].map((m) => [m[1], Number(m[2].replaceAll(',', ''))]));
    const expected: Record<string, number> = {};
    for (const t of tools) for (const key of [t.classification.category, t.classification.severity]) expected[key] = (expected[key] ?? 0) + 1;
    expect(Object.fromEntries(Object.entries(shown).filter(([, n]) => n > 0))).toEqual(expected);
    const changes = readFileSync(path.join(siteDir, 'changes', 'index.html'), 'utf8');
    const toolUrls = new Set(tools.map((t) => t.url));
    const linked = [...changes.matchAll(/<td class="mono"><a href="([^"]+)">/g)].map((m) => m[1]);
    expect(linked.length).toBeGreaterThan(0);
    expect(linked.filter((url) => !toolUrls.has(url))).toEqual([]);
  });

  it('publishes every tool with its classification and policies in catalogue.jsonl.gz', () => {
    const lines = catalogueRecords(siteDir);
    const tools = lines.filter((l) => l.type === 'tool');
    const servers = lines.filter((l) => l.type === 'server');
    expect(servers.length).toBe(19);
    expect(tools.length).toBeGreaterThan(990);
    const historyShapes = new Set<string>();
    for (const tool of tools) {
      expect(tool.classification.category).toBeTypeOf('string');
      // The tool page builds its policies from the input it embeds (no file of its own): that input renders
      // to the published text.
      const page = readFileSync(path.join(siteDir, fileFor(tool.url)), 'utf8');
      const [, name, category, severity, flags] =
        /<div id="policies" data-name="([^"]*)" data-category="([^"]*)" data-severity="([^"]*)" data-flags(?:="([^"]*)")?/.exec(page)!;
      const embedded = { name: decodeEntities(name), category, severity, flags: flags ? flags.split(' ') : [] } as PolicyTool;
      expect(embedded.name).toBe(tool.name);
      expect(renderPolicy([embedded], 'policylayer')).toBe(tool.policies.policylayer.text);
      expect(renderPolicy([embedded], 'intercept')).toBe(tool.policies.intercept.text);
      historyShapes.add(
        page.includes('<table class="hist">') ? 'table' : /Added \d{4}-\d\d-\d\d \d\d:\d\d, unchanged since\./.test(page) ? 'added' : 'neither',
      );
    }
    // A tool changed since it was added shows its history as a table; one that never changed, as one sentence.
    expect([...historyShapes].sort()).toEqual(['added', 'table']);
    // A server's JSON is its catalogue lines but what repeats there: per tool its policy texts (they follow from the
    // classification), type, server and classifier version (given once, on the server).
    for (const server of servers) {
      const json = JSON.parse(readFileSync(path.join(siteDir, 'data', 'servers', `${server.url.split('/')[2]}.json`), 'utf8'));
      const { tools: jsonTools, classifierVersion, ...jsonServer } = json;
      expect(jsonServer).toEqual(server);
      const lines = tools.filter((t) => t.server === server.id);
      expect(classifierVersion).toBe(lines[0]?.classifierVersion ?? null);
      for (const line of lines) expect(line.classifierVersion).toBe(classifierVersion);
      expect(jsonTools).toEqual(lines.map(({ policies, type, server: _, classifierVersion: __, ...rest }) => rest));
    }
  });

  const github = () => urlOf.get(PACKAGED_SERVER)!;
  const createIssue = () => urlOf.get(toolKey(PACKAGED_SERVER, 'create_issue'))!;

  it('builds despite colliding slugs and a 1,000-level schema, and reports them naming the server', async () => {
    const [a, b] = COLLIDING_TOOLS.map((name) => urlOf.get(toolKey(EDGE_SERVER, name))!);
    expect(a).toMatch(/^\/servers\/edge-example-edge-cases\/tool-4760fa809f[0-9a-f]{6}\.html$/);
    expect(b).toMatch(/^\/servers\/edge-example-edge-cases\/tool-4760fa809f[0-9a-f]{6}\.html$/);
    expect(a).not.toBe(b);
    expect(buildLog).toContain(`Server ${JSON.stringify(EDGE_SERVER)}: the input schema or annotations of tool ${JSON.stringify(DEEP_TOOL)}`);
    const { page, problems } = await openPage();
    for (const [name, url] of [
      [COLLIDING_TOOLS[0], a],
      [COLLIDING_TOOLS[1], b],
    ]) {
      await page.goto(`${baseUrl}${url.slice(1)}`);
      expect(await page.locator('h1').textContent()).toBe(name);
    }
    await page.goto(`${baseUrl}${urlOf.get(toolKey(EDGE_SERVER, DEEP_TOOL))!.slice(1)}`);
    expect(await page.locator('h1').textContent()).toBe(DEEP_TOOL);
    await expect(page.locator('main').textContent()).resolves.toContain('nested too deep or too large to show in full');
    expect(problems).toEqual([]);
  });

  it('tool page: a verdict sentence, what the policy does, a link to the server’s tools, canonical and OpenGraph; no sibling tools, FAQ or JSON-LD', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${baseUrl}${createIssue().slice(1)}`);
    const record = catalogueRecords(siteDir).find((r) => r.type === 'tool' && r.server === PACKAGED_SERVER && r.name === 'create_issue');
    const { category, severity } = record!.classification;
    expect(await page.locator('.verdict strong').textContent()).toBe(`${category[0].toUpperCase()}${category.slice(1)} tool, ${severity} risk.`);
    // Said by the script that renders the policy files, beside them.
    const about = await page.locator('#policies > p').textContent();
    expect(about).toContain('loaded on its own, it denies the server’s other tools');
    expect(about).toContain('for PolicyLayer (JSON) and Intercept (YAML).');
    // Nothing on a tool page depends on the server's other tools: they are on the server page, one link away.
    const main = (await page.locator('main').textContent())!;
    for (const other of catalogueRecords(siteDir).filter((r) => r.type === 'tool' && r.server === PACKAGED_SERVER && r.name !== 'create_issue'))
      expect(await page.locator(`main a[href="../${other.url.split('/').at(-2)}/"], main a[href="${other.url}"]`).count(), other.name).toBe(0);
    expect(main).not.toMatch(/tools catalogued on|other tools? on the server,|FAQ/);
    expect(await page.locator('script[type="application/ld+json"], dl.faq').count()).toBe(0);
    expect(await page.locator('link[rel=canonical]').getAttribute('href')).toBe(`https://toolrisk.example${createIssue()}`);
    // A link preview takes the title, the description and the URL from <title>, the meta description and the page's
    // own (canonical) URL; only the site's name is OpenGraph's.
    expect(await page.locator('meta[property^="og:"]').evaluateAll((tags) => tags.map((t) => t.getAttribute('property')))).toEqual(['og:site_name']);
    expect(await page.title()).toContain('create_issue');
    expect(await page.locator('meta[name=description]').getAttribute('content')).toContain('create_issue');
    await page.screenshot({ path: path.join(SCREENSHOTS, `tool-verdict.png`) });
    await page.locator('main a', { hasText: `All tools of ${PACKAGED_SERVER}` }).click();
    await page.waitForURL(`${baseUrl}${github().slice(1)}`);
    expect(problems).toEqual([]);
  });

  it('a category’s or a severity’s list leaves out the column its rows all share', async () => {
    const { page, problems } = await openPage();
    const headings = async () => (await page.locator('table.tools thead th').allTextContents()).map((text) => text.trim());
    await page.goto(`${baseUrl}list/tools/`);
    expect(await headings()).toEqual(['Tool', 'Server', 'Category', 'Severity', 'Flags']);
    await page.goto(`${baseUrl}browse/category/destructive/`);
    expect(await headings()).toEqual(['Tool', 'Server', 'Severity', 'Flags']);
    expect(await page.locator('table.tools tbody tr').first().locator('td').count()).toBe(4);
    await page.goto(`${baseUrl}browse/severity/critical/`);
    expect(await headings()).toEqual(['Tool', 'Server', 'Category', 'Flags']);
    // Sorting by a column still sorts by that column (the script finds it by its index).
    await page.locator('table.tools th', { hasText: 'Category' }).locator('button').click();
    const categories = await page.locator('table.tools tbody tr td:nth-child(3)').allTextContents();
    expect(categories).toEqual([...categories].sort());
    expect(problems).toEqual([]);
  });

  it('says what the policy does with a poisoning suspect from the policy itself: it denies it', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${baseUrl}${urlOf.get(toolKey(EDGE_SERVER, POISONED_TOOL))!.slice(1)}`);
    const verdict = await page.locator('.verdict').textContent();
    expect(verdict).toContain('deny every call');
    expect(verdict).not.toMatch(/rate|calls a minute/);
    // The download is built by the page itself (a tool has no policy file of its own).
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-download=policylayer]')]);
    const policy = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(JSON.stringify(policy)).not.toContain('"max"');
    expect(JSON.stringify(policy)).toContain('"deny_if"');
    expect(problems).toEqual([]);
  });

  it('server page: package facts, the last crawl as a time, install snippets for five clients, untrusted names left out', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${baseUrl}${github().slice(1)}`);
    const main = page.locator('main');
    const facts = page.locator('table.facts');
    await expect(facts.textContent()).resolves.toContain('1.4.2');
    await expect(facts.textContent()).resolves.toContain('MIT');
    await expect(facts.textContent()).resolves.toContain('2026-10-01');
    await expect(facts.textContent()).resolves.toContain('<script>window.__pwned=6</script>');
    expect(await facts.locator('a[href="https://github.com/github/github-mcp-server"]').count()).toBe(1);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await page.locator('.summary time').first().textContent()).toBe('2026-11-20 10:00 UTC');
    await expect(page.locator('.summary').textContent()).resolves.toMatch(/succeeded, \d+ tools in 0\.1 s/);
    const clients = await page.locator('.install summary').allTextContents();
    for (const client of ['Claude Desktop', 'Claude Code', 'Cursor', 'VS Code', 'Codex']) expect(clients.some((c) => c.startsWith(client))).toBe(true);
    const snippets = await page.locator('.install pre code').allTextContents();
    expect(snippets).toContain('claude mcp add github-mcp-server -- npx -y @example/github-github-mcp-server@1.0.0');
    const desktop = JSON.parse(snippets.find((s) => s.includes('"mcpServers"'))!);
    expect(desktop.mcpServers['github-mcp-server']).toEqual({ command: 'npx', args: ['-y', '@example/github-github-mcp-server@1.0.0'] });
    expect(snippets.find((s) => s.startsWith('[mcp_servers.github-mcp-server]'))).toBe(
      '[mcp_servers.github-mcp-server]\ncommand = "npx"\nargs = ["-y", "@example/github-github-mcp-server@1.0.0"]',
    );
    expect(JSON.parse(snippets.find((s) => s.includes('"servers"'))!).servers['github-mcp-server'].type).toBe('stdio');
    await page.screenshot({ path: path.join(SCREENSHOTS, `server-facts.png`), fullPage: true });

    await page.goto(`${baseUrl}${urlOf.get(EDGE_SERVER)!.slice(1)}`);
    const edge = await page.locator('.install pre code').allTextContents();
    expect(edge.join('\n')).not.toContain('touch');
    expect(edge).toContain('claude mcp add --transport http edge-cases https://mcp.edge.example/mcp');
    expect(JSON.parse(edge.find((s) => s.includes('"url"') && s.includes('"servers"'))!).servers['edge-cases']).toEqual({
      type: 'http',
      url: 'https://mcp.edge.example/mcp',
    });
    await expect(main.textContent()).resolves.toContain('succeeded, 4 tools in 2.3 s');
    // The server policy's summary counts the policy's own decisions: the poisoning suspect is denied.
    await expect(main.textContent()).resolves.toContain('3 allowed, 0 rate-limited, 1 denied');
    await expectNotPwned(page);
    expect(problems).toEqual([]);
  });

  it('serves a grade badge per server at a stable URL, with the snippets to embed it', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${baseUrl}${github().slice(1)}`);
    const grade = (await page.locator('h1 .grade').textContent())!.trim();
    const src = (await page.locator('img.grade-badge').getAttribute('src'))!;
    expect(src).toBe('/badges/github-github-mcp-server.svg');
    expect(await page.locator('img.grade-badge').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const response = await page.request.get(`${baseUrl}${src.slice(1)}`);
    expect(response.headers()['content-type']).toBe('image/svg+xml');
    const svg = await response.text();
    expect(svg).toContain(`toolrisk: grade ${grade}`);
    expect(svg).toContain(`fill="${GRADE_COLORS[grade]}"`);
    expect(await page.locator('#badge-markdown').textContent()).toBe(
      `[![toolrisk grade](https://toolrisk.example${src})](https://toolrisk.example${github()})`,
    );
    expect(problems).toEqual([]);
  });

  it('fits a 390 px screen without horizontal scrolling on every page type', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    contexts.push(context);
    const page = await context.newPage();
    const pages = everyPageType((kind) => (kind === 'server' ? github() : kind === 'tool' ? createIssue() : nextListPage(siteDir, 'list/tools')));
    const widths: Record<string, number[]> = {};
    for (const [kind, url] of Object.entries(pages)) {
      await page.goto(`${baseUrl}${url.slice(1)}`);
      if (kind === 'search') await page.locator('#search-results li').first().waitFor();
      widths[kind] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      await page.screenshot({ path: path.join(SCREENSHOTS, `390-${kind.replaceAll(' ', '-')}.png`), fullPage: true });
    }
    for (const [kind, [scrollWidth, innerWidth]] of Object.entries(widths))
      expect({ kind, fits: scrollWidth <= innerWidth, scrollWidth }).toEqual({ kind, fits: true, scrollWidth });
  });

  it('sorts tables from the keyboard and skips to the content', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${baseUrl}${github().slice(1)}`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    await page.focus('input[data-filter-table]');
    const headings: string[] = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      headings.push((await page.evaluate(() => document.activeElement?.textContent)) ?? '');
    }
    expect(headings).toEqual(['Tool', 'Category', 'Severity']);
    const severities = () =>
      page.locator('table[data-sortable] tbody tr td:nth-child(3)').evaluateAll((cells) => cells.map((c) => Number(c.getAttribute('data-value'))));
    await page.keyboard.press('Enter');
    expect(await page.locator('th[aria-sort]').getAttribute('aria-sort')).toBe('ascending');
    const ascending = await severities();
    expect(ascending).toEqual([...ascending].sort((x, y) => x - y));
    await page.keyboard.press('Space');
    expect(await page.locator('th[aria-sort]').getAttribute('aria-sort')).toBe('descending');
    const descending = await severities();
    expect(descending).toEqual([...descending].sort((x, y) => y - x));
    expect(descending[0]).toBeGreaterThan(descending[descending.length - 1]);
    expect(problems).toEqual([]);
  });

  it('shows every badge with at least 4.5:1 contrast, and the home charts’ links to screen readers', async () => {
    const { page, problems } = await openPage();
    await page.goto(baseUrl);
    const classes = colouredClasses(STYLESHEET);
    expect(classes.length).toBeGreaterThan(15);
    const contrasts = await badgeContrasts(page, classes);
    expect(contrasts.filter((c) => c.ratio < 4.5)).toEqual([]);
    for (const [grade, fill] of Object.entries(GRADE_COLORS)) {
      const ratio = await page.evaluate((color) => {
        const probe = document.createElement('span');
        probe.style.color = '#fff';
        probe.style.background = color;
        document.body.append(probe);
        const parse = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
        const ch = (c: number) => (c / 255 <= 0.03928 ? c / 255 / 12.92 : ((c / 255 + 0.055) / 1.055) ** 2.4);
        const lum = ([r, g, b]: number[]) => 0.2126 * ch(r) + 0.7152 * ch(g) + 0.0722 * ch(b);
        return (lum(parse(getComputedStyle(probe).color)) + 0.05) / (lum(parse(getComputedStyle(probe).backgroundColor)) + 0.05);
      }, fill);
      expect({ grade, ok: ratio >= 4.5 }).toEqual({ grade, ok: true });
    }
    for (const category of ['read', 'destructive']) expect(await page.getByRole('link', { name: new RegExp(`^${category}: [\\d,]+ tools$`) }).count()).toBe(1);
    expect(problems).toEqual([]);
  });

  it('serve compresses with br or gzip as the client accepts', async () => {
    const file = readFileSync(path.join(siteDir, 'index.html'));
    const get = (encoding: string) =>
      fetch(baseUrl, { headers: { 'Accept-Encoding': encoding } }).then(async (r) => ({
        encoding: r.headers.get('content-encoding'),
        vary: r.headers.get('vary'),
        body: Buffer.from(await r.arrayBuffer()),
      }));
    // fetch() decodes what it is sent; read the raw bytes with node:http instead.
    const raw = (encoding: string) =>
      new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
        import('node:http').then(({ get: httpGet }) =>
          httpGet(baseUrl, { headers: { 'Accept-Encoding': encoding } }, (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
          }).on('error', reject),
        );
      });
    const br = await raw('gzip, deflate, br');
    expect(br.encoding).toBe('br');
    expect(brotliDecompressSync(br.body).equals(file)).toBe(true);
    expect(br.body.length).toBeLessThan(file.length / 2);
    const gzip = await raw('gzip');
    expect(gzip.encoding).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(file)).toBe(true);
    const plain = await raw('identity');
    expect(plain.encoding).toBeUndefined();
    expect(plain.body.equals(file)).toBe(true);
    expect((await get('br')).vary).toBe('Accept-Encoding');
  });

  it('search: two-character prefixes, whole compounds, stems, filters, sorting and "1 match"', async () => {
    const { page, problems } = await openPage();
    const results = async (query: string) => {
      await page.goto(`${baseUrl}search/?${query}`);
      await expect.poll(() => page.locator('#search-status').textContent(), { timeout: 20_000 }).not.toMatch(/Searching|Type at least/);
      return { status: (await page.locator('#search-status').textContent())!, names: await page.locator('#search-results li > a').allTextContents() };
    };
    const twoLetters = await results('q=cr');
    expect(twoLetters.names.length).toBeGreaterThan(5);
    expect(twoLetters.names.some((n) => n.startsWith('create'))).toBe(true);
    const javascript = await results('q=javascript');
    expect(javascript.names.length).toBeGreaterThan(0);
    expect(javascript.status).not.toBe('No matches.');
    const deletion = await results('q=deletion');
    const deleting = await results('q=deleting');
    expect(deletion.names.length).toBeGreaterThan(10);
    expect(deletion.names).toEqual(deleting.names);
    expect(deletion.names.some((n) => /delete/i.test(n))).toBe(true);
    const poisoned = await results('q=numbers&flag=poisoning_suspect');
    expect(poisoned.names).toEqual([POISONED_TOOL]);
    expect(poisoned.status).toBe('1 match.');
    const onServer = await results(`q=reads&server=${encodeURIComponent('edge.example')}`);
    expect(onServer.names.length).toBeGreaterThan(0);
    for (const server of await page.locator('#search-results li .muted').allTextContents()) expect(server).toContain(EDGE_SERVER);
    await page.goto(`${baseUrl}search/?q=delete&sort=severity`);
    await page.locator('#search-results li').first().waitFor();
    const order = ['critical', 'high', 'medium', 'low'];
    const severities = (await page.locator('#search-results .badge[class*=sev-]').allTextContents()).map((s) => order.indexOf(s));
    expect(severities).toEqual([...severities].sort((x, y) => x - y));
    await page.screenshot({ path: path.join(SCREENSHOTS, `search-filters.png`) });
    expect(problems).toEqual([]);
  });
});
