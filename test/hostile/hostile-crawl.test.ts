import { randomUUID } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCrawl, type RemoteTarget, type StdioTarget } from '../../crawler/index.ts';
import type { NetworkPolicy } from '../../crawler/net/index.ts';
import type { Outcome } from '../../db/index.ts';
import { crawlAttempts, getServer, serverToolSet, toolDefinitions } from '../../db/index.ts';
import { startHostileHttp, type HostileHttp } from '../fixtures/hostile/http-server.ts';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';
import { processesMarked, remoteTarget, sourced, stdioTarget, SUITE_LIMITS } from './cases.ts';
import { probeBwrap } from '../../crawler/sandbox/command.ts';
import { runningSandboxes } from '../../crawler/sandbox/index.ts';

const bwrapWorks = (await probeBwrap(process.getuid?.() === 0 ? 1_999_999_998 : undefined)).ok;

const SECRET = `sk-fake-crawler-secret-${randomUUID()}`;

interface Case {
  serverId: string;
  /** The same server while it still behaved: crawled fine in the first run. */
  good: () => StdioTarget | RemoteTarget;
  hostile: () => StdioTarget | RemoteTarget;
  outcome: Outcome;
  error?: RegExp;
  details?: Record<string, unknown>;
}

describe('hostile servers in one crawl run', () => {
  beforeAll(() => {
    process.env.TOOLRISK_FAKE_SECRET = SECRET;
  });
  afterAll(() => {
    delete process.env.TOOLRISK_FAKE_SECRET;
  });

  // The backends' runs go on at once: each waits out its hostile servers' timeouts.
  describe.concurrent.each(testBackends())('on $name', (backend) => {
    const mark = randomUUID();
    let db: TestDatabase;
    let http: HostileHttp;
    let listener: Server;
    let tcpConnections = 0;
    let cases: Case[];

    // Loopback fixtures need the private network; the allowlist keeps everything else out.
    const policy: NetworkPolicy = { allowPrivateNetwork: true, allowHosts: ['127.0.0.1'] };
    const crawlOptions = () => ({ limits: SUITE_LIMITS, network: policy, retry: { retries: 0, baseDelayMs: 10 }, concurrency: 4 });

    beforeAll(async () => {
      db = await backend.create();
      http = await startHostileHttp();
      listener = createServer((socket) => (tcpConnections++, socket.destroy()));
      await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
      const port = String((listener.address() as { port: number }).port);

      const stdio = (mode: string, outcome: Outcome, error?: RegExp, argument?: string): Case => {
        const serverId = `hostile:${mode}`;
        return { serverId, good: () => stdioTarget(serverId, 'ok', mark), hostile: () => stdioTarget(serverId, mode, mark, argument), outcome, error };
      };
      const remote = (
        name: string,
        path: string,
        transport: RemoteTarget['transport'],
        outcome: Outcome,
        error?: RegExp,
        details?: Record<string, unknown>,
      ): Case => {
        const serverId = `hostile:http-${name}`;
        return {
          serverId,
          good: () => remoteTarget(serverId, http.url('/mcp'), 'streamable-http'),
          hostile: () => remoteTarget(serverId, http.url(path), transport),
          outcome,
          error,
          details,
        };
      };
      cases = [
        stdio('hang-initialize', 'timeout', /timed out/i),
        stdio('hang-list', 'timeout', /timed out/i),
        stdio('crash-mid-pagination', 'crashed', /exited|closed/),
        stdio('garbage-stdout', 'protocol_error', /not JSON-RPC/),
        stdio('invalid-jsonrpc', 'protocol_error', /not JSON-RPC/),
        // 3 MB is past the 2 MB limit and quick to write on a busy machine; memory.test.ts sends 50 MB.
        stdio('huge-description', 'listing_too_large', /larger than 2097152 bytes/, String(3 * 1024 * 1024)),
        // 100,000 tools in one page pass the message limit; paged, they pass the tool limit.
        stdio('many-tools', 'listing_too_large', /larger than 2097152 bytes/),
        { ...stdio('many-tools', 'too_many_tools', /more than 2000 tools/, '5000'), serverId: 'hostile:many-tools-paged' },
        stdio('endless-same-cursor', 'protocol_error', /repeated the tools\/list cursor/),
        stdio('endless-new-cursor', 'too_many_pages', /20 pages/),
        stdio('drip', 'timeout', /timed out/i),
        // A page every 2 s: the deadline ends it long before the page limit would (20 pages, 40 s).
        stdio('slow-endless-cursor', 'deadline_exceeded', new RegExp(`within ${SUITE_LIMITS.deadlineMs} ms`), '2000'),
        stdio('orphan-child', 'ok'),
        stdio('print-env', 'ok'),
        stdio('escape-fs', 'ok', undefined, '/root'),
        stdio('network-during-listing', 'ok', undefined, port),
        remote('500', '/status-500', 'auto', 'http_error', /internal error, on purpose/, { httpStatus: 500 }),
        remote('429', '/status-429', 'auto', 'http_error', /slow down/, { httpStatus: 429 }),
        remote('redirect', `/redirect?to=${encodeURIComponent('http://169.254.169.254/latest/meta-data/')}`, 'auto', 'http_error', /169\.254\.169\.254/),
        remote('sse-endless', '/sse-endless', 'sse', 'protocol_error', /passed 2097152 bytes/),
        remote('sse-endless-auto', '/sse-endless', 'auto', 'timeout', /timed out/),
      ];
    });

    const onlyDescription = async (serverId: string) => (await serverToolSet(db.orm, serverId))[0].definition.description!;

    afterAll(async () => {
      await http?.close();
      await new Promise((resolve) => listener?.close(resolve));
      await db?.dispose();
    });

    it('crawls every hostile case, stores the good servers and keeps earlier snapshots', async () => {
      const first = await runCrawl(
        db.orm,
        cases.map((c) => sourced(c.serverId, c.good())),
        crawlOptions(),
      );
      expect(first.outcomes).toEqual({ ok: cases.length });
      const before = new Map(await Promise.all(cases.map(async (c) => [c.serverId, (await getServer(db.orm, c.serverId))!.toolsetHash] as const)));

      const wellBehaved = [
        sourced('good:stdio', stdioTarget('good:stdio', 'ok', mark)),
        sourced('good:http', remoteTarget('good:http', http.url('/mcp'), 'streamable-http')),
      ];
      const second = await runCrawl(db.orm, [...cases.map((c) => sourced(c.serverId, c.hostile())), ...wellBehaved], crawlOptions());
      expect(second.status).toBe('completed');

      const attempts = await db.orm.select().from(crawlAttempts);
      const ofRun = new Map(attempts.filter((a) => a.runId === second.runId).map((a) => [a.serverId, a]));
      for (const c of cases) {
        const attempt = ofRun.get(c.serverId)!;
        const seen = { server: c.serverId, outcome: attempt.outcome, error: attempt.error };
        expect(seen).toEqual({ server: c.serverId, outcome: c.outcome, error: c.error ? expect.stringMatching(c.error) : null });
        if (c.details) expect(attempt.details).toMatchObject(c.details);
        expect(attempt.durationMs).toBeLessThan(SUITE_LIMITS.deadlineMs + 2_000);
        // A failed attempt leaves the snapshot of the first run in place.
        if (c.outcome !== 'ok') expect((await getServer(db.orm, c.serverId))!.toolsetHash).toBe(before.get(c.serverId));
      }
      expect(ofRun.get('hostile:crash-mid-pagination')!.stderr).toContain('crashing half-way through the listing');

      // The well-behaved servers of the same run are stored.
      expect((await serverToolSet(db.orm, 'good:stdio')).map((t) => t.name).sort()).toEqual(['delete_thing', 'read_thing']);
      expect((await serverToolSet(db.orm, 'good:http')).map((t) => t.name)).toEqual(['get_weather']);
      expect(second.outcomes.ok).toBe(cases.filter((c) => c.outcome === 'ok').length + 2);

      // Nothing is left running: no process carries this run's mark (the orphan's child included).
      expect(processesMarked(mark)).toEqual([]);

      // No secret crossed: the server that printed its environment saw only its own variables.
      const stored = JSON.stringify([await db.orm.select().from(toolDefinitions), attempts]);
      expect(stored).not.toContain(SECRET);
      const env = await onlyDescription('hostile:print-env');
      expect(env).toContain(`"TOOLRISK_HOSTILE_RUN":"${mark}"`);
      expect(env).not.toContain('TOOLRISK_FAKE_SECRET');

      // No write outside its own folder, no TCP connection during the listing (bwrap).
      const fs = await onlyDescription('hostile:escape-fs');
      const marker = /marker=(\S+)/.exec(fs)![1];
      expect(existsSync(join('/root', marker))).toBe(false);
      // Without bwrap /tmp is the host's, writable by every user (docs/sandbox.md).
      if (bwrapWorks) expect(existsSync(join('/tmp', marker))).toBe(false);
      else rmSync(join('/tmp', marker), { force: true });
      const net = await onlyDescription('hostile:network-during-listing');
      if (bwrapWorks) {
        // The argument /root is an empty scratch folder in the sandbox: the write lands there, not in /root.
        expect(fs).toMatch(/"realHome":"ok: wrote"/);
        expect(net).toMatch(/TCP attempt: refused/);
        expect(tcpConnections).toBe(0);
      }
    }, 120_000);
  });

  it('leaves no sandbox running after both runs', () => {
    expect(runningSandboxes()).toBe(0);
  });
});
