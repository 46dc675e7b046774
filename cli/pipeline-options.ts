import { Option } from 'commander';
import type { BossTiming } from '../queue/boss.ts';
import type { QueueSettings } from '../crawler/distributed/queue.ts';
import { DEFAULT_QUEUE_SETTINGS } from '../crawler/distributed/queue.ts';
import { UsageError } from './errors.ts';

/** A whole number from `min` to `max` given on the command line, or a UsageError naming the flag. */
export function wholeNumber(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return n;
}

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

export function bossTiming(flags: TimingFlags): BossTiming {
  const cronMonitor = wholeNumber('--cron-monitor-seconds', flags.cronMonitorSeconds, 1, 45);
  return {
    maintenanceIntervalSeconds: wholeNumber('--maintenance-seconds', flags.maintenanceSeconds, 1, 3600),
    cronMonitorIntervalSeconds: cronMonitor,
    cronWorkerIntervalSeconds: cronMonitor,
  };
}

export function pollSeconds(flags: TimingFlags): number | undefined {
  return wholeNumber('--poll-seconds', flags.pollSeconds, 1, 60);
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

export function queueSettings(flags: QueueFlags): QueueSettings {
  return {
    leaseSeconds: wholeNumber('--lease', flags.lease, 5, 23 * 3600) ?? DEFAULT_QUEUE_SETTINGS.leaseSeconds,
    retryLimit: wholeNumber('--retries', flags.retries, 0, 20) ?? DEFAULT_QUEUE_SETTINGS.retryLimit,
    retryDelaySeconds: wholeNumber('--retry-delay', flags.retryDelay, 1, 3600) ?? DEFAULT_QUEUE_SETTINGS.retryDelaySeconds,
  };
}
