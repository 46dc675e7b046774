import { writeSync } from 'node:fs';
import type { PGliteOptions } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';
import { describeFolderError } from './errors.ts';

/**
 * PGlite options for a data folder on disk whose PostgreSQL PANIC (or any abort of its runtime) ends the process
 * instead of hanging it.
 *
 * PostgreSQL panics where it cannot go on safely, most often when the disk is too full to create the next
 * write-ahead-log segment (16 MB). A server ends its backends then; PGlite 0.5 catches the abort in its protocol loop
 * and calls the dead backend again, forever, at full CPU. So the process exits here, after naming the cause: `exit`
 * handlers still run (they kill the servers a crawl started), everything committed before is replayed from the log at
 * the next open, and the next command closes a run left open.
 */
export function exitOnPanic(dataDir: string): Pick<PGliteOptions, 'fs' | 'onStderr'> {
  let panic = '';
  class PanicExitingFS extends NodeFS {
    override async init(...args: Parameters<NodeFS['init']>) {
      const { emscriptenOpts } = await super.init(...args);
      const onAbort = (what: unknown) => {
        writeSync(2, abortMessage(dataDir, panic, what));
        process.exit(1);
      };
      return { emscriptenOpts: { ...emscriptenOpts, onAbort } };
    }
  }
  return {
    fs: new PanicExitingFS(dataDir),
    onStderr(text) {
      // Only PostgreSQL's own log line (a statement's text or a key in an error detail may say "PANIC:" too).
      panic = PANIC_LINE.exec(text)?.[1] ?? panic;
      return false;
    },
  };
}

/** `2026-12-05 09:27:51.278 UTC [42] PANIC:  could not write to file "pg_wal/xlogtemp.42": No space left on device` */
const PANIC_LINE = /^\d{4}-\d\d-\d\d [\d:.]+ \w+ \[\d+\] PANIC: +(.+)/;

function abortMessage(dataDir: string, panic: string, what: unknown): string {
  const cause = panic
    ? `(PostgreSQL PANIC): ${describeFolderError(new Error(panic), dataDir)}`
    : `(its WebAssembly runtime aborted${what ? `: ${String(what)}` : ''})`;
  return (
    `toolrisk: the embedded database at ${dataDir} stopped ${cause}. ` +
    'Everything stored before this is kept; a run it was recording is closed by the next command.\n'
  );
}
