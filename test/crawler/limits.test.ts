import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { crawlTarget, type CrawlOptions, type RemoteTarget } from '../../crawler/index.ts';
import { startStreamableHttp, type RunningHttpServer } from '../fixtures/servers/http.ts';
import { buildListingServer, tool, type ListingServerOptions } from '../fixtures/servers/listing-server.ts';
import { LOOPBACK_ONLY, readableTempDir } from './helpers.ts';

const running: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.close()));
});

async function serve(options: ListingServerOptions): Promise<RemoteTarget> {
  const server: RunningHttpServer = await startStreamableHttp(() => buildListingServer(options));
  running.push(server);
  return { kind: 'remote', serverId: 'listing', url: server.url, transport: 'streamable-http', headers: {} };
}

async function crawl(options: ListingServerOptions, crawlOptions: CrawlOptions = {}) {
  return crawlTarget(await serve(options), { ...LOOPBACK_ONLY, ...crawlOptions });
}

/** An HTTP server that answers every request with `status`. */
async function statusServer(status: number): Promise<RemoteTarget> {
  const server: Server = createServer((_req, res) => res.writeHead(status, { 'content-type': 'text/plain' }).end(`status ${status}`));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  running.push({ close: () => new Promise((resolve) => server.close(() => resolve())) });
  const { port } = server.address() as AddressInfo;
  return { kind: 'remote', serverId: 'status', url: `http://127.0.0.1:${port}/mcp`, transport: 'streamable-http', headers: {} };
}

describe('the tools/list loop and its limits', () => {
  it('follows the cursor to the end', async () => {
    const result = await crawl({ pages: [[tool('a')], [tool('b'), tool('c')], [tool('d')]] });
    expect(result.outcome).toBe('ok');
    expect(result.tools!.map((t) => t.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(result.details).toMatchObject({ pages: 3, listingBytes: expect.any(Number) });
  });

  it('stops at maxPages with too_many_pages', async () => {
    const result = await crawl({ pages: [[tool('a')], [tool('b')], [tool('c')]] }, { limits: { maxPages: 2 } });
    expect(result.outcome).toBe('too_many_pages');
    expect(result.error).toMatch(/maxPages/);
  });

  it('reports a cursor that repeats as a protocol error', async () => {
    const result = await crawl({ pages: [[tool('a')]], cursor: '0' });
    expect(result.outcome).toBe('protocol_error');
    expect(result.error).toMatch(/repeated the tools\/list cursor/);
  });

  it('stops at maxTools with too_many_tools', async () => {
    const result = await crawl({ pages: [[tool('a'), tool('b'), tool('c')]] }, { limits: { maxTools: 2 } });
    expect(result.outcome).toBe('too_many_tools');
  });

  it('stops at maxListingBytes with listing_too_large', async () => {
    const result = await crawl({ pages: [[tool('a', { description: 'x'.repeat(500) })]] }, { limits: { maxListingBytes: 300 } });
    expect(result.outcome).toBe('listing_too_large');
  });

  it('cuts long descriptions and flags them', async () => {
    const result = await crawl(
      { pages: [[tool('long', { description: 'abcdefghijklmnop' }), tool('short', { description: 'abc' })]] },
      { limits: { maxDescriptionLength: 10 } },
    );
    expect(result.outcome).toBe('ok');
    expect(result.tools![0]).toMatchObject({ description: 'abcdefghij', descriptionTruncated: true });
    expect(result.tools![1].descriptionTruncated).toBeUndefined();
    expect(result.details.truncatedDescriptions).toEqual(['long']);
  });

  it('rejects duplicate tool names and malformed tools as protocol errors', async () => {
    expect(await crawl({ pages: [[tool('a')], [tool('a')]] })).toMatchObject({ outcome: 'protocol_error', error: expect.stringMatching(/"a" more than once/) });
    expect(await crawl({ pages: [[{ name: 'no_schema' }]] })).toMatchObject({
      outcome: 'protocol_error',
      error: expect.stringMatching(/Tool 1 .*inputSchema/),
    });
  });

  it('strips NUL characters and lone surrogates that PostgreSQL cannot store', async () => {
    const result = await crawl({
      pages: [
        [tool('nul\u0000name', { description: 'bad\u0000text \ud800 end', inputSchema: { type: 'object', properties: { 'k\u0000ey': { type: 'string' } } } })],
      ],
    });
    expect(result.outcome).toBe('ok');
    expect(result.tools![0]).toMatchObject({ name: 'nulname', description: 'badtext \ufffd end', inputSchema: { properties: { key: { type: 'string' } } } });
  });

  it('times out a request with timeout, and the whole attempt with deadline_exceeded', async () => {
    const target = await serve({ pages: [], hang: true });
    const timedOut = await crawlTarget(target, { ...LOOPBACK_ONLY, limits: { requestTimeoutMs: 300 } });
    expect(timedOut.outcome).toBe('timeout');
    const late = await crawlTarget(target, { ...LOOPBACK_ONLY, limits: { requestTimeoutMs: 30_000, deadlineMs: 400 } });
    expect(late.outcome).toBe('deadline_exceeded');
    expect(late.durationMs).toBeLessThan(5_000);
  });

  it('ends with interrupted when the signal aborts', async () => {
    const target = await serve({ pages: [], hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    expect((await crawlTarget(target, { ...LOOPBACK_ONLY, signal: controller.signal })).outcome).toBe('interrupted');
  });
});

describe('failures become outcomes', () => {
  it('HTTP 5xx and 429 are transient http_error; 401 is needs_config; 403 is http_error', async () => {
    expect(await crawlTarget(await statusServer(503), LOOPBACK_ONLY)).toMatchObject({ outcome: 'http_error', transient: true, details: { httpStatus: 503 } });
    expect(await crawlTarget(await statusServer(429), LOOPBACK_ONLY)).toMatchObject({ outcome: 'http_error', transient: true });
    expect(await crawlTarget(await statusServer(401), LOOPBACK_ONLY)).toMatchObject({ outcome: 'needs_config', transient: false });
    expect(await crawlTarget(await statusServer(403), LOOPBACK_ONLY)).toMatchObject({ outcome: 'http_error', transient: false });
  });

  it('a stdio server that exits at once has crashed, with its stderr kept', async () => {
    const result = await crawlTarget({
      kind: 'stdio',
      serverId: 'dies',
      command: process.execPath,
      args: ['-e', 'console.error("missing FOO_TOKEN"); process.exit(3)'],
      env: {},
    });
    expect(result.outcome).toBe('crashed');
    expect(result.stderr).toContain('missing FOO_TOKEN');
  });

  it('a command that does not exist has crashed', async () => {
    const result = await crawlTarget({ kind: 'stdio', serverId: 'none', command: '/nonexistent/toolrisk-server', args: [], env: {} });
    expect(result.outcome).toBe('crashed');
  });

  it('an npm package that cannot be installed is install_failed', async () => {
    const cacheDir = readableTempDir('toolrisk-npm-');
    const result = await crawlTarget(
      { kind: 'npm', serverId: 'npm-fails', package: 'toolrisk-never-installed', version: '1.0.0', args: [], env: {}, placeholders: [] },
      { npm: { cacheDir, npmCommand: 'false' } },
    ).finally(() => rmSync(cacheDir, { recursive: true, force: true }));
    expect(result.outcome).toBe('install_failed');
    expect(result.error).toMatch(/npm install toolrisk-never-installed@1.0.0 failed/);
  });

  it('unrunnable targets report their outcome without trying', async () => {
    const result = await crawlTarget({
      kind: 'unrunnable',
      serverId: 'x',
      label: 'pypi:x@1',
      outcome: 'unsupported_runtime',
      reason: 'pypi packages need uvx',
    });
    expect(result).toMatchObject({ outcome: 'unsupported_runtime', label: 'pypi:x@1', error: 'pypi packages need uvx' });
  });
});
