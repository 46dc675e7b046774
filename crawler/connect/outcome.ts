import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import type { Outcome } from '../../db/index.ts';
import { CrawlError } from '../errors.ts';
import { isTransientStatus } from '../retry.ts';

export interface Failure {
  outcome: Exclude<Outcome, 'ok'>;
  error: string;
  /** Worth another try later in the same run: 429, 5xx, connection reset. */
  transient: boolean;
  details: Record<string, unknown>;
}

const NETWORK_CODES = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT)\b/;

/** What a thrown error means for the attempt. `local` says whether the server was a process we started. */
export function failureOf(error: unknown, local: boolean): Failure {
  if (error instanceof CrawlError) return { outcome: error.outcome, error: error.message, transient: false, details: error.details };
  const status = httpStatus(error);
  if (status !== undefined && status > 0) {
    const details = { httpStatus: status };
    if (status === 401) return { outcome: 'needs_config', error: `The server wants authorization (HTTP 401): ${message(error)}`, transient: false, details };
    return { outcome: 'http_error', error: message(error), transient: isTransientStatus(status), details };
  }
  if (error instanceof McpError) {
    if (error.code === ErrorCode.RequestTimeout) return { outcome: 'timeout', error: message(error), transient: false, details: {} };
    if (error.code === ErrorCode.ConnectionClosed) {
      return local
        ? { outcome: 'crashed', error: 'The server exited or closed its output before it finished listing its tools.', transient: false, details: {} }
        : { outcome: 'unreachable', error: `The server closed the connection: ${message(error)}`, transient: false, details: {} };
    }
    return { outcome: 'protocol_error', error: message(error), transient: false, details: { mcpCode: error.code } };
  }
  const text = message(error);
  const network = NETWORK_CODES.exec(text);
  if (network || /fetch failed/.test(text)) {
    return { outcome: 'unreachable', error: text, transient: network?.[1] === 'ECONNRESET', details: network ? { errorCode: network[1] } : {} };
  }
  if (local && /\bspawn\b|ENOENT|EACCES/.test(text)) return { outcome: 'crashed', error: `The server could not be started: ${text}`, transient: false, details: {} };
  return { outcome: 'protocol_error', error: text, transient: false, details: {} };
}

function httpStatus(error: unknown): number | undefined {
  if (error instanceof StreamableHTTPError || error instanceof SseError) return error.code;
  return undefined;
}

/** The message with its causes, which carry the useful part of network errors. */
function message(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth += 1) {
    const text = current instanceof Error ? current.message : String(current);
    if (text && !parts.includes(text)) parts.push(text);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ') || 'unknown error';
}
