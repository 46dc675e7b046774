import { killAllSandboxes, killAllSandboxesNow } from '../crawler/sandbox/index.ts';

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

export interface InterruptOptions {
  proc?: NodeJS.Process;
  signals?: NodeJS.Signals[];
  log?: (line: string) => void;
  /** What the first signal does, for its log line (default: what a crawl does). */
  stopping?: string;
  /** Leave sandboxed servers running at the first signal (a worker finishes the jobs in hand); the second still kills them. */
  letServersFinish?: boolean;
}

const EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/**
 * The one signal handler of the CLI (crawl, run, start, schedule, worker). Turns Ctrl-C / SIGTERM / SIGHUP
 * into an orderly stop: the first signal aborts `signal` (a crawl keeps its finished attempts and marks
 * the run interrupted) and stops every sandboxed server; a second one kills every server at once and
 * exits. On any exit, servers still running are killed.
 */
export function interruptOnSignals(options: InterruptOptions = {}): Interrupts {
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
    log(
      `toolrisk: ${signal}: stopping; ${options.stopping ?? 'finished attempts are kept and the run is marked interrupted'} (${signal} again to stop at once).`,
    );
    controller.abort(new Error(`interrupted by ${signal}`));
    if (!options.letServersFinish) void killAllSandboxes();
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

/** Resolves when `signal` is aborted (at once if it already is): what a long-running command waits on. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
