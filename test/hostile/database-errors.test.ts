import { execFileSync, fork, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { crawlRuns, openDatabase, servers } from '../../db/index.ts';
import { compiledFixture } from '../helpers/fixtures.ts';
import { FIXTURES, processesMarked, RUN_MARK } from './cases.ts';

const BIN = fileURLToPath(new URL('../../cli/bin.js', import.meta.url));
const asRoot = process.getuid?.() === 0;
const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
});

function toolrisk(args: string[], env: Record<string, string>, timeoutMs = 120_000) {
  return runNode([BIN, ...args], env, timeoutMs);
}

/** `node ARGS` with only PATH, HOME and `env`, killed after `timeoutMs` (its code is then null). */
function runNode(args: string[], env: Record<string, string>, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const began = Date.now();
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - began });
    });
  });
}

/** A tmpfs of `size` (e.g. '2m'), mounted for this test file and unmounted after it. */
function tmpfs(size: string, options = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'toolrisk-tmpfs-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${options ? `,${options}` : ''}`, 'tmpfs', dir]);
  cleanups.push(() => {
    execFileSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

describe.runIf(asRoot)('the embedded database names the cause of a failure', () => {
  it('a disk too small to create it: "no space left" and the folder, not "undefined"', async () => {
    const disk = tmpfs('2m');
    const result = await toolrisk(['db', 'status'], { TOOLRISK_DATA_DIR: join(disk, 'data') });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`no space left on the device that holds ${join(disk, 'data', 'db')}`));
    expect(result.stderr).not.toMatch(/undefined/);
  });

  it('a read-only folder', async () => {
    const disk = tmpfs('1m');
    mkdirSync(join(disk, 'data'));
    execFileSync('mount', ['-o', 'remount,ro', disk]);
    const result = await toolrisk(['db', 'status'], { TOOLRISK_DATA_DIR: join(disk, 'data') });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/read-only file system/);
    expect(result.stderr).toContain(join(disk, 'data', 'db'));
  });

  it('a folder locked by another process: names its PID', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'toolrisk-locked-'));
    cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
    mkdirSync(join(folder, 'db'));
    const holder = fork(compiledFixture('test/db/lock-racer.ts'));
    try {
      await new Promise((resolve) => holder.once('message', resolve));
      holder.send({ op: 'take', folder: join(folder, 'db') });
      expect(await new Promise((resolve) => holder.once('message', resolve))).toMatchObject({ got: true });
      const result = await toolrisk(['db', 'status'], { TOOLRISK_DATA_DIR: folder });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`in use by process ${holder.pid};`));
    } finally {
      holder.kill();
    }
  });

  it('a PostgreSQL panic (no room for the next write-ahead-log segment) ends the process with its cause, not a hang; what was stored stays', async () => {
    const disk = tmpfs('64m');
    const folder = join(disk, 'db');
    const { code, stdout, stderr } = await runNode([compiledFixture('test/db/panic-writer.ts'), folder], {}, 60_000);
    expect(stdout).toBe('');
    expect(code).toBe(1);
    expect(stderr).toContain(`the embedded database at ${folder} stopped (PostgreSQL PANIC): no space left on the device that holds ${folder}`);

    rmSync(join(disk, 'filler'));
    const db = await openDatabase({ dataDir: folder, env: {} });
    try {
      const runs = await db.orm.select({ options: crawlRuns.options }).from(crawlRuns);
      expect(runs.map((r) => r.options.stored)).toEqual(['before the panic']);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('a disk that fills up mid-crawl: stops with "no space left", keeps the snapshots stored before, kills its servers', async () => {
    const disk = tmpfs('44m');
    const mark = randomUUID();
    const file = join(tmpdir(), `toolrisk-fill-${mark}.json`);
    cleanups.push(() => rmSync(file, { force: true }));
    const entries = Array.from({ length: 60 }, (_, i) => ({
      id: `fill:${i}`,
      command: process.execPath,
      args: [join(FIXTURES, 'stdio-server.mjs'), 'bulky', '300'],
      env: { FIXTURE_SEED: `server-${i}`, [RUN_MARK]: mark },
      cwd: FIXTURES,
    }));
    writeFileSync(file, JSON.stringify({ servers: entries }));
    const dataDir = join(disk, 'data');
    const result = await toolrisk(['crawl', '--servers', file], { TOOLRISK_DATA_DIR: dataDir }, 240_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`no space left on the device that holds ${join(dataDir, 'db')}`));
    expect(result.stderr).not.toMatch(/Failed query|params:/);
    expect(processesMarked(mark)).toEqual([]);
    const listed = result.stderr.split('\n').filter((line) => /^\d+\/60 ok /.test(line)).length;
    expect(listed).toBeGreaterThan(0);
    expect(listed).toBeLessThan(60);

    execFileSync('mount', ['-o', 'remount,size=200m', disk]);
    const db = await openDatabase({ dataDir: join(dataDir, 'db'), env: {} });
    try {
      const rows = await db.orm.select().from(servers);
      expect(rows.filter((r) => r.toolCount === 300).length).toBeGreaterThanOrEqual(listed);
    } finally {
      await db.close();
    }
    // The run the full disk left behind is closed by the next command.
    const status = await toolrisk(['status'], { TOOLRISK_DATA_DIR: dataDir });
    expect(status.stdout).toMatch(/^run 1: (failed|interrupted)/m);
  }, 300_000);
});

/** A PostgreSQL server as far as the start-up handshake, refusing every password with SQLSTATE 28P01. */
async function passwordRefusingServer(): Promise<{ port: number; server: Server }> {
  const message = (type: string, body: Buffer) => {
    const head = Buffer.alloc(5);
    head.write(type, 0);
    head.writeInt32BE(body.length + 4, 1);
    return Buffer.concat([head, body]);
  };
  const server = createServer((socket) => {
    let stage = 0;
    socket.on('data', () => {
      stage++;
      if (stage === 1) return void socket.write(message('R', Buffer.from([0, 0, 0, 3]))); // AuthenticationCleartextPassword
      if (stage > 2) return;
      const fields = ['SFATAL', 'VFATAL', 'C28P01', 'Mpassword authentication failed for user "toolrisk"'];
      socket.end(message('E', Buffer.concat([...fields.map((f) => Buffer.from(`${f}\0`)), Buffer.from([0])])));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe('PostgreSQL failures name their cause', () => {
  it('nothing listening: connection refused, with the hint', async () => {
    const result = await toolrisk(['db', 'status'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/nothing accepts connections at 127\.0\.0\.1:1 \(connection refused\)\. Check that PostgreSQL is running/);
  });

  it('a wrong password: says so, with the user, and masks the password', async () => {
    const { port, server } = await passwordRefusingServer();
    try {
      const result = await toolrisk(['db', 'status'], { DATABASE_URL: `postgres://toolrisk:hunter2@127.0.0.1:${port}/catalogue` });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/refused the password of user toolrisk \(wrong password\)/);
      expect(result.stderr).not.toContain('hunter2');
    } finally {
      server.close();
    }
  });

  it.runIf(process.env.TEST_DATABASE_URL)('a database that does not exist', async () => {
    const url = new URL(process.env.TEST_DATABASE_URL!);
    url.pathname = '/toolrisk_no_such_database';
    const result = await toolrisk(['db', 'status'], { DATABASE_URL: url.toString() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/has no database toolrisk_no_such_database: create it/);
  });
});
