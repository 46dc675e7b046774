export interface RetryOptions {
  /** Extra tries after the first. */
  retries: number;
  /** The first wait; each later wait doubles it. */
  baseDelayMs: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 2, baseDelayMs: 1_000 };

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * Runs `attempt` until `isTransient` says its result is final, waiting with exponential backoff (and
 * jitter-free, so tests are exact) between tries. Returns the last result and how many retries it took.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  isTransient: (result: T) => boolean,
  options: RetryOptions,
): Promise<{ result: T; retries: number }> {
  const wait = options.sleep ?? sleep;
  let result = await attempt();
  let retries = 0;
  while (retries < options.retries && isTransient(result) && !options.signal?.aborted) {
    await wait(options.baseDelayMs * 2 ** retries, options.signal);
    if (options.signal?.aborted) break;
    retries += 1;
    result = await attempt();
  }
  return { result, retries };
}

/** HTTP statuses worth another try: rate limiting and server errors. */
export function isTransientStatus(status: number | undefined): boolean {
  return status === 429 || (status !== undefined && status >= 500 && status <= 599);
}
