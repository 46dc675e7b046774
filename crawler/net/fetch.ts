import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { Agent, type Response as UndiciResponse, fetch as undiciFetch } from 'undici';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { linkedSignal } from './signals.ts';
import { checkRemoteUrl, normalizeHost, RefusedByPolicyError, resolveChecked, type NetworkPolicy } from './policy.ts';

export interface FetchLimits {
  /** Bytes of one response body; past it the body errors with ResponseTooLargeError (an endless SSE stream ends here). */
  maxResponseBytes: number;
  /** Bytes of all response bodies through this fetch together. */
  maxTotalBytes?: number;
  /** Redirects followed when the caller asks fetch to follow them (each hop is checked again). */
  maxRedirects?: number;
  /** Aborts every request of this fetch (the attempt's deadline). */
  signal?: AbortSignal;
}

export class ResponseTooLargeError extends Error {
  constructor(
    readonly url: string,
    readonly limit: number,
    what: string,
  ) {
    super(`response from ${url} passed ${limit} bytes (${what}); the connection was closed`);
    this.name = 'ResponseTooLargeError';
  }
}

/** The guarded fetch, and `close()`: its connections closed at once (requests still running fail). */
export type GuardedFetch = FetchLike & { close(): Promise<void> };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * A dispatcher whose connections go only to addresses that passed the policy in the same
 * resolution that is used to connect: a DNS answer that changes between the check and the
 * connection (DNS rebinding) cannot slip a private address in.
 */
function pinnedAgent(policy: NetworkPolicy): Agent {
  type Callback = (error: Error | null, address: string | LookupAddress[], family?: number) => void;
  const lookup = (hostname: string, options: { all?: boolean }, callback: Callback) => {
    const host = normalizeHost(hostname);
    resolveChecked(host, policy).then(
      (verdict) => {
        if (!verdict.allowed) return callback(new RefusedByPolicyError(host, verdict.reason), []);
        const found = verdict.addresses.map((address) => ({ address, family: isIP(address) }));
        if (options.all) callback(null, found);
        else callback(null, found[0].address, found[0].family);
      },
      (error: Error) => callback(error, []),
    );
  };
  return new Agent({ connect: { lookup } as never });
}

/**
 * A `fetch` for the MCP SDK's HTTP transports (their `fetch` option) that refuses URLs the policy
 * refuses, before connecting and again at connect time, checks every redirect hop, and caps the
 * bytes read. Redirects are never followed blindly: with `redirect: 'manual'` (what the SDK asks
 * for) the redirect response is returned and a follow-up request comes back through this fetch.
 */
export function guardedFetch(policy: NetworkPolicy, limits: FetchLimits): GuardedFetch {
  const dispatcher = pinnedAgent(policy);
  let totalBytes = 0;

  /**
   * undici's response as the SDK's (global) Response, its body counted; `done` runs once the body has been
   * read to its end, failed or been cancelled. One stream over undici's reader (rather than a copy piped
   * through a counting transform): a crawl of many remote servers spends much of its CPU in web streams.
   */
  function capped(response: UndiciResponse, url: string, done: () => void): Response {
    const init = { status: response.status, statusText: response.statusText, headers: [...response.headers] };
    if (!response.body || NULL_BODY.has(response.status)) {
      done();
      return new Response(null, init);
    }
    const reader = response.body.getReader();
    let bytes = 0;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      done();
    };
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = (await reader.read()) as ReadableStreamReadResult<Uint8Array>;
        } catch (error) {
          finish();
          throw error;
        }
        if (chunk.done) {
          finish();
          controller.close();
          return;
        }
        const { value } = chunk;
        bytes += value.byteLength;
        totalBytes += value.byteLength;
        const over =
          bytes > limits.maxResponseBytes
            ? new ResponseTooLargeError(url, limits.maxResponseBytes, 'maxResponseBytes')
            : limits.maxTotalBytes !== undefined && totalBytes > limits.maxTotalBytes
              ? new ResponseTooLargeError(url, limits.maxTotalBytes, 'maxTotalBytes for the attempt')
              : undefined;
        if (over) {
          finish();
          controller.error(over);
          await reader.cancel(over).catch(() => undefined);
          return;
        }
        // undici's chunks are node:stream/web views; the global Response wants the global Uint8Array.
        controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      },
      cancel(reason) {
        finish();
        return reader.cancel(reason);
      },
    });
    return new Response(body, init);
  }

  const guarded: FetchLike = async (input, init) => {
    let url = new URL(input instanceof Request ? input.url : input);
    let request: RequestInit = { ...init };
    // A signal of this request's own, let go of once its body is read: fetch never removes the listener
    // it adds, and the attempt's signal and the SDK transport's signal outlive many requests.
    const { signal, unlink } = linkedSignal(limits.signal, init?.signal ?? undefined);
    for (let hop = 0; ; hop++) {
      let response: UndiciResponse;
      try {
        const verdict = await checkRemoteUrl(url, policy);
        if (!verdict.allowed) throw new RefusedByPolicyError(url.href, verdict.reason);
        response = await undiciFetch(url, { ...request, signal, redirect: 'manual', dispatcher } as never);
      } catch (error) {
        unlink();
        const refusal = (error as { cause?: unknown }).cause;
        throw refusal instanceof RefusedByPolicyError ? refusal : error;
      }
      const location = REDIRECTS.has(response.status) ? response.headers.get('location') : null;
      if (!location || init?.redirect === 'manual') return capped(response, url.href, unlink);
      await response.body?.cancel();
      if (init?.redirect === 'error' || hop >= (limits.maxRedirects ?? 5)) unlink();
      if (init?.redirect === 'error') throw new Error(`${url.href} redirected to ${location}, and redirects were refused`);
      if (hop >= (limits.maxRedirects ?? 5)) throw new Error(`${url.href}: more than ${limits.maxRedirects ?? 5} redirects`);
      url = new URL(location, url);
      // As fetch does: 303, and 301/302 after a POST, turn into a GET without a body.
      if (response.status === 303 || ((response.status === 301 || response.status === 302) && request.method?.toUpperCase() === 'POST')) {
        request = { ...request, method: 'GET', body: undefined };
      }
    }
  };
  return Object.assign(guarded, { close: () => dispatcher.destroy() });
}
