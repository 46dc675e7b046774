#!/usr/bin/env node
// Runs inside the sandbox, next to an MCP server that serves Streamable HTTP or SSE on the sandbox's own
// loopback (its network namespace has nothing else). It starts the server, waits for its port, and bridges:
// JSON-RPC messages from the crawler on stdin go to the server over HTTP, and the server's messages come
// back on stdout, one per line. So the crawler speaks stdio, and the server gets no network beyond its own
// loopback. Plain Node, no dependencies: only this folder and the server's package are readable here.
//
//   relay.mjs <streamable-http|sse> <port> <path> -- <command> [args...]
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';

const [transport, portText, endpointPath, separator, command, ...args] = process.argv.slice(2);
const port = Number(portText);
if (!['streamable-http', 'sse'].includes(transport) || !Number.isInteger(port) || separator !== '--' || !command) {
  process.stderr.write('relay: usage: relay.mjs <streamable-http|sse> <port> <path> -- <command> [args...]\n');
  process.exit(2);
}
const STARTUP_MS = 60_000;
const MAX_LINE = 8 * 1024 * 1024;

// The server's stdout is not the protocol here: it goes to stderr, which the crawler keeps.
const server = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
server.stdout.pipe(process.stderr);
server.on('error', (error) => fail(`could not start the server: ${error.message}`, 1));
server.on('exit', (code, signal) => fail(`the server exited (${signal ?? `code ${code}`}) before or while serving`, code ?? 1));
process.stdout.on('error', () => process.exit(0));
for (const sig of ['SIGTERM', 'SIGINT', 'SIGHUP'])
  process.on(sig, () => {
    server.kill('SIGKILL');
    process.exit(0);
  });

function fail(message, code) {
  process.stderr.write(`relay: ${message}\n`);
  server.kill('SIGKILL');
  process.exit(code || 1);
}

const write = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

/** Resolves with the host that accepts connections on the port (IPv4 or IPv6 loopback). */
async function waitForPort() {
  const until = Date.now() + STARTUP_MS;
  while (Date.now() < until) {
    for (const host of ['127.0.0.1', '::1']) {
      const open = await new Promise((resolve) => {
        const socket = connect({ host, port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      if (open) return host;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  fail(`nothing listened on port ${port} within ${STARTUP_MS / 1000} s`, 1);
}

/** Reads an SSE body, calling onEvent(event, data) per event; stops at the end of the body. */
async function readEvents(body, onEvent) {
  const decoder = new TextDecoder();
  let buffer = '';
  let event = 'message';
  let data = [];
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    if (buffer.length > MAX_LINE) fail('the server sent an SSE event over 8 MiB', 1);
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      const line = buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      if (line === '') {
        if (data.length > 0) onEvent(event, data.join('\n'));
        event = 'message';
        data = [];
      } else if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
  }
}

const forward = (data) => {
  let parsed;
  try {
    parsed = JSON.parse(data);
  } catch {
    return process.stderr.write(`relay: the server sent something that is not JSON: ${JSON.stringify(data.slice(0, 200))}\n`);
  }
  for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
    // The version initialize settled on goes with every later request (the Streamable HTTP spec asks for it).
    if (typeof message?.result?.protocolVersion === 'string') protocolVersion = message.result.protocolVersion;
    write(message);
  }
};

const host = await waitForPort();
const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
let chain = Promise.resolve();
let ready = Promise.resolve();
let postUrl;
let sessionId;
let protocolVersion;

if (transport === 'sse') {
  // Legacy SSE: a GET stream carries the server's messages; its first event names where to POST.
  const response = await fetch(`${base}${endpointPath}`, { headers: { accept: 'text/event-stream' } });
  if (!response.ok || !response.body) fail(`GET ${endpointPath} answered ${response.status}`, 1);
  let resolveEndpoint;
  ready = new Promise((resolve) => (resolveEndpoint = resolve));
  readEvents(response.body, (event, data) => {
    if (event === 'endpoint') {
      postUrl = new URL(data, base).href;
      resolveEndpoint();
    } else forward(data);
  }).then(
    () => fail('the server closed its SSE stream', 1),
    (error) => fail(`SSE stream failed: ${error.message}`, 1),
  );
} else {
  postUrl = `${base}${endpointPath}`;
}

async function send(message) {
  await ready;
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  if (sessionId) headers['mcp-session-id'] = sessionId;
  if (protocolVersion) headers['mcp-protocol-version'] = protocolVersion;
  const response = await fetch(postUrl, { method: 'POST', headers, body: JSON.stringify(message) });
  sessionId = response.headers.get('mcp-session-id') ?? sessionId;
  if (!response.ok && response.status !== 202) {
    const text = await response.text().catch(() => '');
    if (message.id !== undefined)
      write({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: `HTTP ${response.status} from the server: ${text.slice(0, 500)}` } });
    return;
  }
  const type = response.headers.get('content-type') ?? '';
  if (transport === 'sse' || response.status === 202 || !response.body) return void (await response.body?.cancel());
  if (type.includes('text/event-stream')) await readEvents(response.body, (_event, data) => forward(data));
  else {
    const text = await response.text();
    if (text.trim()) forward(text);
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  if (!line.trim()) return;
  let message;
  try {
    message = JSON.parse(line);
  } catch {
    return;
  }
  // In order: the session id arrives with initialize's answer, and every later message needs it.
  chain = chain.then(() => send(message)).catch((error) => fail(`request to the server failed: ${error.message}`, 1));
});
lines.on('close', () => {
  void chain.finally(() => {
    server.kill('SIGTERM');
    process.exit(0);
  });
});
