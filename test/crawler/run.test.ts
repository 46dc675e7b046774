import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CrawlQueue, DEFAULT_QUEUE_LIMITS, runCrawl, type RemoteTarget, type SourcedServer } from '../../crawler/index.ts';
import { crawlAttempts, getRun } from '../../db/index.ts';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';
import { startStreamableHttp, type RunningHttpServer } from '../fixtures/servers/http.ts';
import { buildListingServer } from '../fixtures/servers/listing-server.ts';
import { buildNotesServer } from '../fixtures/servers/notes-server.ts';
import { LOOPBACK_ONLY } from './helpers.ts';

describe('CrawlQueue', () => {
  it('keeps local and remote attempts to their own limits, and remote ones to the limit per host', async () => {
    const queue = new CrawlQueue({ concurrency: 2, remoteConcurrency: 3, perHost: 1 });
    const running = { local: 0, remote: 0 };
    const most = { local: 0, remote: 0 };
    const perHost = new Map<string, number>();
    let mostPerHost = 0;
    const task = (host: string | undefined) =>
      queue.run(host, async () => {
        const pool = host ? 'remote' : 'local';
        running[pool] += 1;
        most[pool] = Math.max(most[pool], running[pool]);
        if (host) {
          perHost.set(host, (perHost.get(host) ?? 0) + 1);
          mostPerHost = Math.max(mostPerHost, perHost.get(host)!);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
        if (host) perHost.set(host, perHost.get(host)! - 1);
        running[pool] -= 1;
        return host;
      });
    const hosts = ['a', 'a', 'b', 'b', 'c', 'd', 'e', undefined, undefined, undefined, undefined];
    expect(await Promise.all(hosts.map(task))).toEqual(hosts);
    expect(most).toEqual({ local: 2, remote: 3 });
    expect(mostPerHost).toBe(1);
  });

  it('gives remote targets a higher default limit than local ones', async () => {
    expect(DEFAULT_QUEUE_LIMITS.remoteConcurrency).toBeGreaterThanOrEqual(8 * DEFAULT_QUEUE_LIMITS.concurrency);
    const queue = new CrawlQueue();
    let running = 0;
    let most = 0;
    const hosts = Array.from({ length: DEFAULT_QUEUE_LIMITS.remoteConcurrency + 50 }, (_, i) => `h${i}`);
    await Promise.all(
      hosts.map((h) =>
        queue.run(h, async () => {
          most = Math.max(most, ++running);
          await new Promise((resolve) => setTimeout(resolve, 20));
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(DEFAULT_QUEUE_LIMITS.remoteConcurrency);
  });
});

/** The notes server over Streamable HTTP, answering its first `failures` requests with `status`. */
async function flakyServer(status: number, failures: number): Promise<RunningHttpServer & { failed: () => number }> {
  let failed = 0;
  const server = await startStreamableHttp(
    () => buildNotesServer(),
    (_req, res) => {
      if (failed >= failures) return false;
      failed += 1;
      res.writeHead(status).end('try later');
      return true;
    },
  );
  return { ...server, failed: () => failed };
}

const remote = (serverId: string, url: string): SourcedServer => ({
  server: { id: serverId, sources: ['test'] },
  targets: [{ kind: 'remote', serverId, url, transport: 'streamable-http', headers: {} } satisfies RemoteTarget],
});

describe.each(testBackends())('runCrawl on $name', (backend) => {
  let db: TestDatabase;
  const servers: Array<{ close(): Promise<void> }> = [];
  beforeEach(async () => (db = await backend.create()));
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
    await db.dispose();
  });

  it('retries 503 with backoff until it works, and never retries 404', async () => {
    const flaky = await flakyServer(503, 2);
    const missing = await flakyServer(404, 1000);
    servers.push(flaky, missing);
    const waits: number[] = [];
    const summary = await runCrawl(db.orm, [remote('flaky', flaky.url), remote('missing', missing.url)], {
      ...LOOPBACK_ONLY,
      retry: { retries: 3, baseDelayMs: 100, sleep: async (ms) => void waits.push(ms) },
    });
    expect(summary.outcomes).toEqual({ ok: 1, http_error: 1 });
    expect(flaky.failed()).toBe(2);
    expect(missing.failed()).toBe(1);
    expect(waits).toEqual([100, 200]);
    const attempts = await db.orm.select().from(crawlAttempts);
    expect(attempts.find((a) => a.serverId === 'flaky')).toMatchObject({ outcome: 'ok', details: expect.objectContaining({ retries: 2 }) });
    expect(attempts.find((a) => a.serverId === 'missing')).toMatchObject({ outcome: 'http_error', details: { httpStatus: 404 } });
  });

  it('an abort during the run interrupts the running attempt and marks the run interrupted', async () => {
    const hanging = await startStreamableHttp(() => buildListingServer({ pages: [], hang: true }));
    servers.push(hanging);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const summary = await runCrawl(db.orm, [remote('hangs', hanging.url)], {
      ...LOOPBACK_ONLY,
      signal: controller.signal,
      limits: { requestTimeoutMs: 60_000 },
    });
    expect(summary).toMatchObject({ status: 'interrupted', outcomes: { interrupted: 1 } });
    expect((await getRun(db.orm, summary.runId))!.status).toBe('interrupted');
    expect(await db.orm.select().from(crawlAttempts)).toEqual([expect.objectContaining({ serverId: 'hangs', outcome: 'interrupted' })]);
  });
});
