import type { Command } from 'commander';
import { closeBoss, openBoss } from '../../queue/boss.ts';
import { openDatabase } from '../../db/index.ts';
import { parseCron, scheduleInProcess, scheduleWithPgBoss, type Scheduler } from '../../pipeline/schedule.ts';
import { UsageError } from '../errors.ts';
import { interruptOnSignals, untilAborted } from '../interrupts.ts';
import { printable } from '../output.ts';
import { timingFrom } from '../pipeline-options.ts';
import { oneLineSummary } from '../pipeline-report.ts';
import { addRunFlags, runConfigFrom, type RunConfig, type RunFlags } from '../run-config.ts';
import { runOnce } from './run.ts';

interface ScheduleFlags extends RunFlags {
  cron: string;
  timezone?: string;
}

export function registerSchedule(program: Command): void {
  const command = program
    .command('schedule')
    .description(
      'Run the pipeline on a cron schedule until stopped, never two runs at once. With DATABASE_URL, pg-boss schedules it, ' +
        'so any number of `toolrisk schedule` processes fire each run exactly once.',
    )
    .requiredOption('--cron <expression>', 'when to run, e.g. "0 3 * * *" (03:00 every day); in process, a 6-field form with seconds works too')
    .option('--timezone <tz>', "the cron expression's time zone (default UTC)", 'UTC');
  addRunFlags(command).action(async (flags: ScheduleFlags) => schedule(flags));
}

async function schedule(flags: ScheduleFlags): Promise<void> {
  const url = process.env.DATABASE_URL || undefined;
  try {
    parseCron(flags.cron, { seconds: !url, timezone: flags.timezone });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const config = await runConfigFrom(flags);
  const log = (line: string) => console.log(`${new Date().toISOString()} ${printable(line)}`);
  const interrupts = interruptOnSignals({ stopping: 'a run in progress is interrupted' });
  try {
    await scheduleUntilStopped(flags, url, config, log, interrupts.signal);
  } finally {
    interrupts.dispose();
  }
}

async function scheduleUntilStopped(
  flags: ScheduleFlags,
  url: string | undefined,
  config: RunConfig,
  log: (line: string) => void,
  signal: AbortSignal,
): Promise<void> {
  // Each run opens the database and closes it after, so the embedded database is free between runs.
  const run = async () => {
    const db = await openDatabase();
    try {
      return oneLineSummary(await runOnce(db, config, { signal }));
    } finally {
      await db.close();
    }
  };

  let scheduler: Scheduler;
  let close = async () => {};
  if (url) {
    const timing = timingFrom(flags);
    const boss = await openBoss(url, { schedule: true, timing: timing.boss, onError: (e) => log(`pg-boss: ${e.message}`) });
    const db = await openDatabase({ url, maxConnections: 2 });
    scheduler = await scheduleWithPgBoss({
      boss,
      orm: db.orm,
      cron: flags.cron,
      timezone: flags.timezone,
      run,
      log,
      pollingIntervalSeconds: timing.pollSeconds,
    });
    close = async () => {
      await closeBoss(boss);
      await db.close();
    };
    log(`scheduled on pg-boss at ${db.location}: "${flags.cron}" (${flags.timezone}); every instance sharing this database fires each run once`);
  } else {
    scheduler = scheduleInProcess({ cron: flags.cron, timezone: flags.timezone, run, log });
    log(`scheduled in this process: "${flags.cron}" (${flags.timezone})`);
  }
  log(`next run at ${scheduler.nextRun()?.toISOString() ?? 'never'}; Ctrl-C stops (a run in progress is interrupted)`);

  await untilAborted(signal);
  log('stopping');
  await scheduler.stop();
  await close();
  log('stopped');
}
