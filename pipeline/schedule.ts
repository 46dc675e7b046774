import { Cron } from 'croner';
import { type Boss, type BossJob, ensureQueue, retryOnDeadlock } from '../queue/boss.ts';
import { SCHEDULE_QUEUE } from '../queue/names.ts';
import { getState, setState, type Orm } from '../db/index.ts';

/** One firing of the schedule: when it was due, and who picked it up. */
export interface Tick {
  /** When the tick was due (croner) or when pg-boss queued it. */
  at: Date;
  /** A name for the log: `local` or the pg-boss job id. */
  id: string;
}

export interface ScheduleOptions {
  /** A cron expression; croner's syntax in process (5 or 6 fields), pg-boss's (5 fields, minute granularity) on PostgreSQL. */
  cron: string;
  timezone?: string;
  /** Runs the pipeline once and returns a one-line summary for the log. Its errors are logged, never fatal. */
  run: (tick: Tick) => Promise<string>;
  log: (line: string) => void;
  now?: () => Date;
}

export interface Scheduler {
  /** When the next tick is due, when known. */
  nextRun(): Date | null;
  /** Stops firing and waits for a run in progress to end. */
  stop(): Promise<void>;
}

/** Checks a cron expression, with a message that says what is wrong. */
export function parseCron(cron: string, { seconds, timezone }: { seconds: boolean; timezone?: string }): Cron {
  const fields = cron.trim().split(/\s+/).length;
  if (!seconds && fields !== 5) {
    throw new Error(`The cron expression "${cron}" has ${fields} fields; scheduling on PostgreSQL (pg-boss) takes 5 (minute hour day month weekday).`);
  }
  let parsed: Cron;
  try {
    parsed = new Cron(cron, { paused: true, mode: seconds ? '5-or-6-parts' : '5-part', timezone });
  } catch (error) {
    throw new Error(`The cron expression "${cron}" is not valid: ${(error as Error).message}`);
  }
  try {
    parsed.nextRun(); // the time zone is only checked when a date is computed
  } catch {
    throw new Error(`"${timezone}" is not a time zone: give an IANA name such as UTC or Europe/Paris.`);
  }
  return parsed;
}

/**
 * Runs `run` on the cron expression in this process (the embedded-database path). A tick that comes while
 * a run is still going is skipped and logged; a failed run is logged and the schedule goes on.
 */
export function scheduleInProcess(options: ScheduleOptions): Scheduler {
  parseCron(options.cron, { seconds: true, timezone: options.timezone }).stop();
  let current: Promise<void> | null = null;
  const job = new Cron(
    options.cron,
    {
      timezone: options.timezone,
      mode: '5-or-6-parts',
      protect: () => options.log(`tick at ${iso((options.now ?? (() => new Date()))())} skipped: the previous run is still going`),
    },
    async (self: Cron) => {
      const at = self.currentRun() ?? new Date();
      current = runLogged(options, { at, id: 'local' });
      await current;
      current = null;
    },
  );
  return {
    nextRun: () => job.nextRun(),
    async stop() {
      job.stop();
      // croner logs a skipped tick from a timer of its own, queued when the tick came during a run: let one that
      // is already queued log before stop() resolves, not after the caller has said the schedule stopped.
      await new Promise((resolve) => setTimeout(resolve, 0));
      await current;
    },
  };
}

export interface PgBossScheduleOptions extends ScheduleOptions {
  boss: Boss;
  /** The catalogue database: the time the last scheduled run finished is kept there. */
  orm: Orm;
  /** The pg-boss queue that carries scheduled runs. */
  queue?: string;
  /** How long one run may hold the schedule before pg-boss considers its holder dead (at most 23 hours). */
  leaseSeconds?: number;
  pollingIntervalSeconds?: number;
}

const LAST_FINISHED_KEY = 'schedule:last-finished';

/**
 * Runs `run` on pg-boss's cron, so that any number of processes sharing one PostgreSQL database fire each
 * tick exactly once: pg-boss's timekeeper turns each cron minute into one job (it debounces across
 * instances), and the queue's `singleton` policy lets only one such job be active at a time. A job that
 * waited behind a run still going is a tick that overlapped it: it is skipped and logged.
 */
export async function scheduleWithPgBoss(options: PgBossScheduleOptions): Promise<Scheduler> {
  const cron = parseCron(options.cron, { seconds: false, timezone: options.timezone });
  const queue = options.queue ?? SCHEDULE_QUEUE;
  const now = options.now ?? (() => new Date());
  const { boss, orm } = options;
  // A failed run is not retried: the next tick runs again.
  await ensureQueue(boss, queue, { policy: 'singleton', retryLimit: 0, expireInSeconds: options.leaseSeconds ?? 12 * 3600 });
  await retryOnDeadlock(() => boss.schedule(queue, options.cron, {}, { tz: options.timezone ?? 'UTC' }));

  const handle = async (job: BossJob) => {
    // Both times are the database's clock, so instances whose clocks differ still agree.
    const lastFinished = await getState<string>(orm, LAST_FINISHED_KEY);
    if (lastFinished && new Date(lastFinished) > job.createdOn) {
      options.log(`tick at ${iso(job.createdOn)} skipped: it came while the previous run was still going`);
      return;
    }
    const started = Date.now();
    try {
      await runLogged(options, { at: job.createdOn, id: job.id });
    } finally {
      const finished = new Date(job.startedOn.getTime() + (Date.now() - started));
      await setState(orm, LAST_FINISHED_KEY, finished.toISOString(), now());
    }
  };
  let current: Promise<void> | null = null;
  const workerId = await boss.work<object>(
    queue,
    { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
    async ([job]) => {
      current = handle(job);
      await current.finally(() => (current = null));
    },
  );
  return {
    nextRun: () => cron.nextRun(),
    async stop() {
      await boss.offWork({ id: workerId });
      await current;
    },
  };
}

async function runLogged(options: ScheduleOptions, tick: Tick): Promise<void> {
  const started = Date.now();
  options.log(`run started (tick at ${iso(tick.at)}, ${tick.id})`);
  try {
    const summary = await options.run(tick);
    options.log(`run finished in ${seconds(started)}: ${summary}`);
  } catch (error) {
    options.log(`run failed after ${seconds(started)}: ${(error as Error).message ?? String(error)}; the schedule goes on`);
  }
}

const iso = (date: Date) => date.toISOString();
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)}s`;
