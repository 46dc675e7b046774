import { Option } from 'commander';
import { z } from 'zod';
import type { DistributedConfig } from '../crawler/crawl-entry.ts';
import { DEFAULT_QUEUE_SETTINGS, type QueueSettings } from '../crawler/distributed/queue.ts';
import { type BossTiming, requirePostgres } from '../queue/boss.ts';
import { parseFlags, wholeNumber } from './flag-schemas.ts';

/** pg-boss's clocks, shortened by tests; hidden from --help. */
export const timingOptions = [
  new Option('--maintenance-seconds <s>', 'how often expired leases are retried (pg-boss maintenance)').hideHelp(),
  new Option('--cron-monitor-seconds <s>', 'how often pg-boss checks whether a cron minute is due').hideHelp(),
  new Option('--poll-seconds <s>', 'how often an idle worker asks for a job').hideHelp(),
];

export interface TimingFlags {
  maintenanceSeconds?: string;
  cronMonitorSeconds?: string;
  pollSeconds?: string;
}

const timingSchema = z
  .object({
    maintenanceSeconds: wholeNumber('--maintenance-seconds', 1, 3600),
    cronMonitorSeconds: wholeNumber('--cron-monitor-seconds', 1, 45),
    pollSeconds: wholeNumber('--poll-seconds', 1, 60),
  })
  .transform((flags) => ({
    boss: {
      maintenanceIntervalSeconds: flags.maintenanceSeconds,
      cronMonitorIntervalSeconds: flags.cronMonitorSeconds,
      cronWorkerIntervalSeconds: flags.cronMonitorSeconds,
    } satisfies BossTiming,
    pollSeconds: flags.pollSeconds,
  }));

/** The timing group: pg-boss's clocks, and how often an idle worker polls. */
export function timingFrom(flags: TimingFlags): { boss: BossTiming; pollSeconds?: number } {
  return parseFlags(timingSchema, flags);
}

/** The distributed crawl's lease and retries. */
export const queueOptions = [
  new Option(
    '--lease <seconds>',
    `how long a worker may hold a server's job before it is presumed dead and the job is retried (default ${DEFAULT_QUEUE_SETTINGS.leaseSeconds})`,
  ),
  new Option('--retries <n>', `further tries of a server after a transient failure or a lost worker (default ${DEFAULT_QUEUE_SETTINGS.retryLimit})`),
  new Option('--retry-delay <seconds>', `first wait before a retry, doubling each time (default ${DEFAULT_QUEUE_SETTINGS.retryDelaySeconds})`),
];

export interface QueueFlags {
  lease?: string;
  retries?: string;
  retryDelay?: string;
}

const queueSchema = z
  .object({
    lease: wholeNumber('--lease', 5, 23 * 3600),
    retries: wholeNumber('--retries', 0, 20),
    retryDelay: wholeNumber('--retry-delay', 1, 3600),
  })
  .transform(
    (flags): QueueSettings => ({
      leaseSeconds: flags.lease ?? DEFAULT_QUEUE_SETTINGS.leaseSeconds,
      retryLimit: flags.retries ?? DEFAULT_QUEUE_SETTINGS.retryLimit,
      retryDelaySeconds: flags.retryDelay ?? DEFAULT_QUEUE_SETTINGS.retryDelaySeconds,
    }),
  );

export interface DistributedFlags extends QueueFlags, TimingFlags {
  distributed?: boolean;
}

/**
 * The queue and timing groups as the crawl's `distributed` setting: null without --distributed; with it,
 * fails at once, before anything is read or opened, when DATABASE_URL is not a PostgreSQL URL.
 */
export function distributedFrom(flags: DistributedFlags): DistributedConfig | null {
  const queue = parseFlags(queueSchema, flags);
  const timing = timingFrom(flags);
  if (!flags.distributed) return null;
  return { databaseUrl: requirePostgres(process.env.DATABASE_URL, '--distributed'), queue, timing: timing.boss };
}
