import type { ListedTool, Outcome, PackageInfo } from '../../db/index.ts';
import { crawlPackageTarget } from '../package-attempts.ts';
import { CrawlError } from '../errors.ts';
import { resolveLimits, type CrawlLimits } from '../limits.ts';
import type { PackageOptions } from '../package-launch.ts';
import { checkRemoteUrl, guardedFetch, type NetworkPolicy } from '../net/index.ts';
import { targetLabel, type CrawlTarget } from '../targets.ts';
import { listAllTools } from './listing.ts';
import { failureOf } from './outcome.ts';
import { openRemoteSession, openStdioSession, type ServerInfo, type Session, type SessionContext } from './session.ts';
import { storable, storableText } from '../storable.ts';

export type { ServerInfo } from './session.ts';

export interface CrawlOptions {
  limits?: Partial<CrawlLimits>;
  /**
   * Which remote hosts may be reached: `allowHosts`/`denyHosts` (refused without any connection attempt),
   * and loopback/private addresses only with `allowPrivateNetwork`. Every request and redirect is checked.
   */
  network?: NetworkPolicy;
  /** Replaces the guarded fetch of the HTTP transports (the URL is still checked against `network` first). */
  fetch?: typeof fetch;
  npm?: PackageOptions['npm'];
  pypi?: PackageOptions['pypi'];
  /** Aborting ends the attempt with the outcome `interrupted`. */
  signal?: AbortSignal;
  /**
   * Where bwrap is unavailable, run stdio servers unisolated with a warning instead of refusing them
   * (--unsafe-no-sandbox). Targets marked `bundled` (the default servers file) always may.
   */
  unsafeNoSandbox?: boolean;
  now?: () => Date;
}

export interface CrawlResult {
  target: CrawlTarget;
  /** The attempt's `target` text, e.g. `npm:pkg@1.2.3`. */
  label: string;
  /** The transport actually used, when one was opened. */
  transport?: string;
  outcome: Outcome;
  error?: string;
  /** Worth retrying within the run (429, 5xx, connection reset). */
  transient: boolean;
  startedAt: Date;
  durationMs: number;
  server?: ServerInfo;
  /** On `ok`: every tool, validated, storable, descriptions cut to the limit. */
  tools?: ListedTool[];
  stderr?: string;
  details: Record<string, unknown>;
}

/**
 * One connection attempt: connect, initialize, list every tool, disconnect. Never throws; failures are data.
 * A package server that fails to start is retried with what it said it lacks (see package-attempts.ts).
 */
export async function crawlTarget(target: CrawlTarget, options: CrawlOptions = {}): Promise<CrawlResult & { packageInfo?: PackageInfo }> {
  if (target.kind === 'npm' || target.kind === 'pypi') return crawlPackageTarget(target, options, crawlOnce);
  return crawlOnce(target, options);
}

async function crawlOnce(target: CrawlTarget, options: CrawlOptions = {}): Promise<CrawlResult> {
  const now = options.now ?? (() => new Date());
  const limits = resolveLimits(options.limits);
  const startedAt = now();
  const began = performance.now();
  const details: Record<string, unknown> = {};
  const result = (fields: Partial<CrawlResult> & { outcome: Outcome }): CrawlResult => ({
    target,
    label: targetLabel(target),
    transient: false,
    startedAt,
    durationMs: Math.round(performance.now() - began),
    details,
    ...fields,
  });

  if (target.kind === 'unrunnable') return result({ outcome: target.outcome, error: target.reason });
  if (options.signal?.aborted) return result({ outcome: 'interrupted', error: 'The crawl was interrupted before this attempt started.' });
  const network = options.network ?? {};
  if (target.kind === 'remote') {
    const verdict = await checkRemoteUrl(target.url, network).catch((error: Error) => error);
    if (verdict instanceof Error) return result({ outcome: 'unreachable', error: `Could not resolve the host of ${target.url}: ${verdict.message}` });
    if (!verdict.allowed) return result({ outcome: 'refused_by_policy', error: `Not connecting to ${target.url}: ${verdict.reason}.` });
  }

  const controller = new AbortController();
  let deadline: NodeJS.Timeout | undefined;
  const startDeadline = () => {
    deadline ??= setTimeout(
      () =>
        controller.abort(new CrawlError('deadline_exceeded', `The server did not finish listing its tools within ${limits.deadlineMs} ms (limit deadlineMs).`)),
      limits.deadlineMs,
    );
  };
  const interrupt = () => controller.abort(new CrawlError('interrupted', 'The crawl was interrupted.'));
  options.signal?.addEventListener('abort', interrupt, { once: true });
  const cleanups: Array<() => Promise<void>> = [];
  // The attempt's own connections (kept alive between its requests) are closed with it, not left to time out.
  const guarded = options.fetch ? undefined : guardedFetch(network, { maxResponseBytes: limits.maxMessageBytes, signal: controller.signal });
  if (guarded) cleanups.push(guarded.close);
  let readStderr: (() => string) | undefined;
  const transportErrors: Error[] = [];
  let readSandboxFailure: (() => Error | undefined) | undefined;
  let session: Session | undefined;
  const ctx: SessionContext = {
    limits,
    signal: controller.signal,
    fetch: options.fetch ?? (guarded as typeof fetch),
    npm: options.npm,
    pypi: options.pypi,
    unsafeNoSandbox: options.unsafeNoSandbox,
    startDeadline,
    onCleanup: (cleanup) => cleanups.push(cleanup),
    onStderr: (read) => (readStderr = read),
    onTransportError: (error) => transportErrors.push(error),
    onSandboxFailure: (read) => (readSandboxFailure = read),
    note: (key, value) => (details[key] = value),
  };

  try {
    const listing = await untilAborted(controller.signal, async () => {
      session = target.kind === 'remote' ? await openRemoteSession(target, ctx) : await openStdioSession(target, ctx);
      return listAllTools(session.client, limits, controller.signal);
    });
    details.pages = listing.pages;
    details.listingBytes = listing.bytes;
    if (listing.truncatedDescriptions.length > 0) details.truncatedDescriptions = listing.truncatedDescriptions;
    return result({ outcome: 'ok', transport: sessionTransport(session), server: storable(session!.info), tools: listing.tools, stderr: stderrOf(readStderr) });
  } catch (error) {
    // The client only sees "connection closed" or a timeout; the sandbox knows the real cause (an
    // over-long message, garbage on stdout). The crawler's own limits and deadline still come first.
    const cause = error instanceof CrawlError ? error : (readSandboxFailure?.() ?? error);
    const failure = failureOf(cause, target.kind !== 'remote', transportErrors);
    Object.assign(details, failure.details);
    let outcome = failure.outcome;
    let message = failure.error;
    if ((target.kind === 'npm' || target.kind === 'pypi') && outcome === 'crashed' && target.placeholders.length > 0) {
      outcome = 'needs_config';
      message = `The server did not start with placeholder values for ${target.placeholders.join(', ')}; it needs real configuration. (${message})`;
    }
    return result({
      outcome,
      error: storableText(message),
      transient: failure.transient,
      transport: sessionTransport(session),
      server: session ? storable((session as Session).info) : undefined,
      stderr: stderrOf(readStderr),
    });
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', interrupt);
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
}

function sessionTransport(session: Session | undefined): string | undefined {
  return session?.transport;
}

function stderrOf(read: (() => string) | undefined): string | undefined {
  const text = read?.();
  return text ? storableText(text) : undefined;
}

/** Runs `work`, rejecting with the signal's reason as soon as it aborts (the work is cleaned up afterwards). */
function untilAborted<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work()
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}
