import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';
import { HOSTILE_SERVER, seedChanges, seedDevCatalogue } from './seed.ts';
import { findBrokenLinks } from './links.ts';
import { slugify } from '../../site/render/slug.ts';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'cli', 'bin.js');
const SCREENSHOTS = path.join(ROOT, 'test-output', 'screenshots');
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe.each(testBackends())('the built site ($name)', (backend) => {
  let db: TestDatabase;
  let work: string;
  let siteDir: string;
  let env: NodeJS.ProcessEnv;
  let serve: ChildProcess;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    db = await backend.create();
    await seedDevCatalogue(db.orm, { at: new Date('2026-11-20T10:00:00Z') });
    await seedChanges(db.orm, new Date('2026-11-22T10:00:00Z'));
    await db.close();
    work = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-site-test-'));
    siteDir = path.join(work, 'site');
    // The CLI finds PGlite at $TOOLRISK_DATA_DIR/db: move the test's fresh database there (PGlite cannot follow a symlink).
    if (db.dataDir) renameSync(db.dataDir, path.join(work, 'db'));
    env = { ...process.env, TOOLRISK_DATA_DIR: work, DATABASE_URL: db.url ?? '' };
    if (!db.url) delete env.DATABASE_URL;
    await run(process.execPath, [CLI, 'build', '--out', siteDir], { env, cwd: ROOT, maxBuffer: 1 << 24 });
    serve = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--dir', siteDir], { env, cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    baseUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      serve.stdout!.on('data', (chunk) => {
        out += chunk;
        const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (match) resolve(match[1]);
      });
      serve.once('exit', (code) => reject(new Error(`toolrisk serve exited with ${code}`)));
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    serve?.kill();
    if (work) rmSync(work, { recursive: true, force: true });
    await db?.dispose().catch(() => {});
  });

  /** A page that records console errors, page errors and dialogs, and fails on any request off 127.0.0.1. */
  async function openPage(): Promise<{ page: Page; problems: string[] }> {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
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
    await page.screenshot({ path: path.join(SCREENSHOTS, `home-${backend.name}.png`), fullPage: true });

    await page.fill('header input[name=q]', 'create_issue');
    await page.press('header input[name=q]', 'Enter');
    const result = page.locator('#search-results a', { hasText: /^create_issue$/ }).first();
    await result.waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, `search-${backend.name}.png`) });
    await result.click();
    await page.waitForURL(/\/servers\/github-github-mcp-server-[0-9a-f]{10}\/create_issue\/$/);
    expect(await page.locator('h1').textContent()).toBe('create_issue');
    await page.screenshot({ path: path.join(SCREENSHOTS, `tool-${backend.name}.png`), fullPage: true });

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('a[data-download=policylayer]')]);
    const downloaded = readFileSync((await download.path())!, 'utf8');
    const { stdout: cli } = await run(process.execPath, [CLI, 'policy', 'github/github-mcp-server', 'create_issue'], { env, cwd: ROOT });
    expect(downloaded).toBe(cli);
    expect(JSON.parse(downloaded)).toHaveProperty('tools.create_issue');

    await page.click('.crumbs a[href^="/servers/"]');
    await page.waitForURL(/\/servers\/github[^/]*\/$/);
    expect(await page.locator('h1').textContent()).toContain('github/github-mcp-server');
    await page.screenshot({ path: path.join(SCREENSHOTS, `server-${backend.name}.png`), fullPage: true });
    await expectNotPwned(page);
    expect(problems).toEqual([]);
  });

  it('shows hostile names and descriptions as text and never runs them', async () => {
    const { page, problems } = await openPage();
    const serverUrl = `${baseUrl}servers/${slugify(HOSTILE_SERVER)}/`;
    await page.goto(serverUrl);
    expect(await page.locator('h1').textContent()).toContain('<img src=x onerror=alert(1)>');
    expect(await page.locator('main').textContent()).toContain('<script>window.__pwned=5</script>');
    for (const name of ['../../etc/passwd', 'delete_everything', 'Fetch_Page', 'send_webhook']) {
      await page.goto(`${serverUrl}${slugify(name)}/`);
      expect(await page.locator('h1').textContent()).toBe(name);
      await expectNotPwned(page);
    }
    expect(await page.locator('pre.desc').first().textContent()).toContain('<svg onload=alert(1)>');
    await page.goto(`${serverUrl}${slugify('delete_everything')}/`);
    expect(await page.locator('main').textContent()).toContain('[click me](javascript:window.__pwned=4)');
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await page.locator('main img, main script, main svg:not(.chart)').count()).toBe(0);
    // A path-traversal name stays inside its server's folder.
    await page.goto(`${baseUrl}search/?q=passwd`);
    await page.locator('#search-results a').first().waitFor();
    expect(await page.locator('#search-results a').first().getAttribute('href')).toBe(`/servers/${slugify(HOSTILE_SERVER)}/${slugify('../../etc/passwd')}/`);
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
    await expect.poll(() => page.locator('#search-status').textContent()).toMatch(/No matches|matches/);
    for (const severity of await page.locator('#search-results .badge[class*=sev-]').allTextContents()) expect(severity).toBe('low');
    expect(problems).toEqual([]);
  });

  it('has no broken internal links', () => {
    const broken = findBrokenLinks(siteDir);
    expect(broken.checked).toBeGreaterThan(5000);
    expect(broken.broken).toEqual([]);
  });

  it('publishes every tool with its classification and policies in catalogue.jsonl', () => {
    const lines = readFileSync(path.join(siteDir, 'data', 'catalogue.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const tools = lines.filter((l) => l.type === 'tool');
    const servers = lines.filter((l) => l.type === 'server');
    expect(servers.length).toBe(18);
    expect(tools.length).toBeGreaterThan(990);
    for (const tool of tools) {
      expect(tool.classification.category).toBeTypeOf('string');
      // The tool page downloads the same policy from itself (a data: URL), not from a file of its own.
      const page = readFileSync(path.join(siteDir, tool.url, 'index.html'), 'utf8');
      const href = /<a class="btn" href="data:application\/json;charset=utf-8,([^"]*)"[^>]*data-download="policylayer"/.exec(page)?.[1];
      expect(decodeURIComponent(href!.replaceAll('&amp;', '&'))).toBe(tool.policies.policylayer.text);
    }
  });
});
