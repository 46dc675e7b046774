import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Database } from '../db/index.ts';

export interface ThrowawayDatabase extends Database {
  /** The PostgreSQL database's URL (none for PGlite). */
  url?: string;
  /** Closes the database and deletes it: the PGlite folder, or the PostgreSQL database. */
  dispose(): Promise<void>;
}

/**
 * A fresh, migrated database for one benchmark case: a PGlite folder under the temp dir, or a new database on
 * the PostgreSQL server at `postgresUrl`. (The test helpers copy a template that only vitest sets up.)
 */
export async function throwawayDatabase(backend: 'pglite' | 'postgres', postgresUrl: string): Promise<ThrowawayDatabase> {
  if (backend === 'pglite') {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-bench-'));
    return disposable(await openDatabase({ dataDir, env: {} }), async () => rmSync(dataDir, { recursive: true, force: true }));
  }
  const name = `toolrisk_bench_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(postgresUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  const db = disposable(await openDatabase({ url: url.toString(), env: {} }), async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
  });
  return { ...db, url: url.toString() };
}

function disposable(db: Database, remove: () => Promise<void>): ThrowawayDatabase {
  return {
    ...db,
    async dispose() {
      await db.close();
      await remove();
    },
  };
}
