import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crawlAttempts, crawlRuns, openDatabase, type OpenOptions } from '../../db/index.ts';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';
import { FIXTURES, processesMarked, RUN_MARK } from './cases.ts';

const BIN = fileURLToPath(new URL('../../cli/bin.js', import.meta.url));
const NAMES = ['a', 'b', 'c', 'd', 'e'];
/** Where each seed kills the crawl: after this many servers are done. */
const SEEDS = [1, 3];

function writeServersFile(file: string, mark: string): void {
  const servers = NAMES.map((name) => ({
    id: `lifecycle:${name}`,
    command: process.execPath,
    args: [join(FIXTURES, 'stdio-server.mjs'), 'ok'],
    cwd: FIXTURES,
    env: { [RUN_MARK]: mark },
  }));
  writeFileSync(file, JSON.stringify({ servers }));
}

/** `toolrisk crawl --servers FILE`, SIGKILLed once `killAfter` servers are done. */
function crawl(
  file: string,
  env: Record<string, string>,
  killAfter?: number,
): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [BIN, 'crawl', '--servers', file, '--concurrency', '1'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const done = stderr.split('\n').filter((line) => /^\d+\/\d+ /.test(line)).length;
      if (killAfter !== undefined && done >= killAfter) proc.kill('SIGKILL');
    });
    proc.on('error', reject);
    proc.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
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
