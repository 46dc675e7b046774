import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crawlAttempts, getRun, openDatabase, type Database, type OpenOptions } from '../../db/index.ts';
import { BIN } from '../helpers/cli.ts';
import { copyMigratedPglite, testBackends, type TestDatabase } from '../helpers/databases.ts';
import { type Exited, runProcess } from '../helpers/processes.ts';
import { FIXTURES, PROGRESS_LINE, processesMarked, RUN_MARK } from './cases.ts';

const NAMES = ['a', 'b', 'c', 'd', 'e'];

/** A servers file of five fixture servers; with `hanging`, all but the first two hang on tools/list. */
function writeServersFile(file: string, mark: string, hanging: boolean): void {
  const servers = NAMES.map((name, index) => ({
    id: `interrupt:${name}`,
    command: process.execPath,
    args: [join(FIXTURES, 'stdio-server.mjs'), 'ok'],
    cwd: FIXTURES,
    // The mode is in the environment, so the command line (the attempt's name) stays the same.
    env: { [RUN_MARK]: mark, ...(hanging && index >= 2 ? { FIXTURE_MODE: 'hang-list' } : {}) },
  }));
  writeFileSync(file, JSON.stringify({ servers }));
}

/** `toolrisk crawl --servers FILE`; sends SIGTERM 300 ms after `signalAfter` servers are done. */
function crawl(file: string, env: Record<string, string>, signalAfter?: number): Promise<Exited> {
  return runProcess([process.execPath, BIN, 'crawl', '--servers', file, '--concurrency', '2', '--timeout', '60'], {
    env: { ...process.env, ...env },
    signal: signalAfter === undefined ? undefined : { signal: 'SIGTERM', afterLines: signalAfter, counting: PROGRESS_LINE, delayMs: 300 },
  });
}

// The backends' crawls go on at once: most of each is waiting on processes.
describe.concurrent.each(testBackends())('toolrisk crawl interrupted by SIGTERM on $name', (backend) => {
  let db: TestDatabase;
  let folder: string;
  let openOptions: OpenOptions;
  let env: Record<string, string>;
  let reopened: Database | undefined;

  beforeEach(async () => {
    folder = mkdtempSync(join(tmpdir(), 'toolrisk-interrupt-'));
    db = await backend.create();
    await db.close(); // the crawl processes open it
    if (db.url) {
      openOptions = { url: db.url, env: {} };
      env = { DATABASE_URL: db.url };
    } else {
      openOptions = { dataDir: join(folder, 'data', 'db'), env: {} };
      copyMigratedPglite(openOptions.dataDir!);
      env = { DATABASE_URL: '', TOOLRISK_DATA_DIR: join(folder, 'data') };
    }
  });
  afterEach(async () => {
    await reopened?.close();
    reopened = undefined;
    await db.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  async function inDatabase<T>(read: (db: Database) => Promise<T>): Promise<T> {
    reopened = await openDatabase(openOptions);
    try {
      return await read(reopened);
    } finally {
      await reopened.close();
      reopened = undefined;
    }
  }

  it('marks the run interrupted, keeps finished attempts, leaves no server running; the next crawl completes it', async () => {
    const mark = randomUUID();
    const file = join(folder, 'servers.json');
    writeServersFile(file, mark, true);
    const first = await crawl(file, env, 2);
    expect(first.stderr).toMatch(/SIGTERM: stopping/);
    expect(first.code).toBe(143);
    expect(processesMarked(mark)).toEqual([]);

    await inDatabase(async (db) => {
      expect(await getRun(db.orm, 1)).toMatchObject({ status: 'interrupted', finishedAt: expect.any(Date) });
      const attempts = await db.orm.select().from(crawlAttempts);
      // a and b finished; c and d were cut while listing; e, still queued, is recorded as interrupted before it started.
      expect(Object.fromEntries(attempts.map((a) => [a.serverId, a.outcome]))).toEqual({
        'interrupt:a': 'ok',
        'interrupt:b': 'ok',
        'interrupt:c': 'interrupted',
        'interrupt:d': 'interrupted',
        'interrupt:e': 'interrupted',
      });
    });

    // The servers behave now; the same crawl completes run 1, crawling only c, d and e.
    writeServersFile(file, mark, false);
    const second = await crawl(file, env);
    expect(second.code).toBe(0);
    expect(
      second.stderr
        .split('\n')
        .filter((line) => PROGRESS_LINE.test(line))
        .map((line) => line.split(' ').slice(1).join(' '))
        .sort(),
    ).toEqual(['ok interrupt:c', 'ok interrupt:d', 'ok interrupt:e']);
    expect(second.stdout).toMatch(/completing interrupted run 1: 2 servers were already done/);
    expect(second.stdout).toMatch(/run 1 completed: 5 servers, 5 listed/);

    await inDatabase(async (db) => {
      expect(await getRun(db.orm, 1)).toMatchObject({ status: 'completed', summary: { servers: 5, outcomes: { ok: 5 }, sittings: 2 } });
      expect(await getRun(db.orm, 2)).toBeUndefined();
      const attempts = await db.orm.select().from(crawlAttempts);
      expect(attempts.map((a) => [a.serverId, a.outcome]).sort()).toEqual(NAMES.map((n) => [`interrupt:${n}`, 'ok']));
    });
    expect(processesMarked(mark)).toEqual([]);
    // Two crawls of five servers, each a CLI process: ≈ 23 s alone, and three times that beside the whole suite on a
    // slow disk (a CI run on 2026-12-03 timed out at the default 60 s).
  }, 180_000);
});
