import os from 'node:os';
import { count, sql } from 'drizzle-orm';
import { openRun, toolDefinitions } from '../db/index.ts';
import { generateCatalogue } from './generate.ts';
import { processCpuSeconds } from './measure.ts';
import { seedCatalogue } from './seed.ts';
import { throwawayDatabase, type ThrowawayDatabase } from './throwaway.ts';
import type { Figures } from './types.ts';

export interface StoreParams {
  backend: 'pglite' | 'postgres';
  tools: number;
  mode: 'per-server' | 'batched';
  /** Snapshots in flight at once (per-server mode). */
  concurrency: number;
  /** The PostgreSQL server to create the throwaway database on. */
  postgresUrl: string;
}

/**
 * Tool definitions a second through storeSnapshot, as a first crawl stores them (every tool new, in a crawl run), then a
 * second pass over the first tenth of the servers with identical listings (the daily re-crawl case).
 */
export async function benchStore(params: StoreParams, log: (line: string) => void): Promise<Figures> {
  const db = await throwawayDatabase(params.backend, params.postgresUrl);
  try {
    const at = new Date('2026-01-01T00:00:00Z');
    const first = await seedCatalogue(db.orm, generateCatalogue({ tools: params.tools }), {
      at,
      runId: (await openRun(db.orm, at)).id,
      mode: params.mode,
      concurrency: params.concurrency,
      onBatch: (p) => {
        if (p.servers % 8000 === 0) log(`${p.servers} servers, ${p.tools} tools, ${Math.round(p.tools / (p.storeMs / 1000))}/s`);
      },
    });
    const serverCpuSeconds = params.backend === 'postgres' ? await backendCpuSeconds(db) : undefined;
    const nextDay = new Date('2026-01-02T00:00:00Z');
    const again = await seedCatalogue(db.orm, generateCatalogue({ tools: Math.ceil(params.tools / 10) }), {
      at: nextDay,
      runId: (await openRun(db.orm, nextDay)).id,
      mode: params.mode,
      concurrency: params.concurrency,
    });
    const [{ definitions }] = await db.orm.select({ definitions: count() }).from(toolDefinitions);
    return {
      servers: first.servers,
      tools: first.tools,
      'distinct definitions': definitions,
      'store seconds': round(first.storeMs / 1000, 1),
      'tools/s (first crawl)': Math.round(first.tools / (first.storeMs / 1000)),
      'tools/s (unchanged re-crawl)': Math.round(again.tools / (again.storeMs / 1000)),
      'ms per server snapshot': round(first.storeMs / first.servers, 2),
      'node CPU s while storing (first crawl, generation excluded)': round(first.storeCpuMs / 1000, 1),
      'node CPU µs a tool': Math.round((first.storeCpuMs * 1000) / first.tools),
      ...(serverCpuSeconds === undefined
        ? {}
        : {
            'PostgreSQL backends CPU s (first crawl)': round(serverCpuSeconds, 1),
            'PostgreSQL CPU µs a tool': Math.round((serverCpuSeconds * 1e6) / first.tools),
            ...cpuCeiling(first.storeCpuMs / 1000 + serverCpuSeconds, first.storeMs / 1000, first.tools),
          }),
    };
  } finally {
    await db.dispose();
  }
}

/**
 * How far the store is from what this machine's cores could give (PostgreSQL on the same machine): the throughput
 * if node and PostgreSQL kept every core busy all the time, and the share of the cores' time they used.
 */
function cpuCeiling(cpuSeconds: number, wallSeconds: number, tools: number): Figures {
  const cores = os.availableParallelism();
  return {
    [`tools/s with all ${cores} cores busy (the CPU ceiling of this design here)`]: Math.round((tools * cores) / cpuSeconds),
    'share of the cores used while storing': `${Math.round((cpuSeconds / (wallSeconds * cores)) * 100)}%`,
  };
}

/** CPU time of the PostgreSQL backends serving this database's connections (the server runs on this machine). */
async function backendCpuSeconds(db: ThrowawayDatabase): Promise<number> {
  const rows = (await db.orm.execute(sql`select pid from pg_stat_activity where datname = current_database()`)) as unknown as Array<{ pid: number }>;
  return rows.reduce((sum, row) => sum + processCpuSeconds(row.pid), 0);
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
