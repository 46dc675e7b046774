import { eq, inArray, sql } from 'drizzle-orm';
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
  const since = sql`${at.toISOString()}::timestamptz`;
  const columns = SOURCE_FIELDS.map((field) => sql.identifier(servers[field].name));
  const values = SOURCE_FIELDS.map((field) => {
    const column = servers[field];
    return column.hasDefault ? sql`coalesce(r.${sql.identifier(column.name)}, ${column.default})` : sql`r.${sql.identifier(column.name)}`;
  });
  const refreshed = SOURCE_FIELDS.filter((field) => REFRESHED_WHEN_SEEN_AGAIN[field]).map((field) => {
    const name = sql.identifier(servers[field].name);
    return field === 'sources'
      ? sql`${name} = array(select distinct unnest(${servers.sources} || excluded.${name}) order by 1)`
      : sql`${name} = excluded.${name}`;
  });
  for (const chunk of chunks(inputs, 1000)) {
    await orm.execute(sql`
      insert into ${servers} (${sql.join(columns, sql`, `)}, first_seen, last_seen)
      select ${sql.join(values, sql`, `)}, ${since}, ${since} from ${jsonRows(chunk.map(sourceRow), SOURCE_COLUMNS)}
      on conflict (id) do update set ${sql.join(refreshed, sql`, `)}, last_seen = excluded.last_seen`);
  }
}

/**
 * Every field a source sets, and whether a known server takes its new value when seen again (it keeps its id, and
 * the package information its last crawl recorded). Typed by ServerInput, so a field added to the schema cannot be
 * left out; each column's type comes from the schema.
 */
const REFRESHED_WHEN_SEEN_AGAIN: Record<keyof ServerInput, boolean> = {
  id: false,
  title: true,
  description: true,
  repository: true,
  website: true,
  version: true,
  packages: true,
  remotes: true,
  sources: true,
  status: true,
  sourceMeta: true,
  packageInfo: false,
};
const SOURCE_FIELDS = Object.keys(REFRESHED_WHEN_SEEN_AGAIN) as Array<keyof ServerInput>;
/** Each field's column name and type (`text`, `text[]`, `jsonb`). */
const SOURCE_ROW = SOURCE_FIELDS.map((field) => ({ field, name: servers[field].name, type: servers[field].getSQLType() }));
const SOURCE_COLUMNS = SOURCE_ROW.map(({ name, type }) => `${name} ${type}`).join(', ');

/** A server's row for jsonRows: text well-formed, as a text parameter would bring it; an absent field null. */
function sourceRow(input: ServerInput): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const { field, name, type } of SOURCE_ROW) {
    const value = input[field];
    row[name] =
      value === undefined || value === null
        ? null
        : type === 'text'
          ? wellFormed(value as string)
          : type === 'text[]'
            ? (value as string[]).map((text) => wellFormed(text))
            : value;
  }
  return row;
}

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
