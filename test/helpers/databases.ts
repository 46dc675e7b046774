import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../db/index.ts';

export interface TestDatabase extends Database {
  /** Closes the database and deletes it (the PGlite folder, or the PostgreSQL database). */
  dispose(): Promise<void>;
  /** Opens the same database again, as a second process would. */
  reopen(): Promise<Database>;
  /** The PostgreSQL URL of this throwaway database; undefined for PGlite. */
  url?: string;
  /** The PGlite folder; undefined for PostgreSQL. */
  dataDir?: string;
}

export interface TestBackend {
  name: 'pglite' | 'postgres';
  create(): Promise<TestDatabase>;
}

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set. Each create() makes a fresh, empty database. */
export function testBackends(): TestBackend[] {
  const backends: TestBackend[] = [{ name: 'pglite', create: createPglite }];
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) backends.push({ name: 'postgres', create: () => createPostgres(adminUrl) });
  return backends;
}

export async function createPglite(): Promise<TestDatabase> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-pglite-'));
  const db = await openDatabase({ dataDir, env: {} });
  return {
    ...db,
    dataDir,
    reopen: () => openDatabase({ dataDir, env: {} }),
    async dispose() {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function createPostgres(adminUrl: string): Promise<TestDatabase> {
  const name = `toolrisk_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), env: {} });
  return {
    ...db,
    url: url.toString(),
    reopen: () => openDatabase({ url: url.toString(), env: {} }),
    async dispose() {
      await db.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}
