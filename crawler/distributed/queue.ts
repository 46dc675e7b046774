import { createHash } from 'node:crypto';
import type { SourcedServer } from '../targets.ts';
import type { CrawlJob, CrawlJobSettings } from './crawl-job.ts';
import { type Boss, ensureQueue } from '../../queue/boss.ts';
import { CRAWL_QUEUE, LOST_QUEUE } from '../../queue/names.ts';

export interface QueueSettings {
  /** How long a worker may hold a job before it is presumed dead and the job is retried elsewhere. */
  leaseSeconds: number;
  /** Further tries for transient failures and lost workers. */
  retryLimit: number;
  /** The first wait before a retry; later waits grow exponentially (pg-boss backoff, with jitter). */
  retryDelaySeconds: number;
}

export const DEFAULT_QUEUE_SETTINGS: QueueSettings = { leaseSeconds: 15 * 60, retryLimit: 3, retryDelaySeconds: 30 };

/** Creates the queues (once per database): a job out of tries moves to the lost queue. */
export async function ensureCrawlQueues(boss: Boss): Promise<void> {
  await ensureQueue(boss, LOST_QUEUE, { retryLimit: 2, retryDelay: 5 });
  await ensureQueue(boss, CRAWL_QUEUE, { deadLetter: LOST_QUEUE });
}

/**
 * The job id of a server in a run, the same wherever it is computed: enqueuing a run twice (a coordinator
 * restarted) adds nothing, because pg-boss inserts with ON CONFLICT DO NOTHING on the id.
 */
export function crawlJobId(runId: number, serverId: string): string {
  const hex = createHash('sha256').update(`toolrisk-crawl\n${runId}\n${serverId}`).digest('hex');
  // Shaped as an RFC 9562 version-8 (custom) UUID.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Enqueues one job per server (a job already queued for the same run and server is left as it is). */
export async function enqueueCrawlJobs(
  boss: Boss,
  runId: number,
  servers: readonly SourcedServer[],
  settings: CrawlJobSettings,
  queue: QueueSettings = DEFAULT_QUEUE_SETTINGS,
): Promise<void> {
  const jobs = servers.map(({ server, targets }) => {
    const data: CrawlJob = { runId, serverId: server.id, targets, settings };
    return {
      id: crawlJobId(runId, server.id),
      name: CRAWL_QUEUE,
      data,
      expireInSeconds: queue.leaseSeconds,
      retryLimit: queue.retryLimit,
      retryDelay: queue.retryDelaySeconds,
      retryBackoff: true,
      deadLetter: LOST_QUEUE,
    };
  });
  for (let i = 0; i < jobs.length; i += 500) await boss.insert(jobs.slice(i, i + 500));
}
