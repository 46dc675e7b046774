import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Orm } from '../connection.ts';
import { servers, type NewServer, type PackageInfo, type ServerRow } from '../schema.ts';
import { chunks } from './chunks.ts';
import { jsonRows, wellFormed } from './json-rows.ts';

/** Server metadata as a source reports it. */
export type ServerInput = Omit<
  NewServer,
  'firstSeen' | 'lastSeen' | 'lastAttemptAt' | 'lastOutcome' | 'lastSuccessAt' | 'toolCount' | 'toolsetHash' | 'contentVersion'
>;

/**
 * Inserts new servers and refreshes the metadata of known ones. Crawl results (last outcome, tool set)
 * are left alone; sources are merged, never dropped. A field a source leaves out takes the column's default.
 * The rows go as one json parameter a thousand servers: as a VALUES list of a parameter a field, registering a
 * crawl's servers cost ≈ 100 µs a server, most of it building and parsing the statement (bench/RESULTS.md).
 */
export async function upsertServers(orm: Orm, inputs: readonly ServerInput[], at: Date): Promise<void> {
  const since = at.toISOString();
  const withDefault = (field: SQL, column: PgColumn) => sql`coalesce(${field}, ${column.default})`;
  for (const chunk of chunks(inputs, 1000)) {
    const rows = chunk.map((s) => ({
      id: wellFormed(s.id),
      title: wellFormed(s.title),
      description: wellFormed(s.description),
      repository: s.repository ?? null,
      website: wellFormed(s.website),
      version: wellFormed(s.version),
      packages: s.packages ?? null,
      remotes: s.remotes ?? null,
      sources: s.sources?.map((source) => wellFormed(source)) ?? null,
      status: wellFormed(s.status),
      source_meta: s.sourceMeta ?? null,
      package_info: s.packageInfo ?? null,
    }));
    await orm.execute(sql`
      insert into ${servers} (id, title, description, repository, website, version, packages, remotes, sources, status, source_meta, package_info, first_seen, last_seen)
      select id, title, description, repository, website, version, ${withDefault(sql`packages`, servers.packages)}, ${withDefault(sql`remotes`, servers.remotes)},
        ${withDefault(sql`sources`, servers.sources)}, ${withDefault(sql`status`, servers.status)}, source_meta, package_info, ${since}::timestamptz, ${since}::timestamptz
      from ${jsonRows(rows, SOURCE_COLUMNS)}
      on conflict (id) do update set
        title = excluded.title, description = excluded.description, repository = excluded.repository, website = excluded.website,
        version = excluded.version, packages = excluded.packages, remotes = excluded.remotes, status = excluded.status,
        source_meta = excluded.source_meta, last_seen = excluded.last_seen,
        sources = array(select distinct unnest(${servers.sources} || excluded.sources) order by 1)`);
  }
}

/** What a source says of a server, as the rows of upsertServers carry it. */
const SOURCE_COLUMNS =
  'id text, title text, description text, repository jsonb, website text, version text, packages jsonb, remotes jsonb, sources text[], status text, source_meta jsonb, package_info jsonb';

export async function getServer(orm: Orm, id: string): Promise<ServerRow | undefined> {
  const [row] = await orm.select().from(servers).where(eq(servers.id, id));
  return row;
}

export async function getServers(orm: Orm, ids: readonly string[]): Promise<ServerRow[]> {
  if (ids.length === 0) return [];
  return orm
    .select()
    .from(servers)
    .where(inArray(servers.id, [...ids]));
}

/** Records what the package registry says of the package the crawler installed for this server. */
export async function setPackageInfo(orm: Orm, id: string, info: PackageInfo): Promise<void> {
  await orm.update(servers).set({ packageInfo: info }).where(eq(servers.id, id));
}
