import { closeRun, finishedServerIds, getRun, latestInterruptedRun, reopenRun, runServerOutcomes, type Orm } from '../db/index.ts';
import { runCrawl, type CrawlRunSummary, type RunCrawlOptions } from './run.ts';
import { killAllSandboxes, killAllSandboxesNow } from './sandbox/index.ts';
import type { SourcedServer } from './targets.ts';

export interface Interrupts {
  /** Aborted at the first SIGINT/SIGTERM: runCrawl then stops starting attempts, cuts the running ones and marks the run interrupted. */
  signal: AbortSignal;
  /** The signal that arrived, if one did. */
  received(): NodeJS.Signals | undefined;
  /** The exit code a process interrupted by it should end with (128 + signal number), or undefined. */
  exitCode(): number | undefined;
  /** Removes the handlers. */
  dispose(): void;
}

const EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * Turns Ctrl-C / SIGTERM into an orderly interruption: the first signal aborts `signal` (finished
 * attempts are kept, the run is marked interrupted) and stops every sandboxed server; a second one
 * kills every server at once and exits. On any exit, servers still running are killed.
 */
export function interruptOnSignals(
  options: { proc?: NodeJS.Process; signals?: NodeJS.Signals[]; log?: (line: string) => void } = {},
): Interrupts {
  const proc = options.proc ?? process;
  const signals = options.signals ?? ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const log = options.log ?? ((line: string) => proc.stderr.write(`${line}\n`));
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;

  const onSignal = (signal: NodeJS.Signals) => {
    if (received) {
      log(`toolrisk: ${signal} again: killing every server now.`);
      killAllSandboxesNow();
      proc.exit(EXIT_CODES[signal] ?? 1);
    }
    received = signal;
    log(`toolrisk: ${signal}: stopping; finished attempts are kept and the run is marked interrupted (${signal} again to stop at once).`);
    controller.abort(new Error(`interrupted by ${signal}`));
    void killAllSandboxes();
  };
  const onExit = () => killAllSandboxesNow();
  for (const signal of signals) proc.on(signal, onSignal);
  proc.on('exit', onExit);
  return {
    signal: controller.signal,
    received: () => received,
    exitCode: () => (received ? (EXIT_CODES[received] ?? 1) : undefined),
    dispose() {
      for (const signal of signals) proc.off(signal, onSignal);
      proc.off('exit', onExit);
    },
  };
}

export interface ResumableCrawlOptions extends RunCrawlOptions {
  /**
   * What identifies "the same crawl" (e.g. its sources, as given on the command line). When the latest
   * run was interrupted and was started with the same key, this crawl completes that run.
   */
  resumeKey?: string;
}

export interface ResumableCrawlSummary extends CrawlRunSummary {
  /** The interrupted run this crawl completed, and how many of its servers were already done. */
  resumed?: { runId: number; alreadyDone: number };
}

/**
 * Runs a crawl, or completes the interrupted one: when the latest run was interrupted with the same
 * `resumeKey`, its finished servers are skipped, the rest (including attempts cut by the interruption)
 * are crawled into that same run, and the run's summary counts every server of both sittings.
 */
export async function crawlOrResume(orm: Orm, sourced: readonly SourcedServer[], options: ResumableCrawlOptions = {}): Promise<ResumableCrawlSummary> {
  const { resumeKey, ...rest } = options;
  const runOptions = { ...rest.runOptions, ...(resumeKey !== undefined ? { resumeKey } : {}) };
  const interrupted = resumeKey !== undefined ? await latestInterruptedRun(orm) : undefined;
  if (!interrupted || interrupted.options.resumeKey !== resumeKey) return runCrawl(orm, sourced, { ...rest, runOptions });

  const done = await finishedServerIds(orm, interrupted.id);
  await reopenRun(orm, interrupted.id);
  const remaining = sourced.filter((s) => !done.has(s.server.id));
  const summary = await runCrawl(orm, remaining, { ...rest, runOptions, runId: interrupted.id });
  const outcomes = await runServerOutcomes(orm, interrupted.id);
  const previous = interrupted.summary ?? {};
  const merged = {
    servers: summary.servers + done.size,
    attempts: summary.attempts + Number(previous.attempts ?? 0),
    outcomes,
    changes: summary.changes + Number(previous.changes ?? 0),
    durationMs: summary.durationMs + Number(previous.durationMs ?? 0),
    sittings: Number(previous.sittings ?? 1) + 1,
  };
  const run = await getRun(orm, interrupted.id);
  await closeRun(orm, interrupted.id, summary.status, run?.finishedAt ?? (rest.now ?? (() => new Date()))(), merged);
  return { ...summary, ...merged, resumed: { runId: interrupted.id, alreadyDone: done.size } };
}
