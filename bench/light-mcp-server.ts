/**
 * A Streamable HTTP MCP server written on node:http alone, for the crawl benchmark: the same messages on the
 * wire as the SDK's `Server` with `StreamableHTTPServerTransport` (stateful, SSE responses, as
 * bench/crawl-server.ts set it up), for a fraction of its CPU. The benchmark's servers stand for remote
 * servers whose CPU is not the crawler's; with the SDK they took about a third of the benchmark machine's
 * 2 cores. test/bench/light-mcp-server.test.ts checks that the SDK client and the crawler list the same
 * tools and server info from this server as from the SDK's.
 *
 * What it does, as the SDK transport does it: POST `initialize` opens a session (a random
 * `mcp-session-id`) and answers on an SSE stream; later requests must carry the session id (400 without
 * or unknown) and a supported `mcp-protocol-version` if any; notifications get 202; each request is
 * answered with one `event: message` on an SSE stream that then ends; `tools/list` returns every tool in one
 * page, `ping` an empty result, other methods -32601. GET opens the session's one standalone SSE stream
 * (409 for a second one), with a comment every 15 s; DELETE ends the session.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';

export interface LightServer {
  name: string;
  version: string;
  /** The tools/list result, serialised once. */
  toolsJson: string;
}

export function lightServer(name: string, version: string, tools: readonly unknown[]): LightServer {
  return { name, version, toolsJson: JSON.stringify({ tools }) };
}

interface Session {
  server: LightServer;
  standalone?: ServerResponse;
}

/** Every open session of a process, by id. */
export type LightSessions = Map<string, Session>;

type Message = { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: { protocolVersion?: unknown } };

const SSE_HEADERS = { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' };
const KEEP_ALIVE_MS = 15_000;
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Handles one HTTP request to `server`'s endpoint; `sessions` is shared by every endpoint of the process. */
export function handleLightRequest(req: IncomingMessage, res: ServerResponse, server: LightServer, sessions: LightSessions): void {
  if (req.method === 'POST')
    return void readBody(req).then(
      (body) => post(req, res, body, server, sessions),
      () => jsonError(res, 400, -32700, 'Parse error'),
    );
  if (req.method === 'GET') return void get(req, res, sessions);
  if (req.method === 'DELETE') {
    const session = sessionOf(req, res, sessions);
    if (!session) return;
    sessions.delete(req.headers['mcp-session-id'] as string);
    session.standalone?.end();
    return void res.writeHead(200).end();
  }
  jsonError(res, 405, -32000, 'Method not allowed.', { Allow: 'GET, POST, DELETE' });
}

function post(req: IncomingMessage, res: ServerResponse, body: string | undefined, server: LightServer, sessions: LightSessions): void {
  const accept = req.headers.accept ?? '';
  if (!accept.includes('application/json') || !accept.includes('text/event-stream')) {
    return void jsonError(res, 406, -32000, 'Not Acceptable: Client must accept both application/json and text/event-stream');
  }
  if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
    return void jsonError(res, 415, -32000, 'Unsupported Media Type: Content-Type must be application/json');
  }
  if (body === undefined) return void jsonError(res, 413, -32000, 'Payload Too Large');
  let messages: Message[];
  try {
    const parsed = JSON.parse(body) as Message | Message[];
    messages = Array.isArray(parsed) ? parsed : [parsed];
    if (messages.some((m) => typeof m !== 'object' || m === null || m.jsonrpc !== '2.0')) throw new Error('not JSON-RPC');
  } catch {
    return void jsonError(res, 400, -32700, 'Parse error: Invalid JSON-RPC message');
  }
  const requests = messages.filter((m) => m.method !== undefined && m.id !== undefined);
  const initialize = requests.find((m) => m.method === 'initialize');
  let sessionId: string;
  let session: Session | undefined;
  if (initialize) {
    if (messages.length > 1) return void jsonError(res, 400, -32600, 'Invalid Request: Only one initialization request is allowed');
    sessionId = randomUUID();
    session = { server };
    sessions.set(sessionId, session);
  } else {
    session = sessionOf(req, res, sessions);
    if (!session) return;
    sessionId = req.headers['mcp-session-id'] as string;
  }
  if (requests.length === 0) return void res.writeHead(202).end();
  let events = '';
  for (const request of requests) events += `event: message\ndata: ${answer(request, session)}\n\n`;
  res.writeHead(200, { ...SSE_HEADERS, 'mcp-session-id': sessionId });
  res.write(events);
  res.end();
}

/** One request's JSON-RPC response, as text. */
function answer(request: Message, session: Session): string {
  const id = JSON.stringify(request.id);
  if (request.method === 'tools/list') return `{"result":${session.server.toolsJson},"jsonrpc":"2.0","id":${id}}`;
  if (request.method === 'ping') return `{"result":{},"jsonrpc":"2.0","id":${id}}`;
  if (request.method === 'initialize') {
    const asked = request.params?.protocolVersion;
    const protocolVersion = typeof asked === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(asked) ? asked : LATEST_PROTOCOL_VERSION;
    const { name, version } = session.server;
    return JSON.stringify({ result: { protocolVersion, capabilities: { tools: {} }, serverInfo: { name, version } }, jsonrpc: '2.0', id: request.id });
  }
  return `{"jsonrpc":"2.0","id":${id},"error":{"code":-32601,"message":"Method not found"}}`;
}

function get(req: IncomingMessage, res: ServerResponse, sessions: LightSessions): void {
  if (!(req.headers.accept ?? '').includes('text/event-stream'))
    return void jsonError(res, 406, -32000, 'Not Acceptable: Client must accept text/event-stream');
  const session = sessionOf(req, res, sessions);
  if (!session) return;
  if (session.standalone) return void jsonError(res, 409, -32000, 'Conflict: Only one SSE stream is allowed per session');
  session.standalone = res;
  res.writeHead(200, { ...SSE_HEADERS, 'mcp-session-id': req.headers['mcp-session-id'] as string });
  res.flushHeaders();
  const keepAlive = setInterval(() => res.write(': keepalive\n\n'), KEEP_ALIVE_MS).unref();
  res.on('close', () => {
    clearInterval(keepAlive);
    if (session.standalone === res) session.standalone = undefined;
  });
}

/** The request's session, or undefined once the error response is sent. */
function sessionOf(req: IncomingMessage, res: ServerResponse, sessions: LightSessions): Session | undefined {
  const id = req.headers['mcp-session-id'];
  if (typeof id !== 'string') return void jsonError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
  const session = sessions.get(id);
  // As bench/crawl-server.ts sets the SDK up: a POST with an unknown session reaches a new, uninitialised
  // transport (400), any other request a plain 404.
  if (!session && req.method === 'POST') return void jsonError(res, 400, -32000, 'Bad Request: Server not initialized');
  if (!session) return void res.writeHead(404).end();
  const version = req.headers['mcp-protocol-version'];
  if (typeof version === 'string' && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
    return void jsonError(
      res,
      400,
      -32000,
      `Bad Request: Unsupported protocol version: ${version} (supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`,
    );
  }
  return session;
}

function jsonError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

/** The request body as text; undefined past MAX_BODY_BYTES. */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(bytes > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
