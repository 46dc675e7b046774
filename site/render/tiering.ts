import v8 from 'node:v8';

/** V8's interrupt budget in Node 20 (V8 11.3): how much bytecode a function runs before the JIT considers optimising it. */
const V8_DEFAULT_INTERRUPT_BUDGET = 67_584;

/**
 * How much larger the budget is for an incremental build with something to render: such a build lasts seconds, on the
 * main thread, two render workers and the search-index thread, each an isolate warming up from nothing, and with the
 * default, V8's background threads spent more CPU compiling with TurboFan (3.5 s after a 1% crawl at 100,000 tools)
 * than either render worker spent rendering (bench/RESULTS.md, 2026-12-07). A full build runs long enough for early
 * compiling to pay: it keeps the default (×16 made it 3–9% slower).
 */
const SHORT_RUN_FACTOR = 8;

/**
 * Makes functions wait for more interpreted work before they are optimised, in every isolate of the process (V8 reads
 * the flag whenever it resets a function's budget, so running workers follow it too), until the returned function puts
 * the budget back: the flag is the whole process's, and a long-lived one (`toolrisk schedule` builds in process) goes
 * on crawling after its build.
 */
export function tierForShortRun(): () => void {
  const usual = startingBudget();
  v8.setFlagsFromString(`--interrupt-budget=${SHORT_RUN_FACTOR * usual}`);
  return () => v8.setFlagsFromString(`--interrupt-budget=${usual}`);
}

/** The budget this process was started with: V8's default unless `--interrupt-budget` was given to node. */
export function startingBudget(execArgv: readonly string[] = process.execArgv): number {
  for (const arg of execArgv) {
    const given = /^--interrupt[-_]budget=(\d+)$/.exec(arg);
    if (given) return Number(given[1]);
  }
  return V8_DEFAULT_INTERRUPT_BUDGET;
}
