import type { Command } from 'commander';
import { sweepStaleRuns, sweptLines } from '../../crawler/run-lease.ts';
import { openDatabase } from '../../db/index.ts';
import { runStatus } from '../../pipeline/status.ts';
import { formatTable, printJson } from '../output.ts';
import { wholeNumberFlag } from '../flag-schemas.ts';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description("Show a crawl run's progress (the latest by default): servers done by outcome, attempts by worker, the shared queue.")
    .option('--run <id>', 'the run to show')
    .option('--json', 'print JSON')
    .action(async (flags: { run?: string; json?: boolean }) => {
      const runId = wholeNumberFlag('--run', flags.run, 1, Number.MAX_SAFE_INTEGER);
      const db = await openDatabase({ brief: true });
      try {
        for (const line of sweptLines(await sweepStaleRuns(db.orm))) console.error(line);
        const status = await runStatus(db, runId, process.env.DATABASE_URL);
        if (!status)
          throw new Error(runId === undefined ? 'No crawl has run yet: start one with `toolrisk run` or `toolrisk crawl`.' : `There is no run ${runId}.`);
        if (flags.json) return printJson(status);
        const { run, progress, queue } = status;
        const total = run.servers ?? '?';
        console.log(
          `run ${run.id}: ${run.status}${run.distributed ? ' (distributed)' : ''}, started ${run.startedAt.toISOString()}${run.finishedAt ? `, finished ${run.finishedAt.toISOString()}` : ''}`,
        );
        console.log(`servers done: ${progress.serversDone}/${total} (${progress.attempts} attempts)`);
        if (Object.keys(progress.byOutcome).length > 0) console.log(`\n${formatTable(['outcome', 'servers'], Object.entries(progress.byOutcome))}`);
        if (Object.keys(progress.byWorker).length > 0) console.log(`\n${formatTable(['worker', 'attempts'], Object.entries(progress.byWorker))}`);
        if (queue) console.log(`\nqueue (all runs): ${queue.waiting} waiting, ${queue.active} held by workers, ${queue.lost} given up awaiting record`);
      } finally {
        await db.close();
      }
    });
}
