import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCatalogue } from '../../bench/generate.ts';
import { seedCatalogue } from '../../bench/seed.ts';
import { classifyCatalogue } from '../../pipeline/classify.ts';
import { buildSite, type BuildStats } from '../../site/render/index.ts';
import { serveSite } from '../../site/render/serve.ts';
import { createPglite, type TestDatabase } from '../helpers/databases.ts';
import { findBrokenLinks } from './links.ts';
import { catalogueRecords } from './pages.ts';

/** A site hosted under /toolrisk/catalogue/ of a static host whose root is `root`. */
describe('a site built with --base-url', () => {
  let db: TestDatabase;
  let root: string;
  let site: string;
  let stats: BuildStats;
  let server: Server;
  let url: string;
  let browser: Browser;

  beforeAll(async () => {
    db = await createPglite();
    const at = new Date('2026-11-01T00:00:00Z');
    await seedCatalogue(db.orm, generateCatalogue({ tools: 120 }), { at, mode: 'batched' });
    await classifyCatalogue(db.orm, { now: () => at });
    root = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-base-url-'));
    site = path.join(root, 'toolrisk', 'catalogue');
    mkdirSync(path.dirname(site), { recursive: true });
    stats = await buildSite(db, { outDir: site, basePath: '/toolrisk/catalogue', siteUrl: 'https://example.org/', workers: 1 });
    ({ server, url } = await serveSite(root));
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (root) rmSync(root, { recursive: true, force: true });
    await db?.dispose();
  });

  it('links every page and asset under the base path, and every link resolves', () => {
    const { checked, broken } = findBrokenLinks(root);
    expect(checked).toBeGreaterThan(stats.pages);
    expect(broken).toEqual([]);
    for (const file of ['index.html', 'search/index.html', '404.html']) {
      const html = readFileSync(path.join(site, file), 'utf8');
      const rootRelative = [...html.matchAll(/\s(?:href|src|action)="(\/[^"]*)"/g)].map((m) => m[1]);
      expect(rootRelative.length).toBeGreaterThan(5);
      expect(rootRelative.filter((link) => !link.startsWith('/toolrisk/catalogue/'))).toEqual([]);
    }
    expect(readFileSync(path.join(site, 'sitemap.xml'), 'utf8')).toContain('<loc>https://example.org/toolrisk/catalogue/sitemaps/1.xml.gz</loc>');
    expect(gunzipSync(readFileSync(path.join(site, 'sitemaps', '1.xml.gz'))).toString('utf8')).toContain(
      '<loc>https://example.org/toolrisk/catalogue/servers/',
    );
    expect(readFileSync(path.join(site, 'robots.txt'), 'utf8')).toContain('Sitemap: https://example.org/toolrisk/catalogue/sitemap.xml');
    const line = catalogueRecords(site)[1];
    expect(line.url).toMatch(/^\/toolrisk\/catalogue\/servers\//);
  });

  it('writes one file per tool, beside its server page: no folder and no policy files of its own', () => {
    const servers = readdirSync(path.join(site, 'servers'));
    let tools = 0;
    for (const server of servers) {
      const entries = readdirSync(path.join(site, 'servers', server), { withFileTypes: true });
      expect(entries.filter((e) => !e.isFile())).toEqual([]);
      expect(entries.map((e) => e.name)).toContain('index.html');
      tools += entries.length - 1;
    }
    expect(tools).toBe(stats.tools);
    // Policies are one file per server and format, named after the server: none for a tool, no folders.
    const policies = readdirSync(path.join(site, 'policies'), { withFileTypes: true });
    expect(policies.length).toBeGreaterThan(0);
    for (const file of policies) {
      expect(file.isFile()).toBe(true);
      expect(servers).toContain(/^([a-z0-9_-]+)\.[a-z]+\.(json|yaml)$/.exec(file.name)?.[1]);
    }
  });

  it('searches under the base path in a browser', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });
    const first = catalogueRecords(site)[1];
    await page.goto(`${url}toolrisk/catalogue/`);
    await page.fill('header input[name=q]', first.name);
    await page.press('header input[name=q]', 'Enter');
    await page.waitForURL(/\/toolrisk\/catalogue\/search\/\?q=/);
    const hit = page.locator('#search-results a').first();
    await hit.waitFor();
    expect(await hit.getAttribute('href')).toMatch(/^\/toolrisk\/catalogue\/servers\//);
    await hit.click();
    await page.waitForURL(/\/toolrisk\/catalogue\/servers\/[^/]+\/[^/]+\.html$/);
    expect(errors).toEqual([]);
  });
});
