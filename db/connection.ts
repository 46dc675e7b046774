import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import postgres from 'postgres';
import { defaultDataDir } from './data-dir.ts';
import { describeFolderError, describePostgresError } from './errors.ts';
import { lockFolder } from './folder-lock.ts';
import { noDelaySockets } from './no-delay-socket.ts';
import { exitOnPanic } from './pglite-panic.ts';
import { makePrivate } from './private-folder.ts';
import * as schema from './schema.ts';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

/** The drizzle database both backends share: every query in db/ is written against this type. */
export type Orm = PgDatabase<PgQueryResultHKT, typeof schema>;

export type Backend = 'pglite' | 'postgres';

export interface Database {
  orm: Orm;
  backend: Backend;
  /** The PGlite folder, or the PostgreSQL URL with any password masked. */
  location: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** A postgres:// URL. Defaults to the DATABASE_URL environment variable; without one, PGlite is used. */
  url?: string;
  /** The PGlite data folder. Defaults to TOOLRISK_DATA_DIR/db, or ./data/db. */
  dataDir?: string;
  /** Apply pending migrations on open (the default). */
  migrate?: boolean;
  /** postgres.js pool size. */
  maxConnections?: number;
  env?: NodeJS.ProcessEnv;
  /**
   * The process opens the catalogue for a few seconds of queries and ends: the embedded database's WebAssembly stays
   * at V8's baseline tier (see keepWasmAtBaselineTier). No effect on PostgreSQL.
   */
  brief?: boolean;
}

export { defaultDataDir } from './data-dir.ts';

/** Opens the catalogue: PostgreSQL when a URL is given or DATABASE_URL is set, otherwise embedded PGlite. */
export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const env = options.env ?? process.env;
  const url = options.url ?? env.DATABASE_URL;
  if (!url && options.brief) keepWasmAtBaselineTier();
  const db = url ? openPostgres(url, options.maxConnections ?? 10) : await openPglite(options.dataDir ?? path.join(defaultDataDir(env), 'db'));
  if (options.migrate !== false) {
    try {
      await db.migrate();
    } catch (error) {
      await db.close().catch(() => undefined);
      throw new Error(`Could not open the database at ${db.location}: ${describeDatabaseError(error, db)}`, { cause: error });
    }
  }
  return db;
}

interface OpenedDatabase extends Database {
  migrate(): Promise<void>;
}

/** Why a database failed, in words that name the cause (no space, permissions, the lock holder, a wrong password). */
export function describeDatabaseError(error: unknown, db: Pick<Database, 'backend' | 'location'>): string {
  return db.backend === 'postgres' ? describePostgresError(error, db.location) : describeFolderError(error, db.location);
}

/**
 * Keeps the WebAssembly this process compiles from now on at V8's baseline tier (Liftoff), never optimised with
 * TurboFan. PostgreSQL's hottest functions are large: optimising them in V8's background threads cost a process that
 * queries for seconds more CPU than its queries then saved (bench/RESULTS.md, 2026-12-07: an update of a built site,
 * `status`, `db status`), while a full site build was alike either way. V8 fixes a module's tiers when it compiles it,
 * so this runs before PGlite starts, and the flag stays for the life of the process.
 */
function keepWasmAtBaselineTier(): void {
  v8.setFlagsFromString('--liftoff-only');
}

/**
 * PGlite's own defaults but 16 MB of shared buffers instead of 128 MB: its WebAssembly memory is touched at every
 * open, so the default cost each open (every CLI command, every test database) a few hundred ms of CPU, and the
 * catalogue's pages are in the operating system's file cache anyway (bench/RESULTS.md, the embedded database).
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

async function openPglite(dataDir: string): Promise<OpenedDatabase> {
  let unlock = () => {};
  let client: PGlite;
  try {
    makeFolder(dataDir);
    makePrivate(dataDir);
    unlock = lockFolder(dataDir);
    client = new PGlite({ ...exitOnPanic(dataDir), startParams: PGLITE_START_PARAMS });
    await client.waitReady;
    makePrivate(dataDir);
  } catch (error) {
    unlock();
    throw new Error(`Could not open the embedded database at ${dataDir}: ${describeFolderError(error, dataDir)}`, { cause: error });
  }
  const orm = drizzlePglite({ client, schema });
  return {
    orm,
    backend: 'pglite',
    location: dataDir,
    migrate: async () => {
      await migratePglite(orm, { migrationsFolder: MIGRATIONS_FOLDER });
      makePrivate(dataDir);
    },
    async close() {
      try {
        // Statistics only speed the next queries up: failing to gather them (a full disk) must not take the place
        // of what the process is closing on.
        await analyzeChangedTables(client).catch(() => undefined);
        await client.close();
        makePrivate(dataDir);
      } finally {
        unlock();
      }
    },
  };
}

/**
 * Gathers the planner's statistics of the tables whose rows changed more than autovacuum's threshold since they
 * were last gathered (50 rows and a tenth of the table). PGlite runs no autovacuum, so without this its planner never
 * had any: it estimated a build's read of 100 servers' tools at 63,200 rows and joined them by scanning every stored
 * definition, 400 ms a read at 100,000 tools against 50 with statistics. Done as the database closes, so the process
 * that wrote the rows pays for it (≈ 1 s after storing 100,000 tools) and the next one plans with them.
 */
async function analyzeChangedTables(client: PGlite): Promise<void> {
  // A backend hands its counts of changed rows to the statistics it reads at most once a second.
  await client.query('select pg_stat_force_next_flush()');
  const { rows } = await client.query<{ name: string }>(
    `select quote_ident(schemaname) || '.' || quote_ident(relname) as name from pg_stat_user_tables where n_mod_since_analyze > 50 + 0.1 * n_live_tup`,
  );
  if (rows.length > 0) await client.exec(`analyze ${rows.map((r) => r.name).join(', ')}`);
}

/**
 * mkdir -p that reports the real cause: a recursive mkdir under a read-only or unwritable parent fails
 * with ENOENT, so each missing level is made on its own.
 */
function makeFolder(dir: string): void {
  if (existsSync(dir)) return;
  makeFolder(path.dirname(dir));
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/** A pool whose sockets have Nagle's algorithm off (`socket`, postgres.js's socket factory, is not in its types). */
function postgresClient(url: string, max: number) {
  return postgres(url, { max, onnotice: () => {}, socket: noDelaySockets() } as Parameters<typeof postgres>[1]);
}

function openPostgres(url: string, max: number): OpenedDatabase {
  const client = postgresClient(url, max);
  const orm = drizzlePostgres({ client, schema });
  return {
    orm,
    backend: 'postgres',
    location: maskPassword(url),
    // Many workers may open the database at once: one migrates while the others wait on the lock,
    // held on a connection of its own so the lock and the migration share a session.
    async migrate() {
      const single = postgresClient(url, 1);
      try {
        await single`select pg_advisory_lock(7400123)`;
        await migratePostgres(drizzlePostgres({ client: single }), { migrationsFolder: MIGRATIONS_FOLDER });
      } finally {
        await single.end({ timeout: 5 });
      }
    },
    close: () => client.end({ timeout: 5 }),
  };
}

export function maskPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}
