import { prepareSnapshot, recordAttempts, storePreparedSnapshots, type Orm, type PreparedSnapshot, type SnapshotInput } from '../db/index.ts';
import { attemptRow, storePackageInfo, storeResult, type StorableResult } from './store-result.ts';

export interface ResultBatchOptions {
  /** Results stored in one transaction at most. */
  maxResults?: number;
  /** How long a result waits for others before its batch is stored anyway. */
  maxWaitMs?: number;
}

interface Pending {
  serverId: string;
  result: StorableResult;
  /** A successful listing, hashed as it arrived (while the batches before it were stored), unless that failed. */
  snapshot?: PreparedSnapshot;
  resolve(changes: number): void;
  reject(error: unknown): void;
}

/**
 * Stores crawl results in batches: the successful listings of a batch with one `storeSnapshots` call and
 * every attempt row (one statement), all in one transaction. One transaction per batch instead of two per server is what
 * lets a crawl of many remote servers keep up (on PGlite each transaction syncs files). If a batch fails,
 * its results are stored one by one, so one bad result costs only its own server.
 */
export class ResultBatcher {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private chain: Promise<void> = Promise.resolve();
  private readonly maxResults: number;
  private readonly maxWaitMs: number;

  constructor(
    private readonly orm: Orm,
    private readonly runId: number,
    options: ResultBatchOptions = {},
  ) {
    this.maxResults = options.maxResults ?? 64;
    this.maxWaitMs = options.maxWaitMs ?? 50;
  }

  /** Resolves with the number of tool changes recorded once the result's batch is stored. */
  store(serverId: string, result: StorableResult): Promise<number> {
    return new Promise((resolve, reject) => {
      // A server's results within a run go to separate batches, in order (storeSnapshots takes a server once).
      if (this.pending.some((p) => p.serverId === serverId)) this.flush();
      this.pending.push({
        serverId,
        result,
        snapshot: result.outcome === 'ok' ? preparedOrNot(this.snapshotOf(serverId, result)) : undefined,
        resolve,
        reject,
      });
      if (this.pending.length >= this.maxResults) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.maxWaitMs);
    });
  }

  /** Stores what is waiting; resolves once every batch handed over so far is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 0) this.chain = this.chain.then(() => this.write(batch));
    return this.chain;
  }

  private async write(batch: Pending[]): Promise<void> {
    let changes: number[];
    try {
      changes = await this.orm.transaction(async (tx) => {
        const ok = batch.filter((p) => p.result.outcome === 'ok');
        const snapshots = await storePreparedSnapshots(
          tx,
          ok.map((p) => p.snapshot ?? prepareSnapshot(this.snapshotOf(p.serverId, p.result))),
        );
        const byServer = new Map(ok.map((p, i) => [p.serverId, snapshots[i].changes.length]));
        for (const p of batch) await storePackageInfo(tx, p.serverId, p.result);
        await recordAttempts(
          tx,
          batch.map((p) => attemptRow(this.runId, p.serverId, p.result)),
        );
        return batch.map((p) => (p.result.outcome === 'ok' ? byServer.get(p.serverId)! : 0));
      });
    } catch {
      for (const p of batch) await storeResult(this.orm, this.runId, p.serverId, p.result).then(p.resolve, p.reject);
      return;
    }
    for (const [i, p] of batch.entries()) p.resolve(changes[i]);
  }

  private snapshotOf(serverId: string, result: StorableResult): SnapshotInput {
    return { serverId, runId: this.runId, tools: result.tools!, at: result.startedAt };
  }
}

/** The listing hashed, or undefined where it cannot be: storing the batch meets the error again, and stores its results one by one. */
function preparedOrNot(input: SnapshotInput): PreparedSnapshot | undefined {
  try {
    return prepareSnapshot(input);
  } catch {
    return undefined;
  }
}
