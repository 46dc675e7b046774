import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import { crawlAttempts, crawlRuns, openDatabase, servers, serverTools, type OpenOptions } from '../../db/index.ts';
import { BIN } from '../helpers/cli.ts';
import { testBackends, type TestBackend, type TestDatabase } from '../helpers/databases.ts';
import { type Exited, runProcess } from '../helpers/processes.ts';
import { seededInt, seededRandom } from '../helpers/seeded.ts';
import { FIXTURES, PROGRESS_LINE, processesMarked, RUN_MARK } from './cases.ts';

const NAMES = ['a', 'b', 'c', 'd', 'e'];
/** Where each seed kills the crawl: after this many servers are done. */
const SEEDS = [1, 3];

function writeServersFile(file: string, mark: string, mode = 'ok'): void {
  const servers = NAMES.map((name) => ({
    id: `lifecycle:${name}`,
    command: process.execPath,
    args: [join(FIXTURES, 'stdio-server.mjs'), mode],
    cwd: FIXTURES,
    env: { [RUN_MARK]: mark },
  }));
  writeFileSync(file, JSON.stringify({ servers }));
}

/** `toolrisk crawl --servers FILE`, SIGKILLed `delayMs` after `killAfter` servers are done. */
function crawl(file: string, env: Record<string, string>, killAfter?: number, delayMs = 0): Promise<Exited> {
  return runProcess([process.execPath, BIN, 'crawl', '--servers', file, '--concurrency', '1'], {
    env: { ...process.env, ...env },
    signal: killAfter === undefined ? undefined : { signal: 'SIGKILL', afterLines: killAfter, counting: PROGRESS_LINE, delayMs },
  });
}

describe.each(testBackends())('a crawl killed with SIGKILL, then the next crawl, on $name', (backend) => {
  let db: TestDatabase;
  let folder: string;
  let openOptions: OpenOptions;
  let env: Record<string, string>;

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'toolrisk-lifecycle-'));
    db = await backend.create();
    await db.close();
    openOptions = db.url ? { url: db.url, env: {} } : { dataDir: join(folder, 'data', 'db'), env: {} };
    env = db.url ? { DATABASE_URL: db.url } : { DATABASE_URL: '', TOOLRISK_DATA_DIR: join(folder, 'data') };
  });
  afterEach(async () => {
    await db.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  it.each(SEEDS)(
    'killed after %i servers: the run is swept, resumed and completed; every server crawled once; no server left running',
    async (killAfter) => {
      const mark = randomUUID();
      const file = join(folder, 'servers.json');
      writeServersFile(file, mark);
      const first = await crawl(file, env, killAfter);
      expect(first.signal, first.stderr).toBe('SIGKILL');
      // setpriv --pdeathsig takes the servers down with the crawler, even on SIGKILL.
      await expect.poll(() => processesMarked(mark), { timeout: 10_000 }).toEqual([]);

      const second = await crawl(file, env);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toMatch(/run 1 was left running: process \d+ on .+ is gone; closed as interrupted/);
      expect(second.stdout).toMatch(/completing interrupted run 1: \d+ servers were already done/);
      expect(second.stdout).toMatch(/run 1 completed: 5 servers, 5 listed/);
      const firstDone = first.stderr
        .split('\n')
        .filter((l) => /^\d+\/\d+ ok /.test(l))
        .map((l) => l.split(' ')[2]);
      const secondDone = second.stderr
        .split('\n')
        .filter((l) => /^\d+\/\d+ ok /.test(l))
        .map((l) => l.split(' ')[2]);
      // A server whose result was stored before the kill is not crawled again.
      const stored = NAMES.length - secondDone.length;
      expect(stored).toBeGreaterThanOrEqual(killAfter);
      expect(new Set([...firstDone.slice(0, stored), ...secondDone]).size).toBe(NAMES.length);

      const reopened = await openDatabase(openOptions);
      try {
        const runs = await reopened.orm.select().from(crawlRuns);
        expect(runs.map((r) => r.status)).toEqual(['completed']);
        const attempts = await reopened.orm.select().from(crawlAttempts);
        expect(attempts.map((a) => [a.serverId, a.outcome]).sort()).toEqual(NAMES.map((n) => [`lifecycle:${n}`, 'ok']));
      } finally {
        await reopened.close();
      }
      expect(processesMarked(mark)).toEqual([]);
    },
    240_000,
  );
});

/** Recrawls killed at points drawn from these seeds: after so many servers are done, then so many milliseconds. */
const RECRAWL_SEEDS = [5, 13, 29];

/** A database of the backend's kind, closed, and what a spawned command and openDatabase() need to reach it. */
async function freshDatabase(backend: TestBackend, folder: string) {
  const db = await backend.create();
  await db.close();
  const openOptions: OpenOptions = db.url ? { url: db.url, env: {} } : { dataDir: join(folder, 'data', 'db'), env: {} };
  const env: Record<string, string> = db.url ? { DATABASE_URL: db.url } : { DATABASE_URL: '', TOOLRISK_DATA_DIR: join(folder, 'data') };
  return { db, openOptions, env };
}

/** Every server's current tool set: its toolset hash and each tool's definition hash. */
async function currentToolsets(openOptions: OpenOptions): Promise<Record<string, { toolsetHash: string | null; tools: string[] }>> {
  const db = await openDatabase(openOptions);
  try {
    const sets: Record<string, { toolsetHash: string | null; tools: string[] }> = {};
    for (const row of await db.orm.select({ id: servers.id, toolsetHash: servers.toolsetHash }).from(servers).orderBy(asc(servers.id))) {
      sets[row.id] = { toolsetHash: row.toolsetHash, tools: [] };
    }
    const tools = await db.orm.select().from(serverTools).orderBy(asc(serverTools.serverId), asc(serverTools.name));
    for (const tool of tools) sets[tool.serverId].tools.push(`${tool.name}=${tool.hash}`);
    return sets;
  } finally {
    await db.close();
  }
}

describe.each(testBackends())('a recrawl killed with SIGKILL at seeded points, then the next crawl, on $name', (backend) => {
  let folder: string;
  let disposals: TestDatabase[];

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'toolrisk-recrawl-'));
    disposals = [];
  });
  afterEach(async () => {
    for (const db of disposals) await db.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  it.each(RECRAWL_SEEDS)(
    'seed %i: no earlier snapshot lost or half-written; after the pair every tool set equals a clean crawl',
    async (seed) => {
      const random = seededRandom(seed);
      const killAfter = seededInt(random, 1, NAMES.length - 1);
      const delayMs = seededInt(random, 0, 150);
      const mark = randomUUID();
      const before = join(folder, 'before.json');
      const after = join(folder, 'after.json');
      writeServersFile(before, mark, 'ok');
      writeServersFile(after, mark, 'hostile-info');

      // What a clean crawl of the changed servers stores, in a database of its own.
      const clean = await freshDatabase(backend, join(folder, 'clean'));
      disposals.push(clean.db);
      expect((await crawl(after, clean.env)).code).toBe(0);
      const expected = await currentToolsets(clean.openOptions);

      const live = await freshDatabase(backend, join(folder, 'live'));
      disposals.push(live.db);
      const first = await crawl(before, live.env);
      expect(first.code, first.stderr).toBe(0);
      const earlier = await currentToolsets(live.openOptions);
      expect(Object.keys(earlier)).toEqual(Object.keys(expected));

      const killed = await crawl(after, live.env, killAfter, delayMs);
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      await expect.poll(() => processesMarked(mark), { timeout: 10_000 }).toEqual([]);
      // Each server holds either its earlier snapshot, whole, or the new one, whole: never a mix, never nothing.
      const midway = await currentToolsets(live.openOptions);
      for (const [id, set] of Object.entries(midway)) expect([earlier[id], expected[id]], id).toContainEqual(set);

      const next = await crawl(after, live.env);
      expect(next.code, next.stderr).toBe(0);
      expect(await currentToolsets(live.openOptions)).toEqual(expected);
      expect(processesMarked(mark)).toEqual([]);
    },
    240_000,
  );
});
