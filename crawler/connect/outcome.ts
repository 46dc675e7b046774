import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { causes } from '../../db/errors.ts';
import type { Outcome } from '../../db/index.ts';
import { CrawlError } from '../errors.ts';
import { refusalIn, ResponseTooLargeError } from '../net/index.ts';
import { MessageTooLargeError, StdoutGarbageError } from '../sandbox/index.ts';
import { isTransientStatus } from '../retry.ts';

export interface Failure {
  outcome: Exclude<Outcome, 'ok'>;
  error: string;
  /** Worth another try later in the same run: 429, 5xx, connection reset. */
  transient: boolean;
  details: Record<string, unknown>;
}

/** How many of an error's causes say what failed and go into its message (fetch and the SDK wrap a refused connection two or three deep). */
const CAUSE_DEPTH = 5;
const NETWORK_CODES = /\b(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|EPIPE|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT)\b/;

/**
 * What a thrown error means for the attempt. `local` says whether the server was a process we started;
 * `sideErrors` are what the transport reported besides, which often explain a closed connection.
 */
export function failureOf(error: unknown, local: boolean, sideErrors: readonly Error[] = []): Failure {
  if (error instanceof CrawlError) return { outcome: error.outcome, error: error.message, transient: false, details: error.details };
  for (const cause of [error, ...sideErrors].flatMap((e) => [...causes(e, CAUSE_DEPTH)])) {
    const refusal = refusalIn(cause);
    if (refusal) return { outcome: 'refused_by_policy', error: refusal.message, transient: false, details: {} };
    if (cause instanceof MessageTooLargeError || cause instanceof ResponseTooLargeError) {
      return { outcome: 'listing_too_large', error: cause.message, transient: false, details: { limitBytes: cause.limit } };
    }
    if (cause instanceof StdoutGarbageError)
      return { outcome: 'protocol_error', error: cause.message, transient: false, details: { garbageLines: cause.lines } };
  }
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
  const invalid = schemaIssues(error);
  if (invalid) return { outcome: 'protocol_error', error: `The server's answer is not a valid MCP message: ${invalid}.`, transient: false, details: {} };
  const text = message(error);
  const network = NETWORK_CODES.exec(text);
  if (network || /fetch failed/.test(text)) {
    return { outcome: 'unreachable', error: text, transient: network?.[1] === 'ECONNRESET', details: network ? { errorCode: network[1] } : {} };
  }
  if (local && /\bspawn\b|ENOENT|EACCES/.test(text))
    return { outcome: 'crashed', error: `The server could not be started: ${text}`, transient: false, details: {} };
  return { outcome: 'protocol_error', error: text, transient: false, details: {} };
}

/** A zod validation error (the SDK's, whichever zod it uses) in a sentence, instead of its JSON dump of every issue. */
function schemaIssues(error: unknown): string | undefined {
  const issues = (error as { name?: string; issues?: Array<{ path?: PropertyKey[]; message?: string }> } | null)?.issues;
  if ((error as { name?: string } | null)?.name !== 'ZodError' || !Array.isArray(issues)) return undefined;
  const shown = issues.slice(0, 3).map((i) => `${(i.path ?? []).map(String).join('.') || 'the message'}: ${i.message ?? 'invalid'}`);
  return `${shown.join('; ')}${issues.length > 3 ? `; and ${issues.length - 3} more` : ''}`;
}

function httpStatus(error: unknown): number | undefined {
  if (error instanceof StreamableHTTPError || error instanceof SseError) return error.code;
  return undefined;
}

/** The message with its causes, which carry the useful part of network errors. */
function message(error: unknown): string {
  const parts = [...causes(error, CAUSE_DEPTH)]
    .map((c) => (c instanceof Error ? c.message : String(c)))
    .filter((text, index, all) => text && all.indexOf(text) === index);
  return parts.join(': ') || 'unknown error';
}
