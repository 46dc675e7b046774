import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ISOLATION_ENV, launchSandboxed, livingProcesses } from '../../crawler/sandbox/index.ts';
import { crawlTarget } from '../../crawler/index.ts';
import { copyMigratedPglite } from '../helpers/databases.ts';
import { FIXTURES, stdioTarget, SUITE_LIMITS } from './cases.ts';

// The bwrap probe runs once per PATH, so the probe here sees a PATH without bwrap.
// TOOLRISK_SANDBOX_ISOLATION=none (a CI pass without bwrap) would be an explicit choice: this file tests the default.
const path = process.env.PATH;
const isolation = process.env[ISOLATION_ENV];
beforeAll(() => {
  process.env.PATH = '/nonexistent-bin';
  delete process.env[ISOLATION_ENV];
});
afterAll(() => {
  process.env.PATH = path;
  if (isolation !== undefined) process.env[ISOLATION_ENV] = isolation;
});

it('says once that bwrap is missing, and still runs allowed servers with a clean environment and limits', async () => {
  const warnings: string[] = [];
  for (const run of [1, 2]) {
    const { command, args } = stdioTarget('no-bwrap', 'print-env', `no-bwrap-${run}`);
    const sandbox = launchSandboxed(
      { command, args, env: {}, readablePaths: [FIXTURES] },
      { maxMessageBytes: 1024 * 1024 },
      { unsandboxed: 'warn', warn: (w) => warnings.push(w) },
    );
    const client = new Client({ name: 'no-bwrap', version: '1' });
    await client.connect(sandbox.transport);
    const { tools } = await client.listTools();
    await client.close();
    await sandbox.kill();
    expect(sandbox.isolation).toBe('none');
    expect(Object.keys(JSON.parse(tools[0].description!.replace('My environment: ', ''))).sort()).toEqual(['HOME', 'PATH', 'TMPDIR']);
    expect(livingProcesses({ pgid: sandbox.pid, uid: sandbox.uid })).toEqual([]);
  }
  const aboutBwrap = warnings.filter((w) => w.includes('bwrap'));
  expect(aboutBwrap).toHaveLength(1);
  expect(aboutBwrap[0]).toMatch(
    /bwrap is not installed \(Debian\/Ubuntu package "bubblewrap"\); stdio servers run WITHOUT filesystem, network and PID isolation/,
  );
});

it('refuses to run a server unisolated, naming the fix, unless told otherwise', async () => {
  const { command, args } = stdioTarget('no-bwrap', 'ok', 'no-bwrap-refused');
  const sandbox = launchSandboxed({ command, args, env: {}, readablePaths: [FIXTURES] }, { maxMessageBytes: 1024 * 1024 }, { warn: () => {} });
  await expect(sandbox.transport.start()).rejects.toThrow(
    /^Refusing to run this server without a sandbox: bwrap is not installed .*apt-get install bubblewrap.*--unsafe-no-sandbox/,
  );
  expect(sandbox.pid).toBeUndefined();
});

it('refuses a crawl attempt of a stranger’s server, and runs the bundled servers and --unsafe-no-sandbox ones with a warning', async () => {
  const target = stdioTarget('no-bwrap', 'ok', 'no-bwrap-crawl');
  const refused = await crawlTarget(target, { limits: SUITE_LIMITS });
  expect(refused.outcome).toBe('refused_by_policy');
  expect(refused.error).toMatch(/apt-get install bubblewrap.*--unsafe-no-sandbox/);
  expect((await crawlTarget({ ...target, bundled: true }, { limits: SUITE_LIMITS })).outcome).toBe('ok');
  expect((await crawlTarget(target, { limits: SUITE_LIMITS, unsafeNoSandbox: true })).outcome).toBe('ok');
});

const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../cli/bin.js');

function toolrisk(args: string[], dataDir = join(tmpdir(), 'toolrisk-no-bwrap-unused')) {
  return new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: '/nonexistent-bin', HOME: process.env.HOME ?? '/tmp', TOOLRISK_DATA_DIR: dataDir, DATABASE_URL: '' },
      cwd: tmpdir(),
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk));
    child.on('close', (code) => resolve({ code, out }));
  });
}

it('`crawl` refuses before it opens a run, naming the fix; with --unsafe-no-sandbox it crawls', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'toolrisk-no-bwrap-crawl-'));
  try {
    const file = join(folder, 'servers.yaml');
    writeFileSync(file, `servers:\n  - id: local\n    command: ${process.execPath}\n    args: [${join(FIXTURES, 'stdio-server.mjs')}, ok]\n`);
    copyMigratedPglite(join(folder, 'data', 'db')); // migrating a new database would cost the process seconds
    const refused = await toolrisk(['crawl', '--servers', file], join(folder, 'data'));
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/Refusing to run this server without a sandbox: bwrap is not installed .*apt-get install bubblewrap.*--unsafe-no-sandbox/);
    expect(refused.out).not.toMatch(/run \d+/);
    const allowed = await toolrisk(['crawl', '--servers', file, '--unsafe-no-sandbox'], join(folder, 'data'));
    expect(allowed.out).toMatch(/run 1 completed: 1 servers, 1 listed/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}, 180_000);

it('`check` refuses without bwrap, naming the fix, and runs with --unsafe-no-sandbox', async () => {
  const check = (...flags: string[]) => toolrisk(['check', ...flags, '--', process.execPath, join(FIXTURES, 'stdio-server.mjs'), 'ok']);
  const refused = await check();
  expect(refused.code).toBe(1);
  expect(refused.out).toMatch(
    /^refused_by_policy: Refusing to run this server without a sandbox: bwrap is not installed .*apt-get install bubblewrap.*--unsafe-no-sandbox/,
  );
  const allowed = await check('--unsafe-no-sandbox');
  expect(allowed.code).toBe(0);
  expect(allowed.out).toContain('delete_thing');
  expect(allowed.out).toMatch(/warning: bwrap is not installed/);
});
