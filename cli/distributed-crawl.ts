import type { Command } from 'commander';
import { closeBoss, openBoss, requirePostgres } from '../queue/boss.ts';
import { runDistributedCrawl } from '../crawler/distributed/coordinator.ts';
import type { CrawlOptions, SourcedServer } from '../crawler/index.ts';
import { crawlOrResume, type CrawlRunner, type ResumableCrawlSummary } from '../crawler/run-lifecycle.ts';
import type { Database } from '../db/index.ts';
import { bossTiming, queueOptions, queueSettings, timingOptions, type QueueFlags, type TimingFlags } from './pipeline-options.ts';

export interface DistributedFlags extends QueueFlags, TimingFlags {
  distributed?: boolean;
}

/** `--distributed` and its lease, retry and (hidden) timing flags, for `toolrisk crawl`. */
export function addDistributedFlags(command: Command): Command {
  command.option('--distributed', 'enqueue one job per server for `toolrisk worker` processes (PostgreSQL: set DATABASE_URL) and wait until all are done');
  for (const option of [...queueOptions, ...timingOptions]) command.addOption(option);
  return command;
}

/** Fails at once, before anything is read or opened, when --distributed cannot work here. */
export function checkDistributed(flags: DistributedFlags): void {
  if (flags.distributed) requirePostgres(process.env.DATABASE_URL, '--distributed');
}

/** The coordinator side of `toolrisk crawl --distributed`: progress on stderr, a summary like runCrawl's. */
export async function crawlDistributed(
  database: Database,
  selected: readonly SourcedServer[],
  flags: DistributedFlags,
  options: Pick<CrawlOptions, 'limits' | 'network'> & {
    runOptions: Record<string, unknown>;
    resumeKey: string;
    signal: AbortSignal;
    quiet?: boolean;
    log?: (line: string) => void;
  },
): Promise<ResumableCrawlSummary> {
  const boss = await openBoss(requirePostgres(process.env.DATABASE_URL, '--distributed'), { timing: bossTiming(flags) });
  let shown = -1;
  const coordinate: CrawlRunner = (orm, servers, run) =>
    runDistributedCrawl(orm, servers, {
      boss,
      queue: queueSettings(flags),
      settings: { limits: options.limits, network: options.network },
      runOptions: run.runOptions,
      runId: run.runId,
      signal: run.signal,
      onProgress: (p) => {
        if (options.quiet || p.serversDone === shown) return;
        shown = p.serversDone;
        const workers = Object.keys(p.byWorker).length;
        const waiting = p.serversDone === 0 && p.active === 0 ? ' — waiting for workers: start `toolrisk worker` with the same DATABASE_URL' : '';
        console.error(
          `run ${p.runId}: ${p.serversDone}/${p.total} servers done, ${p.active} in progress, ${p.queued} queued, ${workers} workers so far${waiting}`,
        );
      },
    });
  try {
    const { resumeKey, runOptions, signal, log } = options;
    return await crawlOrResume(database.orm, selected, { runOptions, resumeKey, signal, log }, coordinate);
  } finally {
    await closeBoss(boss);
  }
}
