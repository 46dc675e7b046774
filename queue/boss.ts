import PgBoss from 'pg-boss';
import { maskPassword } from '../db/index.ts';

/**
 * The only module that imports pg-boss: crawler, pipeline and CLI reach the queue through these types and
 * functions, so its version and settings are decided in one place.
 */
export type Boss = PgBoss;
/** A job as a worker receives it (with its metadata: id, creation and start times). */
export type BossJob<T extends object = object> = PgBoss.JobWithMetadata<T>;
/** A job as it is inserted. */
export type BossJobInsert<T extends object = object> = PgBoss.JobInsert<T>;

/** pg-boss's clocks, in seconds. The defaults suit production; tests shorten them. */
export interface BossTiming {
  /** How often expired leases are failed (and so retried) and old jobs archived. pg-boss default: 120. */
  maintenanceIntervalSeconds?: number;
  /** How often an instance checks whether a cron minute is due. pg-boss default: 30. */
  cronMonitorIntervalSeconds?: number;
  /** How often due cron jobs are turned into queue jobs. pg-boss default: 5. */
  cronWorkerIntervalSeconds?: number;
}

export interface OpenBossOptions {
  /** Run pg-boss's cron timekeeper in this process (only `toolrisk schedule` needs it). */
  schedule?: boolean;
  /** Only look (`toolrisk status`): no maintenance, no schema creation. */
  observeOnly?: boolean;
  timing?: BossTiming;
  /** pg-boss reports background errors (a lost connection, a failed maintenance) here. */
  onError?: (error: Error) => void;
}

/**
 * Starts pg-boss on the catalogue's PostgreSQL database. It keeps its tables in its own `pgboss` schema,
 * created (or migrated) on first start, so each database has its own queues.
 */
export async function openBoss(url: string, options: OpenBossOptions = {}): Promise<Boss> {
  const boss = new PgBoss({
    connectionString: url,
    application_name: 'toolrisk',
    max: 4,
    schedule: options.schedule ?? false,
    supervise: !options.observeOnly,
    migrate: !options.observeOnly,
    // pg-boss checks `'key' in config`, so a key present with an undefined value must not be passed.
    ...Object.fromEntries(Object.entries(options.timing ?? {}).filter(([, value]) => value !== undefined)),
  });
  boss.on('error', (error: Error) => (options.onError ?? ((e) => console.error(`pg-boss: ${e.message}`)))(error));
  try {
    await boss.start();
  } catch (error) {
    throw new Error(`Could not start the job queue (pg-boss) on ${maskPassword(url)}: ${(error as Error).message}`, { cause: error });
  }
  return boss;
}

export type QueueSettings = Omit<PgBoss.Queue, 'name'>;

/** Creates the queue, or brings an existing one's settings up to date; safe when many processes do it at once. */
export async function ensureQueue(boss: Boss, name: string, settings: QueueSettings): Promise<void> {
  await retryOnDeadlock(() => boss.createQueue(name, { name, ...settings }));
  await retryOnDeadlock(() => boss.updateQueue(name, { name, ...settings }));
}

/**
 * Runs an idempotent pg-boss call again when PostgreSQL chose it as a deadlock victim. Creating a queue
 * attaches a partition to pg-boss's job table, which can deadlock with another instance's maintenance or
 * queue creation; PostgreSQL rolls the victim back, so running it again is safe.
 */
export async function retryOnDeadlock<T>(call: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const deadlock = (error as { code?: string }).code === '40P01' || /deadlock detected/i.test((error as Error).message);
      if (!deadlock || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + Math.random() * 100));
    }
  }
}

/** Refuses the distributed features on the embedded database, saying what to do instead. */
export function requirePostgres(url: string | undefined, feature: string): string {
  if (!url) {
    throw new Error(
      `${feature} needs PostgreSQL: the embedded database (PGlite) lives in one process. ` +
        'Set DATABASE_URL=postgres://user@host:5432/db (the same for every machine) and try again.',
    );
  }
  return url;
}

/** Stops a boss opened by openBoss without waiting for jobs in flight (their leases expire and they are retried). */
export async function closeBoss(boss: Boss): Promise<void> {
  await boss.stop({ graceful: false });
}
