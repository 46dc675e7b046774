// A test worker that dies (a crash, process.exit, an exception thrown after its file's tests) takes its file's
// results with it, and vitest reports only "Worker exited unexpectedly". This says which test it was running and
// how it ended, on stderr, where .ci/run's summary finds it (.ci/test-summary).
import { writeSync } from 'node:fs';
import { beforeEach } from 'vitest';

const MARK = 'toolrisk-test-worker';
const state = globalThis as { [MARK]?: { test: string } };

function report(text: string): void {
  try {
    writeSync(2, `\n${MARK} ${process.pid}: ${text} (last test started: ${state[MARK]?.test ?? 'none'})\n`);
  } catch {
    // stderr gone: nothing to tell
  }
}

if (!state[MARK]) {
  state[MARK] = { test: 'none' };
  process.on('uncaughtExceptionMonitor', (error, origin) => report(`${origin}: ${error?.stack ?? String(error)}`));
  process.on('exit', (code) => {
    if (code !== 0) report(`exiting with code ${code}`);
  });
}

beforeEach(({ task }) => {
  state[MARK]!.test = `${task.file.filepath} > ${task.name}`;
});
