import { and, asc, eq, gt, inArray, or, sql } from 'drizzle-orm';
import type { Orm } from '../connection.ts';
import { withKeyedRows } from './keyed-rows.ts';
import { classifications, serverTools, servers, toolDefinitions, type ClassificationRow, type ServerRow, type ToolDefinitionRow } from '../schema.ts';

export interface CurrentTool {
  serverId: string;
  name: string;
  position: number;
  since: Date;
  definition: ToolDefinitionRow;
  /** The classification for the requested classifier version, if one is stored. */
  classification: ClassificationRow | null;
}

export interface CatalogueServer {
  server: ServerRow;
  tools: CurrentTool[];
}

export interface BatchOptions {
  batchSize?: number;
  /** Which classifier version's classifications to join; none are joined when absent. */
  classifierVersion?: string;
}

/**
 * Every current tool of every server, ordered by (server, name), in batches read with keyset pagination:
 * memory stays bounded by the batch size whatever the catalogue's size.
 */
export async function* iterateCurrentTools(orm: Orm, options: BatchOptions = {}): AsyncGenerator<CurrentTool[]> {
  const batchSize = options.batchSize ?? 1000;
  let after: { serverId: string; name: string } | undefined;
  for (;;) {
    const rows = await selectCurrentTools(orm, options.classifierVersion)
      .where(after ? or(gt(serverTools.serverId, after.serverId), and(eq(serverTools.serverId, after.serverId), gt(serverTools.name, after.name))) : undefined)
      .orderBy(asc(serverTools.serverId), asc(serverTools.name))
      .limit(batchSize);
    if (rows.length === 0) return;
    yield rows;
    const last = rows[rows.length - 1];
    after = { serverId: last.serverId, name: last.name };
    if (rows.length < batchSize) return;
  }
}

/** Servers ordered by id with their current tools, a batch of servers at a time. */
export async function* iterateCatalogue(orm: Orm, options: BatchOptions = {}): AsyncGenerator<CatalogueServer[]> {
  const batchSize = options.batchSize ?? 200;
  let after: string | undefined;
  for (;;) {
    const page = await orm
      .select()
      .from(servers)
      .where(after === undefined ? undefined : gt(servers.id, after))
      .orderBy(asc(servers.id))
      .limit(batchSize);
    if (page.length === 0) return;
    yield withTools(orm, page, options.classifierVersion);
    after = page[page.length - 1].id;
    if (page.length < batchSize) return;
  }
}

/** These servers with their current tools, in the order of `ids` (ids of unknown servers are left out). */
export async function catalogueOfServers(orm: Orm, ids: readonly string[], classifierVersion?: string): Promise<CatalogueServer[]> {
  if (ids.length === 0) return [];
  const rows = await orm
    .select()
    .from(servers)
    .where(inArray(servers.id, [...ids]));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return withTools(
    orm,
    ids.flatMap((id) => byId.get(id) ?? []),
    classifierVersion,
  );
}

async function withTools(orm: Orm, page: ServerRow[], classifierVersion: string | undefined): Promise<CatalogueServer[]> {
  const toolSets = withKeyedRows(
    orm,
    serverTools.serverId,
    page.map((s) => s.id),
  );
  const tools = await selectCurrentTools(toolSets, classifierVersion).orderBy(asc(serverTools.serverId), asc(serverTools.position));
  const byServer = new Map<string, CurrentTool[]>(page.map((s) => [s.id, []]));
  for (const row of tools) byServer.get(row.serverId)!.push(row);
  return page.map((server) => ({ server, tools: byServer.get(server.id)! }));
}

/** One server's current tools in listing order. */
export async function serverToolSet(orm: Orm, serverId: string, classifierVersion?: string): Promise<CurrentTool[]> {
  const rows = await selectCurrentTools(orm, classifierVersion).where(eq(serverTools.serverId, serverId)).orderBy(asc(serverTools.position));
  return rows;
}

function selectCurrentTools(orm: Pick<Orm, 'select'>, classifierVersion: string | undefined) {
  return orm
    .select({
      serverId: serverTools.serverId,
      name: serverTools.name,
      position: serverTools.position,
      since: serverTools.since,
      definition: toolDefinitions,
      classification: classifications,
    })
    .from(serverTools)
    .innerJoin(toolDefinitions, eq(toolDefinitions.hash, serverTools.hash))
    .leftJoin(classifications, and(eq(classifications.hash, serverTools.hash), eq(classifications.classifierVersion, classifierVersion ?? sql`null`)))
    .$dynamic();
}
