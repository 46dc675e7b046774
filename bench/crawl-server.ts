/**
 * One process serving many synthetic MCP servers over Streamable HTTP on loopback: server `i` of the
 * synthetic catalogue answers at http://<endpointHost(i)>:<port>/mcp/<i> with its generated tools, one
 * session per client: by default with the light server of light-mcp-server.ts (the SDK's messages on the
 * wire, at a fraction of its CPU), or with the SDK's own `Server` and `StreamableHTTPServerTransport`
 * (`sdk`). Each server has a loopback address of its own (all of 127.0.0.0/8 is loopback on
 * Linux), as real servers have hosts of their own (see endpoints.ts), so per-host limits apply as they would in a real crawl.
 * Every HTTP response can be held back `latencyMs`, standing for the network and the server's own work.
 * Usage: node --import tsx bench/crawl-server.ts <first index> <count> <seed> [latencyMs] [light|sdk] [host]; prints
 * `LISTENING <port>`. With a host, every server answers on that one address (tests use 127.0.0.1).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { endpointHost } from './endpoints.ts';
import { handleLightRequest, lightServer, type LightServer, type LightSessions } from './light-mcp-server.ts';
import { generateServer } from './generate.ts';
import { loadVocabulary } from './vocabulary.ts';

const [first, count, seed, latencyMs] = [Number(process.argv[2]), Number(process.argv[3]), process.argv[4], Number(process.argv[5] ?? 0)];
const kind = process.argv[6] ?? 'light';
const sharedHost = process.argv[7];
if (!Number.isInteger(first) || !Number.isInteger(count) || count < 1 || !seed || (kind !== 'light' && kind !== 'sdk')) {
  console.error('Usage: bench/crawl-server.ts <first index> <count> <seed> [latencyMs] [light|sdk] [host]');
  process.exit(2);
}

const vocabulary = loadVocabulary();
const listings = new Map<number, { name: string; tools: unknown[] }>();

/** Server `index`'s listing, generated on first use. Every schema is an object schema, as MCP requires. */
function listing(index: number) {
  let entry = listings.get(index);
  if (!entry) {
    const { server, tools } = generateServer(index, seed, vocabulary);
    entry = { name: server.id, tools: tools.map((tool) => ({ ...tool, inputSchema: { ...(tool.inputSchema as object), type: 'object' } })) };
    listings.set(index, entry);
  }
  return entry;
}

function mcpServer(index: number): Server {
  const { name, tools } = listing(index);
  const server = new Server({ name, version: '1.0.0' }, { capabilities: { tools: {} } });
  server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }) as never);
  return server;
}

const sessions = new Map<string, StreamableHTTPServerTransport>();
function sdkHandler(req: IncomingMessage, res: ServerResponse, index: number) {
  const sessionId = req.headers['mcp-session-id'];
  let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
  const handle = async () => {
    if (!transport) {
      if (req.method !== 'POST') return void res.writeHead(404).end();
      const created = new StreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (id) => void sessions.set(id, created),
      });
      created.onclose = () => {
        if (created.sessionId) sessions.delete(created.sessionId);
      };
      transport = created;
      await mcpServer(index).connect(created);
    }
    await transport.handleRequest(req, res);
  };
  handle().catch((error) => {
    if (!res.headersSent) res.writeHead(500).end(String(error));
  });
}

const lightSessions: LightSessions = new Map();
const lightServers = new Map<number, LightServer>();
function lightHandler(req: IncomingMessage, res: ServerResponse, index: number) {
  let server = lightServers.get(index);
  if (!server) {
    const { name, tools } = listing(index);
    server = lightServer(name, '1.0.0', tools);
    lightServers.set(index, server);
  }
  handleLightRequest(req, res, server, lightSessions);
}

const serve = kind === 'sdk' ? sdkHandler : lightHandler;
const handler = (req: IncomingMessage, res: ServerResponse) => {
  const match = /^\/mcp\/(\d+)$/.exec(req.url ?? '');
  const index = match ? Number(match[1]) : NaN;
  if (!(index >= first && index < first + count)) return void res.writeHead(404).end();
  if (latencyMs > 0) setTimeout(serve, latencyMs, req, res, index);
  else serve(req, res, index);
};

// One port for every address: the first listener picks it, the others reuse it.
let port = 0;
for (const host of sharedHost ? [sharedHost] : Array.from({ length: count }, (_, i) => endpointHost(first + i))) {
  const http = createServer(handler);
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(port, host, () => resolve());
  });
  port = (http.address() as AddressInfo).port;
}
console.log(`LISTENING ${port}`);
process.on('SIGTERM', () => process.exit(0));
