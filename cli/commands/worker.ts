import type { Command } from 'commander';
import { openDatabase } from '../../db/index.ts';
import { openBoss, requirePostgres } from '../../queue/boss.ts';
import { startCrawlWorker } from '../../crawler/distributed/worker.ts';
import { interruptOnSignals, untilAborted } from '../interrupts.ts';
import { printable } from '../output.ts';
import { wholeNumberFlag } from '../flag-schemas.ts';
import { timingFrom, timingOptions, type TimingFlags } from '../pipeline-options.ts';

export function registerWorker(program: Command): void {
  const command = program
    .command('worker')
    .description('Crawl servers from the shared job queue (PostgreSQL): start any number, on any machines, then `toolrisk crawl --distributed`.')
    .option('--concurrency <n>', 'servers crawled at once by this worker', '2')
    .option('--name <name>', 'how this worker is shown in `toolrisk status` (default host:pid)');
  for (const option of timingOptions) command.addOption(option);
  command.action(async (flags: { concurrency: string; name?: string } & TimingFlags) => {
    const concurrency = wholeNumberFlag('--concurrency', flags.concurrency, 1, 256)!;
    const timing = timingFrom(flags);
    const url = requirePostgres(process.env.DATABASE_URL, '`toolrisk worker`');
    const db = await openDatabase({ url, maxConnections: concurrency + 2 });
    const boss = await openBoss(url, { timing: timing.boss }).catch(async (error) => {
      await db.close();
      throw error;
    });
    const log = (line: string) => console.log(`${new Date().toISOString()} ${printable(line)}`);
    const worker = await startCrawlWorker({ boss, orm: db.orm, concurrency, name: flags.name, pollingIntervalSeconds: timing.pollSeconds, log });
    log(`worker ${worker.name} is taking crawl jobs (${concurrency} at once); Ctrl-C finishes the jobs in hand and stops`);
    const interrupts = interruptOnSignals({ stopping: 'finishing the jobs in hand', letServersFinish: true });
    await untilAborted(interrupts.signal);
    log('stopping: finishing the jobs in hand');
    try {
      await worker.stop();
      await boss.stop({ graceful: true, timeout: 30_000 });
      await db.close();
    } finally {
      interrupts.dispose();
    }
    log(`stopped after ${worker.completed()} jobs`);
  });
}
