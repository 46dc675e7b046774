import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crawlAttempts, getRun, openDatabase, type Database } from '../../db/index.ts';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';
import { processesMarked } from './cases.ts';

const child = fileURLToPath(new URL('./interrupt-child.ts', import.meta.url));

/** Runs the crawler process; sends SIGTERM once `signalAfter` servers are done. */
function crawlProcess(args: object, signalAfter?: number): Promise<{ code: number | null; stdout: string; pid: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let done = 0;
    proc.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      done = stdout.split('\n').filter((l) => l.startsWith('done ')).length;
      if (signalAfter !== undefined && done >= signalAfter && !proc.killed) setTimeout(() => proc.kill('SIGTERM'), 300);
    });
    proc.on('error', reject);
    proc.on('close', (code) => resolve({ code, stdout, pid: proc.pid! }));
  });
}

describe.each(testBackends())('a crawl interrupted by SIGTERM on $name', (backend) => {
  let db: TestDatabase;
  let reopened: Database | undefined;
  beforeEach(async () => {
    db = await backend.create();
    await db.close(); // the crawler process opens it
  });
  afterEach(async () => {
    await reopened?.close();
    await db.dispose();
  });

  it('is marked interrupted with its finished attempts kept, leaves no server running, and the next crawl completes it', async () => {
    const mark = randomUUID();
    const first = await crawlProcess({ openOptions: db.openOptions, mark, mode: 'hanging' }, 2);
    expect(first.code).toBe(143);
    expect(processesMarked(mark)).toEqual([]);

    reopened = await openDatabase(db.openOptions);
    const [run] = await Promise.all([getRun(reopened.orm, 1)]);
    expect(run).toMatchObject({ status: 'interrupted' });
    const attempts = await reopened.orm.select().from(crawlAttempts);
    const byServer = Object.fromEntries(attempts.map((a) => [a.serverId, a.outcome]));
    // c and d were cut while listing; e, still queued, is recorded as interrupted before it started.
    expect(byServer).toEqual({ 'interrupt:a': 'ok', 'interrupt:b': 'ok', 'interrupt:c': 'interrupted', 'interrupt:d': 'interrupted', 'interrupt:e': 'interrupted' });
    await reopened.close();
    reopened = undefined;

    // The next crawl (the servers behave now) completes the same run: only c, d and e are crawled.
    const second = await crawlProcess({ openOptions: db.openOptions, mark, mode: 'healthy' });
    expect(second.code).toBe(0);
    expect(second.stdout.split('\n').filter((l) => l.startsWith('done ')).sort()).toEqual(['done interrupt:c ok', 'done interrupt:d ok', 'done interrupt:e ok']);
    const summary = JSON.parse(/^summary (.*)$/m.exec(second.stdout)![1]);
    expect(summary).toMatchObject({ runId: 1, status: 'completed', servers: 5, outcomes: { ok: 5 }, resumed: { runId: 1, alreadyDone: 2 } });

    reopened = await openDatabase(db.openOptions);
    expect(await getRun(reopened.orm, 1)).toMatchObject({ status: 'completed', summary: { outcomes: { ok: 5 }, servers: 5, sittings: 2 } });
    expect(await getRun(reopened.orm, 2)).toBeUndefined();
    const final = await reopened.orm.select().from(crawlAttempts);
    expect(final.map((a) => [a.serverId, a.outcome]).sort()).toEqual(['a', 'b', 'c', 'd', 'e'].map((n) => [`interrupt:${n}`, 'ok']));
    expect(processesMarked(mark)).toEqual([]);
  });
});
