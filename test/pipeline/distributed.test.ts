import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlAttempts, crawlRuns, getRun, serverTools } from '../../db/index.ts';
import { toolrisk } from '../helpers/cli.ts';
import { createPostgres, type TestDatabase } from '../helpers/databases.ts';
import { startCli, startFixture, type Running } from './helpers.ts';

const adminUrl = process.env.TEST_DATABASE_URL;
const SERVERS = 60;

/**
 * 60 loopback Streamable HTTP servers in one process, each listing its three tools slowly (1.5 s, longer than a
 * worker's polling interval), so a worker always holds jobs while work remains. Returns a servers file for them.
 */
async function startFixtures(dir: string): Promise<{ process: Running; file: string }> {
  const fixture = startFixture('test/pipeline/fixtures/many-servers.ts', [String(SERVERS), '1500']);
  const [, base] = await fixture.waitFor(/"base":"([^"]+)"/);
  const servers = Array.from({ length: SERVERS }, (_, i) => ({
    id: `fixture-${String(i).padStart(2, '0')}`,
    url: `${base}${i}`,
    transport: 'streamable-http',
  }));
  const file = path.join(dir, 'servers.json');
  writeFileSync(file, JSON.stringify({ servers }));
  return { process: fixture, file };
}

describe.skipIf(!adminUrl)('distributed crawl on PostgreSQL (pg-boss)', () => {
  let db: TestDatabase;
  let dir: string;
  let fixtures: Awaited<ReturnType<typeof startFixtures>>;
  const workers: Running[] = [];
  const others: Running[] = [];
  const track = (process: Running) => (others.push(process), process);

  beforeAll(async () => {
    db = await createPostgres(adminUrl!);
    dir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-distributed-'));
    fixtures = await startFixtures(dir);
  });

  afterAll(async () => {
    await Promise.all([...workers, ...others].map((p) => p.stop('SIGKILL')));
    await fixtures?.process.stop();
    await db?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('two workers and a coordinator crawl 60 servers; one worker is SIGKILLed part-way and nothing is lost; run --distributed uses the workers', {
    timeout: 180_000,
  }, async () => {
    const env = { DATABASE_URL: db.url };
    const timing = ['--maintenance-seconds', '1', '--poll-seconds', '1'];
    workers.push(startCli(['worker', '--concurrency', '3', '--name', 'worker-a', ...timing], env));
    workers.push(startCli(['worker', '--concurrency', '3', '--name', 'worker-b', ...timing], env));
    await Promise.all(workers.map((w) => w.waitFor(/is taking crawl jobs/)));
    const [victim, survivor] = workers;

    // The coordinator: enqueues one job per server, follows the run, closes it.
    const coordinator = track(
      startCli(
        [
          'crawl',
          '--distributed',
          '--servers',
          fixtures.file,
          '--allow-private-network',
          '--allow-host',
          '127.0.0.1',
          '--deadline',
          '20',
          '--lease',
          '15',
          '--retries',
          '3',
          '--retry-delay',
          '1',
          '--maintenance-seconds',
          '1',
        ],
        env,
      ),
    );
    await coordinator.waitFor(/: (1[5-9]|[2-5]\d)\/60 servers done/, 120_000);
    victim.child.kill('SIGKILL');
    expect(await coordinator.exited, coordinator.output()).toBe(0);
    expect(coordinator.stdout()).toMatch(/run \d+ completed: 60 servers, 60 listed, 180 tool changes/);
    expect(await victim.exited).toBe('SIGKILL');

    const [run] = await db.orm.select().from(crawlRuns);
    expect((await getRun(db.orm, run.id))?.status).toBe('completed');

    // Every server ends with exactly one attempt in the run, listing its three tools.
    const perServer = await db.orm
      .select({ serverId: crawlAttempts.serverId, n: sql<number>`count(*)::int`, outcome: sql<string>`min(${crawlAttempts.outcome})` })
      .from(crawlAttempts)
      .where(eq(crawlAttempts.runId, run.id))
      .groupBy(crawlAttempts.serverId);
    expect(perServer).toHaveLength(SERVERS);
    expect(perServer.every((row) => Number(row.n) === 1 && row.outcome === 'ok')).toBe(true);
    const [tools] = await db.orm.select({ n: sql<number>`count(*)::int` }).from(serverTools);
    expect(Number(tools.n)).toBe(SERVERS * 3);

    // Both workers crawled; the jobs the killed worker held were retried by the survivor after their lease.
    const attempts = await db.orm.select({ details: crawlAttempts.details }).from(crawlAttempts).where(eq(crawlAttempts.runId, run.id));
    const byWorker = (name: string) => attempts.filter((a) => a.details?.worker === name).length;
    expect(byWorker('worker-a')).toBeGreaterThan(0);
    expect(byWorker('worker-b')).toBeGreaterThan(0);
    expect(byWorker('worker-a') + byWorker('worker-b')).toBe(SERVERS);
    const retried = attempts.filter((a) => Number(a.details?.tries ?? 1) > 1);
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.some((a) => a.details?.worker === 'worker-b')).toBe(true);

    // `toolrisk status` shows the finished run across both workers.
    const status = track(startCli(['status', '--json'], { DATABASE_URL: db.url }));
    expect(await status.exited).toBe(0);
    const shown = JSON.parse(status.output().slice(status.output().indexOf('{')));
    expect(shown.run).toMatchObject({ id: run.id, status: 'completed', servers: SERVERS, distributed: true });
    expect(shown.progress.serversDone).toBe(SERVERS);
    expect(Object.keys(shown.progress.byWorker).sort()).toEqual(['worker-a', 'worker-b']);
    expect(shown.queue).toMatchObject({ waiting: 0, active: 0 });

    // `toolrisk run --distributed`: the whole pipeline, its crawl done by the surviving worker.
    const some = ['fixture-00', 'fixture-01', 'fixture-02', 'fixture-03', 'fixture-04', 'fixture-05'];
    const pipeline = track(
      startCli(
        [
          'run',
          '--distributed',
          '--servers',
          fixtures.file,
          '--only',
          ...some,
          '--allow-private-network',
          '--allow-host',
          '127.0.0.1',
          '--fresh-for',
          '0',
          '--no-build',
          '--json',
        ],
        env,
      ),
    );
    expect(await pipeline.exited, pipeline.output()).toBe(0);
    const summary = JSON.parse(pipeline.stdout());
    expect(summary.crawl).toMatchObject({ status: 'completed', servers: 6, outcomes: { ok: 6 }, changes: {} });
    // `crawl` stored the tools unclassified; the pipeline classifies every current definition once.
    expect(summary.classify.classified).toBe(SERVERS * 3);
    expect(summary.catalogue).toMatchObject({ servers: SERVERS, tools: SERVERS * 3, unclassified: 0 });
    await survivor.stop();
  });
});

describe('distributed features on the embedded database', () => {
  it.each([
    ['crawl --distributed', ['crawl', '--distributed', '--servers', 'servers/default.yaml']],
    ['run --distributed', ['run', '--distributed', '--servers', 'servers/default.yaml']],
    ['worker', ['worker']],
  ])('toolrisk %s says to set DATABASE_URL and touches nothing', async (_, args) => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-no-pg-'));
    try {
      const cli = await toolrisk(args, { env: { ...process.env, DATABASE_URL: '', TOOLRISK_DATA_DIR: dataDir } });
      expect(cli.code).toBe(1);
      expect(cli.stdout + cli.stderr).toMatch(/needs PostgreSQL: the embedded database \(PGlite\) lives in one process\. Set DATABASE_URL=/);
      expect(existsSync(path.join(dataDir, 'db'))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
