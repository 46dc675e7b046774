import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openDatabase, openRun, upsertServers, type Database, type OpenOptions, type ServerInput } from '../../db/index.ts';

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
  /** A fresh database, migrated and empty (a copy of a migrated one: fast). */
  create(): Promise<TestDatabase>;
  /** A fresh database that openDatabase() migrates itself, from nothing (slow: seconds on PGlite). */
  createUnmigrated(): Promise<TestDatabase>;
}

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set. Each create() makes a fresh, migrated, empty database. */
export function testBackends(): TestBackend[] {
  const backends: TestBackend[] = [{ name: 'pglite', create: createPglite, createUnmigrated: () => createPglite({ migrated: false }) }];
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    backends.push({
      name: 'postgres',
      create: () => createPostgres(adminUrl),
      createUnmigrated: () => createPostgres(adminUrl, { migrated: false }),
    });
  }
  return backends;
}

/** A fresh database of `backend` holding `servers` (registered at `at`) and one crawl run opened at `at`. */
export async function databaseWithRun(backend: TestBackend, servers: readonly ServerInput[], at: Date): Promise<{ db: TestDatabase; runId: number }> {
  const db = await backend.create();
  await upsertServers(db.orm, servers, at);
  return { db, runId: (await openRun(db.orm, at)).id };
}

/**
 * Puts a migrated, empty PGlite database at `dataDir` (a copy of the one test/helpers/global-setup.ts migrated
 * once), so that opening it costs no migration. For a TOOLRISK_DATA_DIR, pass `<data dir>/db`.
 */
export function copyMigratedPglite(dataDir: string): void {
  mkdirSync(path.dirname(dataDir), { recursive: true });
  cpSync(inject('pgliteTemplate'), dataDir, { recursive: true });
}

/** A fresh TOOLRISK_DATA_DIR whose embedded database is already migrated; the caller deletes it. */
export function migratedDataDir(prefix = 'toolrisk-data-'): string {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), prefix));
  copyMigratedPglite(path.join(dataDir, 'db'));
  return dataDir;
}

/**
 * A fresh PGlite database. Opening one costs about a second of CPU (PostgreSQL starting in WebAssembly), emptying
 * one a few milliseconds, so each test file keeps one open and lends it out: `create()` empties it (every table,
 * identities restarted) and hands it over, `dispose()` gives it back. A test that asks for a second database
 * while holding the first, or that closes it (to hand the folder to another process), gets a folder of its own.
 */
export async function createPglite({ migrated = true } = {}): Promise<TestDatabase> {
  if (migrated && pooled?.open && pooled.free) {
    const pool = pooled;
    pool.free = false; // before the await: a second create() in the same tick must not take it too
    await emptyDatabase(pool.db);
    return lend(pool);
  }
  const pooling = migrated && !pooled?.open;
  // A worker is ended without its exit handlers running: its pooled folder is in the run's folder, deleted at the end.
  const dataDir = mkdtempSync(path.join(pooling ? inject('runFolder') : os.tmpdir(), 'toolrisk-pglite-'));
  if (migrated) copyMigratedPglite(dataDir);
  const openOptions: OpenOptions = { dataDir, env: {} };
  const db = await openDatabase(openOptions);
  if (!pooling) {
    return withDispose(db, { openOptions, dataDir }, async () => {
      rmSync(dataDir, { recursive: true, force: true });
    });
  }
  pooled = { db, dataDir, open: true, free: false };
  return lend(pooled);
}

interface PooledPglite {
  db: Database;
  dataDir: string;
  open: boolean;
  free: boolean;
}

let pooled: PooledPglite | undefined;

function lend(pool: PooledPglite): TestDatabase {
  pool.free = false;
  let returned = false;
  return {
    ...pool.db,
    openOptions: { dataDir: pool.dataDir, env: {} },
    dataDir: pool.dataDir,
    async close() {
      if (!pool.open) return;
      pool.open = false;
      await pool.db.close();
    },
    async dispose() {
      if (returned) return;
      returned = true;
      if (pool.open) pool.free = true;
      else rmSync(pool.dataDir, { recursive: true, force: true });
    },
  };
}

/** Deletes every row of every table (migrations are kept: drizzle keeps them in its own schema). */
async function emptyDatabase(db: Database): Promise<void> {
  await db.orm.execute(
    sql.raw(`do $$
    declare tables text;
    begin
      select string_agg(format('%I.%I', schemaname, tablename), ', ') into tables from pg_tables where schemaname = 'public';
      if tables is not null then execute 'truncate table ' || tables || ' restart identity cascade'; end if;
    end $$`),
  );
}

/** A new PostgreSQL database beside TEST_DATABASE_URL's, copied from the migrated template unless `migrated` is false. */
export async function createPostgres(adminUrl: string, { migrated = true } = {}): Promise<TestDatabase> {
  const name = `toolrisk_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const template = inject('postgresTemplate');
  if (migrated && !template) throw new Error('no PostgreSQL template database: TEST_DATABASE_URL must be set when vitest starts');
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(migrated ? `create database "${name}" template "${template}"` : `create database "${name}"`);
  // A throwaway database need not wait for the disk at each commit (≈ 5 ms here): only a crash of the server
  // itself, which no test causes, could lose a commit. Every connection to it, the CLI's too, inherits this.
  await admin.unsafe(`alter database "${name}" set synchronous_commit = off`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const openOptions: OpenOptions = { url: url.toString(), env: {} };
  return withDispose(await openDatabase(openOptions), { openOptions, url: url.toString() }, async () => {
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end({ timeout: 5 });
  });
}

function withDispose(db: Database, extra: Pick<TestDatabase, 'openOptions' | 'url' | 'dataDir'>, remove: () => Promise<void>): TestDatabase {
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
