import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEndpoints, type Endpoints, type ServerKind } from '../../bench/crawl.ts';
import { crawlTarget } from '../../crawler/index.ts';

// The crawl benchmark's light servers must be what the SDK's servers are on the wire: the same tools and
// server info for the SDK client and the crawler, and the same answers to requests out of order.
const SERVERS = 12;
const endpoints = {} as Record<ServerKind, Endpoints>;

beforeAll(async () => {
  endpoints.light = await startEndpoints(SERVERS, 1, 0, 'light', '127.0.0.1');
  endpoints.sdk = await startEndpoints(SERVERS, 1, 0, 'sdk', '127.0.0.1');
}, 60_000);
afterAll(() => {
  endpoints.light?.stop();
  endpoints.sdk?.stop();
});

async function listWithSdk(url: string) {
  const client = new Client({ name: 'test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  const tools: unknown[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  const seen = { tools, server: client.getServerVersion(), capabilities: client.getServerCapabilities(), instructions: client.getInstructions() };
  await client.close();
  return seen;
}

const network = { allowHosts: ['127.0.0.1'], allowPrivateNetwork: true };
async function crawl(url: string) {
  const result = await crawlTarget({ kind: 'remote', serverId: 'bench', url, transport: 'streamable-http', headers: {} }, { network });
  expect(result.outcome, result.error).toBe('ok');
  return { tools: result.tools, server: result.server, transport: result.transport, details: result.details };
}

/** The status (and JSON-RPC error code, if any) of each step of a session driven by hand. */
async function statuses(url: string): Promise<string[]> {
  const seen: string[] = [];
  const accept = 'application/json, text/event-stream';
  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { method: 'POST', headers: { accept, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const text = await response.text();
    seen.push(`${response.status} ${/"code":(-?\d+)/.exec(text)?.[1] ?? ''}`.trim());
    return response;
  };
  const init = {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } },
  };
  const list = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };
  await post(list); // no session
  await post(list, { 'mcp-session-id': 'no-such-session' });
  await post(init, { accept: 'application/json' }); // not accepting SSE
  const session = (await post(init)).headers.get('mcp-session-id')!;
  const headers = { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
  await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
  await post(list, { ...headers, 'mcp-protocol-version': '1999-01-01' });
  await post({ jsonrpc: '2.0', id: 2, method: 'resources/list', params: {} }, headers);
  await post({ jsonrpc: '2.0', id: 3, method: 'ping' }, headers);
  const stream = new AbortController();
  const get = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: stream.signal });
  const second = await fetch(url, { headers: { accept: 'text/event-stream', ...headers } });
  seen.push(`GET ${get.status} ${get.headers.get('content-type')}`, `GET again ${second.status}`);
  await second.text();
  stream.abort();
  const deleted = await fetch(url, { method: 'DELETE', headers });
  seen.push(`DELETE ${deleted.status}`);
  await post(list, headers); // after DELETE
  return seen;
}

describe('the crawl benchmark light MCP server', () => {
  it('gives the SDK client the same tools, server info and capabilities as the SDK server', async () => {
    for (let i = 0; i < SERVERS; i++) {
      const light = await listWithSdk(endpoints.light.urls[i]);
      expect(light.tools.length).toBeGreaterThan(0);
      expect(light).toEqual(await listWithSdk(endpoints.sdk.urls[i]));
    }
  });

  it('gives the crawler the same listing as the SDK server', async () => {
    for (let i = 0; i < SERVERS; i++) expect(await crawl(endpoints.light.urls[i])).toEqual(await crawl(endpoints.sdk.urls[i]));
  });

  it('answers requests out of order as the SDK server does', async () => {
    const light = await statuses(endpoints.light.urls[0]);
    expect(light).toEqual(await statuses(endpoints.sdk.urls[0]));
    expect(light).toEqual([
      '400 -32000',
      '400 -32000',
      '406 -32000',
      '200',
      '202',
      '400 -32000',
      '200 -32601',
      '200',
      'GET 200 text/event-stream',
      'GET again 409',
      'DELETE 200',
      '400 -32000',
    ]);
  });
});
