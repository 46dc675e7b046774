import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkRemoteUrl,
  guardedFetch,
  nonPublicReason,
  refusalIn,
  RefusedByPolicyError,
  ResponseTooLargeError,
  type NetworkPolicy,
} from '../../crawler/net/index.ts';
import { startHostileHttp, type HostileHttp } from '../fixtures/hostile/http-server.ts';

// A documentation-range-free public address (example.com's); tests never connect to it.
const PUBLIC = '93.184.215.14';
const fakeDns = (table: Record<string, string[]>) => async (host: string) => {
  if (!(host in table)) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return table[host];
};
const publicOnly: NetworkPolicy = { resolve: fakeDns({ 'mcp.example.com': [PUBLIC] }) };

describe('checkRemoteUrl', () => {
  it.each([
    'http://localhost:8000/sse',
    'http://LOCALHOST./sse',
    'http://app.localhost/',
    'http://127.0.0.1/',
    'http://127.1/',
    'http://0x7f.1/',
    'http://0x7f000001/',
    'http://2130706433/',
    'http://017700000001/',
    'http://0177.0.0.1/',
    'http://%31%32%37.0.0.1/',
    'http://0.0.0.0:3000/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://100.100.100.200/latest/meta-data',
    'http://169.254.169.254/latest/meta-data/',
    'http://[fd00:ec2::254]/latest/meta-data/',
    'http://metadata.google.internal/computeMetadata/v1/',
    'http://metadata/computeMetadata/v1/',
    'http://printer.local/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://[::1]/',
    'http://[::]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::127.0.0.1]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[2002:7f00:1::]/',
    'http://[fe80::1]/',
    'http://[ff02::1]/',
    'http://[fc00::1]/',
  ])('refuses %s', async (url) => {
    const verdict = await checkRemoteUrl(url, publicOnly);
    expect(verdict.allowed).toBe(false);
    expect(verdict.allowed === false && verdict.reason).toMatch(
      /loopback|private|link-local|metadata|this machine|unspecified|multicast|broadcast|NAT|standing for/,
    );
  });

  it('refuses names that resolve to a non-public address, checking every address', async () => {
    const policy = { resolve: fakeDns({ 'sneaky.example.com': [PUBLIC, '10.0.0.7'], 'rebind.example.com': ['::ffff:127.0.0.1'] }) };
    expect(await checkRemoteUrl('https://sneaky.example.com/mcp', policy)).toEqual({
      allowed: false,
      reason: 'sneaky.example.com resolves to 10.0.0.7, a private network (10/8)',
    });
    expect(await checkRemoteUrl('https://rebind.example.com/mcp', policy)).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('127.0.0.1, loopback'),
    });
  });

  it('allows public hosts and returns the checked addresses', async () => {
    expect(await checkRemoteUrl('https://mcp.example.com/mcp', publicOnly)).toEqual({ allowed: true, addresses: [PUBLIC] });
    expect(await checkRemoteUrl('http://[2606:4700::1111]/', publicOnly)).toEqual({ allowed: true, addresses: ['2606:4700::1111'] });
    expect(await checkRemoteUrl('http://[::ffff:8.8.8.8]/', publicOnly)).toMatchObject({ allowed: true });
  });

  it('refuses other schemes and bad URLs, and applies the host lists', async () => {
    expect(await checkRemoteUrl('file:///etc/passwd', publicOnly)).toMatchObject({ allowed: false, reason: /only http and https/ });
    expect(await checkRemoteUrl('not a url', publicOnly)).toMatchObject({ allowed: false, reason: 'not a valid URL' });
    const lists = { ...publicOnly, allowHosts: ['*.example.com'], denyHosts: ['bad.example.com'] };
    expect(await checkRemoteUrl('https://mcp.example.com/', lists)).toMatchObject({ allowed: true });
    expect(await checkRemoteUrl('https://bad.example.com/', lists)).toMatchObject({ allowed: false, reason: /denylist/ });
    expect(await checkRemoteUrl('https://example.org/', lists)).toMatchObject({ allowed: false, reason: /allowlist/ });
  });

  it('lets --allow-private-network through, and a failed lookup is an error, not a refusal', async () => {
    expect(await checkRemoteUrl('http://127.0.0.1:9/', { allowPrivateNetwork: true })).toEqual({ allowed: true, addresses: ['127.0.0.1'] });
    expect(await checkRemoteUrl('http://localhost:9/', { allowPrivateNetwork: true, resolve: fakeDns({ localhost: ['127.0.0.1'] }) })).toMatchObject({
      allowed: true,
    });
    await expect(checkRemoteUrl('https://nowhere.example.com/', publicOnly)).rejects.toThrow(/ENOTFOUND/);
  });

  it('classifies addresses', () => {
    expect(nonPublicReason('8.8.8.8')).toBeUndefined();
    expect(nonPublicReason('::ffff:0:7f00:1')).toMatch(/127\.0\.0\.1/);
    expect(nonPublicReason('64:ff9b:1::1')).toMatch(/NAT64/);
    expect(nonPublicReason('2001::1')).toMatch(/Teredo/);
    expect(nonPublicReason('198.18.0.1')).toMatch(/benchmarking/);
  });
});

describe('guardedFetch', () => {
  let http: HostileHttp;
  // The fixture is on loopback, so tests allow the private network and narrow it with the allowlist.
  const loopback: NetworkPolicy = { allowPrivateNetwork: true, allowHosts: ['127.0.0.1'] };
  beforeAll(async () => (http = await startHostileHttp({ hugeBytes: 8 * 1024 * 1024 })));
  afterAll(() => http.close());

  it('refuses a loopback URL before any connection without --allow-private-network', async () => {
    const fetch = guardedFetch({}, { maxResponseBytes: 1024 });
    await expect(fetch(http.url('/status-500'))).rejects.toBeInstanceOf(RefusedByPolicyError);
    expect(http.hits.get('/status-500')).toBeUndefined();
  });

  it('passes status codes through', async () => {
    const fetch = guardedFetch(loopback, { maxResponseBytes: 1024 });
    const response = await fetch(http.url('/status-429'));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.text()).toBe('slow down');
  });

  it('checks every redirect hop, followed or handed back', async () => {
    const fetch = guardedFetch(loopback, { maxResponseBytes: 1024 });
    const away = http.url(`/redirect?to=${encodeURIComponent(http.url('/status-500').replace('127.0.0.1', 'localhost'))}`);
    const error = await fetch(away).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefusedByPolicyError);
    expect((error as Error).message).toMatch(/localhost is not on the host allowlist/);
    expect(http.hits.get('/status-500')).toBeUndefined();

    const manual = await fetch(away, { redirect: 'manual' });
    expect(manual.status).toBe(302);

    const within = await fetch(http.url(`/redirect?to=/status-429`));
    expect(within.status).toBe(429);

    const toMetadata = guardedFetch({ allowHosts: ['127.0.0.1', '169.254.169.254'], allowPrivateNetwork: false }, { maxResponseBytes: 1024 });
    await expect(toMetadata(http.url('/redirect?to=http://169.254.169.254/'))).rejects.toThrow(/refused/);
  });

  it('connects only to the addresses it checked (DNS rebinding)', async () => {
    let calls = 0;
    const port = new URL(http.origin).port;
    // The first answer is public and passes the check; the one at connect time points at loopback.
    const rebinding: NetworkPolicy = { resolve: async () => (calls++ === 0 ? [PUBLIC] : ['127.0.0.1']) };
    const fetch = guardedFetch(rebinding, { maxResponseBytes: 1024 });
    const before = http.hits.get('/status-429') ?? 0;
    const error = await fetch(`http://rebind.test:${port}/status-429`).catch((e: unknown) => e);
    expect(refusalIn(error)?.reason).toMatch(/resolves to 127\.0\.0\.1, loopback/);
    expect(calls).toBe(2);
    expect(http.hits.get('/status-429') ?? 0).toBe(before);
  });

  it('caps a huge body and an endless event stream', async () => {
    const fetch = guardedFetch(loopback, { maxResponseBytes: 1024 * 1024 });
    const heapBefore = process.memoryUsage().heapUsed;
    await expect((await fetch(http.url('/huge'))).arrayBuffer()).rejects.toBeInstanceOf(ResponseTooLargeError);
    const stream = await fetch(http.url('/sse-endless'));
    const reader = stream.body!.getReader();
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return;
      })(),
    ).rejects.toThrow(/passed 1048576 bytes/);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);

    const total = guardedFetch(loopback, { maxResponseBytes: 1024 * 1024, maxTotalBytes: 10 });
    await expect((await total(http.url('/status-429'))).text()).resolves.toBe('slow down');
    await expect((await total(http.url('/status-429'))).text()).rejects.toThrow(/maxTotalBytes/);
  });

  it('works as the fetch of the SDK Streamable HTTP transport', async () => {
    const client = new Client({ name: 'net-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(http.url('/mcp')), { fetch: guardedFetch(loopback, { maxResponseBytes: 1024 * 1024 }) }));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(['get_weather']);
    await client.close();
  });

  it('makes the SDK transports fail with the refusal', async () => {
    const streamable = new Client({ name: 'net-test', version: '1' });
    const error = await streamable
      .connect(new StreamableHTTPClientTransport(new URL(http.url('/mcp')), { fetch: guardedFetch({}, { maxResponseBytes: 1024 }) }))
      .catch((e: unknown) => e);
    expect(refusalIn(error)).toBeInstanceOf(RefusedByPolicyError);
    const sseHits = http.hits.get('/sse-endless') ?? 0;
    const sse = new Client({ name: 'net-test', version: '1' });
    const sseError = await sse
      .connect(new SSEClientTransport(new URL(http.url('/sse-endless')), { fetch: guardedFetch({}, { maxResponseBytes: 1024 }) }))
      .catch((e: unknown) => e);
    expect(String(sseError)).toMatch(/refused by network policy/);
    expect(http.hits.get('/sse-endless') ?? 0).toBe(sseHits);
  });
});
