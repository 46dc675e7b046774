import { sql } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_FOLDER, type Database } from '../connection.ts';
import { classifications, crawlAttempts, crawlRuns, serverTools, servers, toolChanges, toolDefinitions } from '../schema.ts';

export interface DatabaseStatus {
  backend: Database['backend'];
  location: string;
  schemaVersion: { applied: number; available: number; latest: string | null };
  rows: Record<string, number>;
}

const COUNTED = {
  servers,
  crawlRuns,
  crawlAttempts,
  toolDefinitions,
  serverTools,
  toolChanges,
  classifications,
} as const;

export async function databaseStatus(db: Database): Promise<DatabaseStatus> {
  const journal = JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  const applied = await db.orm
    .execute<{ n: number }>(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)
    .then((r) => Number(rowsOf<{ n: number }>(r)[0]?.n ?? 0))
    .catch(() => 0);
  const rows: Record<string, number> = {};
  for (const [name, table] of Object.entries(COUNTED)) {
    const [row] = await db.orm.select({ n: sql<number>`count(*)::int` }).from(table);
    rows[name] = Number(row.n);
  }
  return {
    backend: db.backend,
    location: db.location,
    schemaVersion: { applied, available: journal.entries.length, latest: journal.entries.at(applied - 1)?.tag ?? null },
    rows,
  };
}

/** `execute` returns rows directly on postgres.js and inside `.rows` on PGlite. */
export function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}
