import { eq, inArray, sql } from 'drizzle-orm';
import type { Orm } from '../connection.ts';
import { servers, type NewServer, type PackageInfo, type ServerRow } from '../schema.ts';
import { chunks } from './chunks.ts';

/** Server metadata as a source reports it. */
export type ServerInput = Omit<NewServer, 'firstSeen' | 'lastSeen' | 'lastAttemptAt' | 'lastOutcome' | 'lastSuccessAt' | 'toolCount' | 'toolsetHash'>;

/**
 * Inserts new servers and refreshes the metadata of known ones. Crawl results (last outcome, tool set)
 * are left alone; sources are merged, never dropped.
 */
export async function upsertServers(orm: Orm, inputs: readonly ServerInput[], at: Date): Promise<void> {
  for (const chunk of chunks(inputs, 500)) {
    await orm
      .insert(servers)
      .values(chunk.map((s) => ({ ...s, firstSeen: at, lastSeen: at })))
      .onConflictDoUpdate({
        target: servers.id,
        set: {
          title: sql`excluded.title`,
          description: sql`excluded.description`,
          repository: sql`excluded.repository`,
          website: sql`excluded.website`,
          version: sql`excluded.version`,
          packages: sql`excluded.packages`,
          remotes: sql`excluded.remotes`,
          status: sql`excluded.status`,
          sourceMeta: sql`excluded.source_meta`,
          sources: sql`array(select distinct unnest(${servers.sources} || excluded.sources) order by 1)`,
          lastSeen: sql`excluded.last_seen`,
        },
      });
  }
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
