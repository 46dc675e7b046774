import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Database, type OpenOptions } from '../../db/index.ts';

export interface TestDatabase extends Database {
  /** What openDatabase() takes to open this same database again, as another process would. */
  openOptions: OpenOptions;
  /** Closes the database (if still open) and deletes it: the PGlite folder, or the PostgreSQL database. */
  dispose(): Promise<void>;
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
  const openOptions: OpenOptions = { dataDir, env: {} };
  return withDispose(await openDatabase(openOptions), { openOptions, dataDir }, async () => {
    rmSync(dataDir, { recursive: true, force: true });
  });
}

export async function createPostgres(adminUrl: string): Promise<TestDatabase> {
  const name = `toolrisk_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const openOptions: OpenOptions = { url: url.toString(), env: {} };
  return withDispose(await openDatabase(openOptions), { openOptions, url: url.toString() }, async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
  });
}

function withDispose(
  db: Database,
  extra: Pick<TestDatabase, 'openOptions' | 'url' | 'dataDir'>,
  remove: () => Promise<void>,
): TestDatabase {
  let closing: Promise<void> | undefined;
  const close = () => (closing ??= db.close());
  return {
    ...db,
    ...extra,
    close,
    async dispose() {
      await close();
      await remove();
    },
  };
}
