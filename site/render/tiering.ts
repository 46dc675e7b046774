import v8 from 'node:v8';

/**
 * V8's interrupt budget: how much bytecode a function runs before the JIT considers optimising it. Eight times
 * V8's default (67,584 in Node 20), for incremental builds with something to render: such a build lasts seconds, on
 * the main thread, two render workers and the search-index thread, each an isolate warming up from nothing, and with
 * the default, V8's background threads spent more CPU compiling with TurboFan (3.5 s after a 1% crawl at 100,000
 * tools) than either render worker spent rendering (bench/RESULTS.md, 2026-12-07). A full build runs long enough for
 * early compiling to pay: it keeps the default (×16 made it 3–9% slower).
 */
const SHORT_RUN_INTERRUPT_BUDGET = 8 * 67_584;

/**
 * Makes functions wait for more interpreted work before they are optimised, from now on, in every isolate of the
 * process (V8 reads the flag whenever it resets a function's budget, so running workers follow it too). The flag is
 * V8's, for the whole process, and stays set: the CLI ends with its build, and a later build in the same process only
 * runs at another speed.
 */
export function tierForShortRun(): void {
  v8.setFlagsFromString(`--interrupt-budget=${SHORT_RUN_INTERRUPT_BUDGET}`);
}
