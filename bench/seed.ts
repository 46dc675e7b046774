import { prepareSnapshot, storePreparedSnapshots, storeSnapshot, upsertServers, type Orm, type PreparedSnapshot, type SnapshotInput } from '../db/index.ts';
import type { SyntheticServer } from './generate.ts';

export interface SeedOptions {
  /** The crawl time recorded on every snapshot. */
  at: Date;
  /**
   * `per-server`: one storeSnapshot call (one transaction) per server, as a crawl stores each result.
   * `batched`: one storePreparedSnapshots call per `batchServers` servers (bulk loading), each listing hashed in the
   * background as it comes, as a crawl's ResultBatcher hashes each result as it arrives.
   */
  mode?: 'per-server' | 'batched';
  /** The crawl run the snapshots and their changes belong to, as a crawl's do (each change row's key is checked). */
  runId?: number;
  /** Calls in flight at once. PGlite runs them one after another anyway. */
  concurrency?: number;
  /** Servers per call in batched mode. */
  batchServers?: number;
  onBatch?: (progress: SeedProgress) => void;
}

export interface SeedProgress {
  servers: number;
  tools: number;
  /** Wall time spent storing (upserts and snapshots), excluding the time spent generating. */
  storeMs: number;
  /** This process's CPU time spent storing (generation alternates with storing, so it is excluded). */
  storeCpuMs: number;
}

/**
 * Stores a (synthetic) catalogue the way a crawl does: the servers registered, then each server's tool list stored
 * as a snapshot. Generation and storing alternate a chunk at a time, so only storing is timed; while a chunk's
 * snapshots are stored, the next chunk's servers are registered, so PostgreSQL is not left waiting on a registration
 * between chunks (bench/RESULTS.md).
 */
export async function seedCatalogue(orm: Orm, catalogue: Iterable<SyntheticServer>, options: SeedOptions): Promise<SeedProgress> {
  const progress: SeedProgress = { servers: 0, tools: 0, storeMs: 0, storeCpuMs: 0 };
  const concurrency = options.concurrency ?? 1;
  const batchServers = options.batchServers ?? 200;
  const register = (chunk: readonly SyntheticServer[]) =>
    upsertServers(
      orm,
      chunk.map((entry) => entry.server),
      options.at,
    );
  const timed = async (work: () => Promise<unknown>) => {
    const started = performance.now();
    const cpu = process.cpuUsage();
    await work();
    progress.storeMs += performance.now() - started;
    const used = process.cpuUsage(cpu);
    progress.storeCpuMs += (used.user + used.system) / 1000;
  };
  const chunks = batches(catalogue, batchServers * Math.max(CHUNK_BATCHES, concurrency));
  let current = chunks.next();
  if (!current.done) await timed(() => register(current.value));
  while (!current.done) {
    const chunk = current.value;
    const following = chunks.next();
    await timed(() => {
      const snapshots = chunk.map((entry) => ({ serverId: entry.server.id, runId: options.runId, tools: entry.tools, at: options.at }));
      return Promise.all([
        following.done ? null : register(following.value),
        options.mode === 'batched'
          ? storeBatches(orm, [...batches(snapshots, batchServers)], concurrency)
          : forEachConcurrently(snapshots, concurrency, (snapshot) => storeSnapshot(orm, snapshot)),
      ]);
    });
    progress.servers += chunk.length;
    progress.tools += chunk.reduce((sum, entry) => sum + entry.tools.length, 0);
    options.onBatch?.({ ...progress });
    current = following;
  }
  return progress;
}

/**
 * Stores the batches with `concurrency` in flight, their listings hashed in the background as a crawl hashes each
 * result when it arrives (ResultBatcher), so node hashes while the batches in flight wait on the database.
 */
async function storeBatches(orm: Orm, all: readonly SnapshotInput[][], concurrency: number): Promise<void> {
  const take = hashInBackground(all);
  await forEachConcurrently(
    all.map((_, index) => index),
    concurrency,
    (index) => storePreparedSnapshots(orm, take(index)),
  );
}

/**
 * Hashes the batches' listings in order, half a millisecond at a time between the event loop's other work; `take(i)`
 * hands batch i over, hashing there and then what the background has not reached.
 */
function hashInBackground(all: readonly SnapshotInput[][]): (index: number) => PreparedSnapshot[] {
  const prepared: PreparedSnapshot[][] = all.map(() => []);
  const taken = all.map(() => false);
  let batch = 0;
  let next = 0;
  const step = () => {
    const until = performance.now() + 0.5;
    while (batch < all.length && performance.now() < until) {
      if (taken[batch] || next === all[batch].length) {
        batch++;
        next = 0;
      } else {
        try {
          prepared[batch][next] = prepareSnapshot(all[batch][next]);
        } catch {
          // left for take(), which meets the error again in its lane
        }
        next++;
      }
    }
    if (batch < all.length) setImmediate(step);
  };
  setImmediate(step);
  return (index) => {
    taken[index] = true;
    return all[index].map((input, i) => (prepared[index][i] ??= prepareSnapshot(input)));
  };
}

/**
 * Batches of snapshots stored between two generated chunks: each chunk starts and ends with fewer than
 * `concurrency` batches in flight.
 */
const CHUNK_BATCHES = 16;

export function* batches<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Runs `work` on every item with at most `concurrency` in flight; rejects with the first failure. */
export async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
}

/**
 * As a command, fills the configured catalogue database (DATABASE_URL, or the PGlite folder under
 * TOOLRISK_DATA_DIR) with a synthetic catalogue, stored and classified:
 * node --import tsx bench/seed.ts --tools 100000 [--seed S]
 */
if (import.meta.url === `file://${process.argv[1]}`) {
  const [flag, value, seedFlag, seed] = process.argv.slice(2);
  const tools = Number(value);
  if (flag !== '--tools' || !Number.isInteger(tools) || tools < 1 || (seedFlag !== undefined && (seedFlag !== '--seed' || !seed))) {
    console.error('Usage: bench/seed.ts --tools N [--seed S]');
    process.exit(2);
  }
  const { openDatabase } = await import('../db/index.ts');
  const { classifyCatalogue } = await import('../pipeline/classify.ts');
  const { generateCatalogue } = await import('./generate.ts');
  const db = await openDatabase();
  try {
    const at = new Date();
    const stored = await seedCatalogue(db.orm, generateCatalogue({ tools, seed }), { at, mode: 'batched' });
    const { classified } = await classifyCatalogue(db.orm, { now: () => at });
    console.log(`Stored ${stored.tools} tools of ${stored.servers} servers in ${db.location}; classified ${classified} new definitions.`);
  } finally {
    await db.close();
  }
}
