import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/errors.ts';
import { crawlConfigFrom, DEFAULT_SITE_URL, runConfigFrom } from '../../cli/run-config.ts';
import { DEFAULT_QUEUE_SETTINGS } from '../../crawler/distributed/queue.ts';

const SERVERS = path.join(import.meta.dirname, '../../servers/default.yaml');
const savedUrl = process.env.DATABASE_URL;

afterEach(() => {
  if (savedUrl === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = savedUrl;
});

async function usageError(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return (error as Error).message;
}

describe('flags parsed once into the typed config', () => {
  it('a run with only --servers gets every default from the schemas', async () => {
    const config = await runConfigFrom({ servers: SERVERS });
    expect(config.freshForMs).toBe(3_600_000);
    expect(config.forceBuild).toBe(false);
    expect(config.site).toMatchObject({ siteUrl: process.env.TOOLRISK_SITE_URL ?? DEFAULT_SITE_URL, workers: undefined });
    expect(config.crawl).toMatchObject({ distributed: null, settings: { unsafeNoSandbox: false, network: { allowPrivateNetwork: false } } });
    expect(config.crawl.runOptions).toEqual({ registry: null, servers: SERVERS, since: null, only: null, limit: null });
    expect(config.sources.fromFile.length).toBeGreaterThan(0);
  });

  it('turns each group of strings into typed values', async () => {
    process.env.DATABASE_URL = 'postgres://u@127.0.0.1:5432/db';
    const config = await runConfigFrom({
      servers: SERVERS,
      timeout: '2.5',
      maxTools: '7',
      concurrency: '3',
      perHost: '1',
      freshFor: '30m',
      build: false,
      distributed: true,
      lease: '60',
      retries: '0',
      maintenanceSeconds: '5',
      limit: '2',
    });
    expect(config.crawl.settings).toMatchObject({ limits: { requestTimeoutMs: 2500, maxTools: 7 }, concurrency: 3, perHostConcurrency: 1 });
    expect(config.freshForMs).toBe(30 * 60_000);
    expect(config.site).toBeNull();
    expect(config.crawl.distributed).toEqual({
      databaseUrl: 'postgres://u@127.0.0.1:5432/db',
      queue: { leaseSeconds: 60, retryLimit: 0, retryDelaySeconds: DEFAULT_QUEUE_SETTINGS.retryDelaySeconds },
      timing: { maintenanceIntervalSeconds: 5, cronMonitorIntervalSeconds: undefined, cronWorkerIntervalSeconds: undefined },
    });
    expect(config.sources.limit).toBe(2);
  });

  it('a crawl resumes by its sources, and by how it runs', async () => {
    const local = await crawlConfigFrom({ servers: SERVERS });
    process.env.DATABASE_URL = 'postgres://u@127.0.0.1:5432/db';
    const distributed = await crawlConfigFrom({ servers: SERVERS, distributed: true });
    expect(JSON.parse(local.crawl.resumeKey!)).toEqual(local.crawl.runOptions);
    expect(JSON.parse(distributed.crawl.resumeKey!)).toEqual({ ...local.crawl.runOptions, distributed: true });
  });

  it('a wrong value is a usage error naming its flag, in every group', async () => {
    expect(await usageError(runConfigFrom({}))).toBe('say what to crawl: --registry [URL] and/or --servers FILE');
    expect(await usageError(runConfigFrom({ servers: SERVERS, since: 'auto' }))).toBe('--since needs --registry');
    expect(await usageError(runConfigFrom({ servers: SERVERS, limit: '0' }))).toBe('--limit must be a whole number of at least 1, got "0"');
    expect(await usageError(runConfigFrom({ servers: SERVERS, deadline: '-3' }))).toBe('--deadline must be a number of seconds above 0, got "-3"');
    expect(await usageError(runConfigFrom({ servers: SERVERS, perHost: '1.5' }))).toBe('--per-host must be a whole number of at least 1, got "1.5"');
    expect(await usageError(runConfigFrom({ servers: SERVERS, pypiIndex: 'ftp://x/' }))).toBe('--pypi-index must be an http(s) or file URL, got "ftp://x/"');
    expect(await usageError(runConfigFrom({ servers: SERVERS, retries: '21' }))).toBe('--retries must be a whole number from 0 to 20, got "21"');
    expect(await usageError(runConfigFrom({ servers: SERVERS, pollSeconds: '0' }))).toBe('--poll-seconds must be a whole number from 1 to 60, got "0"');
    expect(await usageError(runConfigFrom({ servers: SERVERS, freshFor: '1w' }))).toBe(
      '--fresh-for must be a duration such as 0, 90s, 30m, 12h or 2d, got "1w"',
    );
    expect(await usageError(runConfigFrom({ servers: SERVERS, siteUrl: 'example.com' }))).toBe('--site-url must be an absolute URL, got "example.com"');
    expect(await usageError(runConfigFrom({ servers: SERVERS, buildWorkers: '65' }))).toBe('--build-workers must be a whole number from 1 to 64, got "65"');
  });

  it('--distributed without PostgreSQL fails before the servers file is read', async () => {
    delete process.env.DATABASE_URL;
    await expect(crawlConfigFrom({ servers: '/nonexistent/servers.yaml', distributed: true })).rejects.toThrow(/--distributed needs PostgreSQL/);
  });
});
