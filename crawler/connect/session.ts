import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/index.js';
import { launchSandboxed, scratchPathsOf, stdioView, type SandboxLaunch } from '../sandbox/index.ts';
import type { CrawlLimits } from '../limits.ts';
import { preparePackage, type PackageOptions } from '../package-launch.ts';
import type { NpmTarget, PypiTarget, RemoteTarget, StdioTarget } from '../targets.ts';

export const CLIENT_INFO = { name: 'toolrisk-crawler', version: '0.1.0' };

/** What the server said in `initialize`. */
export interface ServerInfo {
  name?: string;
  version?: string;
  title?: string;
  protocolVersion?: string;
  capabilities?: Record<string, unknown>;
  instructions?: string;
}

/** An initialized MCP session, ready for tools/list. */
export interface Session {
  client: Client;
  /** The transport actually used: stdio, streamable-http or sse. */
  transport: string;
  info: ServerInfo;
}

export interface SessionContext {
  limits: CrawlLimits;
  signal: AbortSignal;
  fetch?: typeof fetch;
  npm?: PackageOptions['npm'];
  pypi?: PackageOptions['pypi'];
  /** Starts the attempt's deadline: once anything is installed, just before the server is started or contacted. */
  startDeadline(): void;
  /** Called with every resource to release when the attempt ends, however it ends. */
  onCleanup(cleanup: () => Promise<void>): void;
  /** Called once a local server is running, to read its stderr at the end. */
  onStderr?(read: () => string): void;
  /** Called once a local server is running, to learn at the end why the sandbox cut its stdio, if it did. */
  onSandboxFailure?(read: () => Error | undefined): void;
  /** Errors the transport reported on the side (a message too large, a refused redirect). */
  onTransportError(error: Error): void;
  /** Run servers unisolated (with a warning) where bwrap is unavailable, instead of refusing them. */
  unsafeNoSandbox?: boolean;
  /** Facts worth storing with the attempt. */
  note(key: string, value: unknown): void;
}

export async function openStdioSession(target: StdioTarget | NpmTarget | PypiTarget, ctx: SessionContext): Promise<Session> {
  let launch: SandboxLaunch;
  if (target.kind === 'npm' || target.kind === 'pypi') {
    const prepared = await preparePackage(target, { npm: ctx.npm, pypi: ctx.pypi }, ctx.signal);
    ctx.note(target.kind === 'npm' ? 'npmVersion' : 'pypiVersion', prepared.info.version);
    ctx.note('packageInfo', prepared.info);
    ctx.note('runtime', prepared.runtime);
    if (target.placeholders.length > 0) ctx.note('placeholders', target.placeholders);
    if (target.kind === 'npm' && target.http) ctx.note('http', { ...target.http, via: 'relay' });
    const { command, args, env, readablePaths } = prepared;
    launch = { command, args, env, readablePaths, scratchPaths: scratchPathsOf(target.args, readablePaths) };
  } else {
    launch = { command: target.command, args: target.args, env: target.env, cwd: target.cwd, ...stdioView(target) };
  }
  ctx.startDeadline();
  const sandbox = launchSandboxed(
    { ...launch, allowNetwork: false },
    { maxMessageBytes: ctx.limits.maxMessageBytes, maxStderrBytes: ctx.limits.maxStderrBytes, deadlineMs: ctx.limits.deadlineMs },
    { unsandboxed: (target.kind !== 'pypi' && target.bundled) || ctx.unsafeNoSandbox ? 'warn' : 'refuse' },
  );
  ctx.onCleanup(() => sandbox.kill());
  ctx.onStderr?.(() => sandbox.stderr());
  ctx.onSandboxFailure?.(() => sandbox.failure());
  return connect(sandbox.transport, 'stdio', ctx);
}

export async function openRemoteSession(target: RemoteTarget, ctx: SessionContext): Promise<Session> {
  ctx.startDeadline();
  const url = new URL(target.url);
  const requestInit: RequestInit = { headers: target.headers };
  const streamable = () => new StreamableHTTPClientTransport(url, { requestInit, fetch: withoutStandaloneStream(ctx.fetch ?? fetch) });
  const sse = () => new SSEClientTransport(url, { requestInit, fetch: ctx.fetch });
  if (target.transport === 'sse') return connect(sse(), 'sse', ctx);
  if (target.transport === 'streamable-http') return connect(streamable(), 'streamable-http', ctx);
  try {
    return await connect(streamable(), 'streamable-http', ctx);
  } catch (error) {
    // As the SDK documents: a server that rejects the Streamable HTTP POST with a 4xx may be a legacy SSE server.
    if (!(error instanceof StreamableHTTPError) || !isFallbackStatus(error.code)) throw error;
    ctx.note('fallback', `streamable-http answered HTTP ${error.code}; tried sse`);
    return connect(sse(), 'sse', ctx);
  }
}

/**
 * The Streamable HTTP transport's fetch without the standalone SSE stream: after `initialized` the SDK opens
 * a GET stream for messages the server may send on its own (requests, notifications), which the spec makes
 * optional for both sides. The crawler asks for the tool list and leaves, so it answers that GET itself as
 * a server without the stream does (405, which the SDK takes as "no stream"): one connection, request and
 * cancelled response fewer per server. A GET that resumes a response stream (`last-event-id`) still goes out.
 */
function withoutStandaloneStream(inner: FetchLike): FetchLike {
  return (input, init) => {
    const method = init?.method?.toUpperCase() ?? 'GET';
    if (method === 'GET' && !new Headers(init?.headers).has('last-event-id')) {
      return Promise.resolve(new Response(null, { status: 405, statusText: 'Method Not Allowed (standalone stream not opened by the crawler)' }));
    }
    return inner(input, init);
  };
}

function isFallbackStatus(status: number | undefined): boolean {
  return status !== undefined && status >= 400 && status < 500 && status !== 401 && status !== 429;
}

/**
 * The SDK client's JSON Schema validator, made on first use. The client builds an Ajv instance for every
 * session (≈ 1 ms of CPU) and uses it only for tools' output schemas after `listTools()`, which the crawler
 * does not call (it pages tools/list itself); a shared instance would keep every `$id` it ever saw.
 */
function lazyValidator(): jsonSchemaValidator {
  let validator: AjvJsonSchemaValidator | undefined;
  return { getValidator: (schema) => (validator ??= new AjvJsonSchemaValidator()).getValidator(schema) };
}

async function connect(transport: Transport, name: string, ctx: SessionContext): Promise<Session> {
  let protocolVersion: string | undefined;
  const setProtocolVersion = transport.setProtocolVersion?.bind(transport);
  transport.setProtocolVersion = (version: string) => {
    protocolVersion = version;
    setProtocolVersion?.(version);
  };
  const client = new Client(CLIENT_INFO, { capabilities: {}, jsonSchemaValidator: lazyValidator() });
  client.onerror = (error) => ctx.onTransportError(error);
  ctx.onCleanup(() => client.close().catch(() => undefined));
  await client.connect(transport, { timeout: ctx.limits.requestTimeoutMs, signal: ctx.signal });
  const version = client.getServerVersion();
  return {
    client,
    transport: name,
    info: {
      name: version?.name,
      version: version?.version,
      title: version?.title,
      protocolVersion,
      capabilities: client.getServerCapabilities() as Record<string, unknown> | undefined,
      instructions: client.getInstructions(),
    },
  };
}
