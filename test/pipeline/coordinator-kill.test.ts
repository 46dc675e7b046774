import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlAttempts, crawlRuns } from '../../db/index.ts';
import { createPostgres, type TestDatabase } from '../helpers/databases.ts';
import { startCli, startFixture, type Running } from './helpers.ts';

const adminUrl = process.env.TEST_DATABASE_URL;
const SERVERS = 24;

describe.skipIf(!adminUrl)('a distributed coordinator killed with SIGKILL (PostgreSQL)', () => {
  const running: Running[] = [];
  let db: TestDatabase | undefined;
  // Made before the tests, not while the file is collected: a skipped suite runs no afterAll to remove it.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-coordinator-kill-'));
  });
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop('SIGKILL')));
    await db?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the workers finish its jobs and the run is closed completed, each server crawled once; `status` never shows it live once done', {
    timeout: 180_000,
  }, async () => {
    db = await createPostgres(adminUrl!);
    const fixture = startFixture('test/pipeline/fixtures/many-servers.ts', [String(SERVERS), '1000']);
    running.push(fixture);
    const [, base] = await fixture.waitFor(/"base":"([^"]+)"/);
    const file = path.join(dir, 'servers.json');
    writeFileSync(
      file,
      JSON.stringify({ servers: Array.from({ length: SERVERS }, (_, i) => ({ id: `kill-${i}`, url: `${base}${i}`, transport: 'streamable-http' })) }),
    );

    const env = { DATABASE_URL: db.url, TOOLRISK_RUN_LEASE_SECONDS: '4' };
    const timing = ['--maintenance-seconds', '1', '--poll-seconds', '1'];
    const worker = startCli(['worker', '--concurrency', '3', '--name', 'survivor', ...timing], env);
    running.push(worker);
    await worker.waitFor(/is taking crawl jobs/);
    const coordinator = startCli(
      ['crawl', '--distributed', '--servers', file, '--allow-private-network', '--allow-host', '127.0.0.1', ...timing.slice(0, 2)],
      env,
    );
    running.push(coordinator);
    await coordinator.waitFor(/: ([3-9]|1\d)\/24 servers done/, 120_000);
    coordinator.child.kill('SIGKILL');
    expect(await coordinator.exited).toBe('SIGKILL');

    await expect
      .poll(async () => (await db!.orm.select({ status: crawlRuns.status }).from(crawlRuns)).map((r) => r.status), { timeout: 90_000, interval: 1_000 })
      .toEqual(['completed']);
    const [run] = await db.orm.select().from(crawlRuns);
    expect(run.summary).toMatchObject({ servers: SERVERS, outcomes: { ok: SERVERS }, sweptBecause: expect.stringMatching(/is gone/) });
    const perServer = await db.orm
      .select({ n: sql<number>`count(*)::int` })
      .from(crawlAttempts)
      .where(eq(crawlAttempts.runId, run.id))
      .groupBy(crawlAttempts.serverId);
    expect(perServer).toHaveLength(SERVERS);
    expect(perServer.every((row) => Number(row.n) === 1)).toBe(true);

    const status = startCli(['status'], env);
    expect(await status.exited).toBe(0);
    expect(status.stdout()).toMatch(new RegExp(`run ${run.id}: completed \\(distributed\\)`));
  });

  it('a distributed crawl interrupted before any worker came is resumed by the next `crawl --distributed`: its cancelled jobs go back to work', {
    timeout: 180_000,
  }, async () => {
    const resumeDb = await createPostgres(adminUrl!);
    try {
      const fixture = startFixture('test/pipeline/fixtures/many-servers.ts', ['6', '200']);
      running.push(fixture);
      const [, base] = await fixture.waitFor(/"base":"([^"]+)"/);
      const file = path.join(dir, 'resume.json');
      writeFileSync(
        file,
        JSON.stringify({ servers: Array.from({ length: 6 }, (_, i) => ({ id: `resume-${i}`, url: `${base}${i}`, transport: 'streamable-http' })) }),
      );
      const env = { DATABASE_URL: resumeDb.url };
      const args = ['crawl', '--distributed', '--servers', file, '--allow-private-network', '--allow-host', '127.0.0.1', '--maintenance-seconds', '1'];
      const first = startCli(args, env);
      running.push(first);
      await first.waitFor(/waiting for workers/);
      first.child.kill('SIGTERM');
      await first.exited;
      expect((await resumeDb.orm.select().from(crawlRuns)).map((r) => r.status)).toEqual(['interrupted']);

      const worker = startCli(['worker', '--name', 'late', '--maintenance-seconds', '1', '--poll-seconds', '1'], env);
      running.push(worker);
      await worker.waitFor(/is taking crawl jobs/);
      const second = startCli(args, env);
      running.push(second);
      expect(await second.exited, second.output()).toBe(0);
      expect(second.stdout()).toMatch(/completing interrupted run 1: 0 servers were already done/);
      expect(second.stdout()).toMatch(/run 1 completed: 6 servers/);
      const runs = await resumeDb.orm.select().from(crawlRuns);
      expect(runs.map((r) => [r.id, r.status])).toEqual([[1, 'completed']]);
      const attempts = await resumeDb.orm.select().from(crawlAttempts);
      expect(attempts.filter((a) => a.outcome === 'ok')).toHaveLength(6);
      await worker.stop();
    } finally {
      await resumeDb.dispose();
    }
  });
});
