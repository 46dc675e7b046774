import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { toolrisk } from '../helpers/cli.ts';
import { launchChromium, serveSite } from '../helpers/serve-site.ts';
import { seedPolicyCatalogue } from './policy-catalogue.ts';

// A site build, a browser and the CLI once per case: slow on a loaded machine.
vi.setConfig({ testTimeout: 600_000 });
const ROOT = path.resolve(import.meta.dirname, '../..');
const CLI = path.join(ROOT, 'cli', 'bin.js');
const FIXTURES = path.join(ROOT, 'test', 'classifier', 'fixtures', 'agent-configs');

// Each case: a client's file, pasted as is, and a format; the page must give the CLI's bytes.
const CASES: Array<[string, string]> = [
  ['claude_desktop_config.json', 'claude-code'],
  ['codex-config.toml', 'codex'],
  ['gemini-settings.json', 'gemini'],
  ['vscode-mcp.json', 'intercept'],
  ['cursor-mcp.json', 'policylayer'],
];

describe('the paste-your-configuration page', () => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  let serve: ChildProcess;
  let baseUrl: string;
  let browser: Browser;

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-policy-page-'));
    await seedPolicyCatalogue(path.join(work, 'data'));
    env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TOOLRISK_DATA_DIR: path.join(work, 'data') };
    const built = await toolrisk(['build', '--out', path.join(work, 'site'), '--workers', '1'], { env });
    expect(built.code, built.stderr).toBe(0);
    ({ serve, baseUrl } = await serveSite(CLI, path.join(work, 'site'), env, ROOT));
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    serve?.kill();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('gives byte for byte what `toolrisk policy --config` prints, offline, uploading nothing', async () => {
    const context = await browser.newContext({ acceptDownloads: true });
    const requests: string[] = [];
    const problems: string[] = [];
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      requests.push(`${route.request().method()} ${url.pathname}${url.search}`);
      return url.hostname === '127.0.0.1' ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    await page.goto(`${baseUrl}policy/`);
    await page.locator('#policy-config-go:enabled').waitFor();
    await expect(page.locator('#policy-config-status').textContent()).resolves.toMatch(/Catalogue loaded: 4 servers/);
    const loaded = requests.length;
    await context.setOffline(true);

    const cliOutputs: Array<{ stdout: string }> = [];
    for (const [file, format] of CASES) {
      const printed = await toolrisk(['policy', '--config', path.join(FIXTURES, file), '--format', format], { env });
      expect(printed.code, printed.stderr).toBe(0);
      cliOutputs.push(printed);
    }
    for (const [i, [file, format]] of CASES.entries()) {
      const cli = cliOutputs[i];
      await page.fill('#policy-config-text', readFileSync(path.join(FIXTURES, file), 'utf8'));
      await page.selectOption('#policy-config-format', format);
      await page.click('#policy-config-go');
      await page.locator('#policy-config-result:visible').waitFor();
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#policy-config-download')]);
      const bytes = readFileSync((await download.path())!, 'utf8');
      expect(bytes, `${file} as ${format}`).toBe(cli.stdout);
      expect(bytes.length).toBeGreaterThan(20);
      expect(await page.locator('#policy-config-output').textContent()).toBe(cli.stdout);
    }
    // The missing server is listed with its line, as the CLI does.
    await page.fill('#policy-config-text', readFileSync(path.join(FIXTURES, 'claude_desktop_config.json'), 'utf8'));
    await page.click('#policy-config-go');
    await expect(page.locator('#policy-config-servers').textContent()).resolves.toContain('my-own (line 11): not in the catalogue');

    // Fits a phone: nothing wider than a 390 px screen, with a policy and the server list shown.
    await page.setViewportSize({ width: 390, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    // A malformed configuration: an error naming the line, and no policy.
    await page.fill('#policy-config-text', '{\n  "mcpServers": {\n    "a": { "command": "npx" }\n    "b": {}\n  }\n}');
    await page.click('#policy-config-go');
    await expect(page.locator('#policy-config-status').textContent()).resolves.toBe('Your configuration: line 4: not valid JSON: expected a comma');
    expect(await page.locator('#policy-config-result').isHidden()).toBe(true);

    expect(requests.slice(loaded), 'no request after the page loaded').toEqual([]);
    expect(requests.filter((r) => !r.startsWith('GET '))).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });
});
