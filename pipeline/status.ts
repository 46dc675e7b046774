import { getRun, latestRuns, runProgress, type CrawlRunRow, type Database, type RunProgress } from '../db/index.ts';
import { openBoss } from '../queue/boss.ts';
import { CRAWL_QUEUE, LOST_QUEUE } from '../queue/names.ts';

export interface QueueCounts {
  /** Jobs waiting for a worker (new or waiting to be retried). */
  waiting: number;
  /** Jobs held by a worker now. */
  active: number;
  /** Jobs given up and not yet stored as interrupted. */
  lost: number;
}

export interface RunStatus {
  run: Pick<CrawlRunRow, 'id' | 'status' | 'startedAt' | 'finishedAt'> & { servers: number | null; distributed: boolean };
  progress: RunProgress;
  /** The shared crawl queue (all runs), on PostgreSQL once a distributed crawl has used it. */
  queue?: QueueCounts;
}

/** A run's progress (the latest run by default), across every worker that has written to it. */
export async function runStatus(db: Database, runId?: number, url?: string): Promise<RunStatus | undefined> {
  const run = runId === undefined ? (await latestRuns(db.orm, 1))[0] : await getRun(db.orm, runId);
  if (!run) return undefined;
  const options = run.options as { servers?: number; distributed?: boolean };
  return {
    run: {
      id: run.id,
      status: run.status,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      servers: typeof options.servers === 'number' ? options.servers : null,
      distributed: options.distributed === true,
    },
    progress: await runProgress(db.orm, run.id),
    queue: url ? await queueCounts(url) : undefined,
  };
}

async function queueCounts(url: string): Promise<QueueCounts | undefined> {
  let boss: Awaited<ReturnType<typeof openBoss>>;
  try {
    boss = await openBoss(url, { observeOnly: true, onError: () => {} });
  } catch {
    return undefined; // no distributed crawl has run on this database yet
  }
  try {
    if (!(await boss.getQueue(CRAWL_QUEUE))) return undefined;
    const [waiting, unfinished, lost] = await Promise.all([
      boss.getQueueSize(CRAWL_QUEUE, { before: 'active' }),
      boss.getQueueSize(CRAWL_QUEUE, { before: 'completed' }),
      boss.getQueueSize(LOST_QUEUE, { before: 'completed' }),
    ]);
    return { waiting, active: unfinished - waiting, lost };
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
}
