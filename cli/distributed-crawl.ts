import type { Command } from 'commander';
import type { DistributedProgress } from '../crawler/distributed/coordinator.ts';
import { queueOptions, timingOptions } from './pipeline-options.ts';

/** `--distributed` and its lease, retry and (hidden) timing flags, for `toolrisk crawl`. */
export function addDistributedFlags(command: Command): Command {
  command.option('--distributed', 'enqueue one job per server for `toolrisk worker` processes (PostgreSQL: set DATABASE_URL) and wait until all are done');
  for (const option of [...queueOptions, ...timingOptions]) command.addOption(option);
  return command;
}

/** The coordinator's progress on stderr: a line each time another server is done. */
export function queueProgressReporter(write: (line: string) => void = (line) => console.error(line)): (p: DistributedProgress) => void {
  let shown = -1;
  return (p) => {
    if (p.serversDone === shown) return;
    shown = p.serversDone;
    const workers = Object.keys(p.byWorker).length;
    const waiting = p.serversDone === 0 && p.active === 0 ? ' — waiting for workers: start `toolrisk worker` with the same DATABASE_URL' : '';
    write(`run ${p.runId}: ${p.serversDone}/${p.total} servers done, ${p.active} in progress, ${p.queued} queued, ${workers} workers so far${waiting}`);
  };
}
