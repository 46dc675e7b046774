import { eq, inArray } from 'drizzle-orm';
import type { Orm } from '../connection.ts';
import { canonicalJson, definitionContent, definitionHash, sha256, type ToolDefinition } from '../hash.ts';
import {
  DEFINITION_FIELDS,
  serverTools,
  servers,
  toolChanges,
  toolDefinitions,
  type ChangeKind,
  type DefinitionField,
} from '../schema.ts';
import { chunks } from './chunks.ts';

export interface ListedTool extends ToolDefinition {
  /** The crawler cut the description to its length limit. */
  descriptionTruncated?: boolean;
}

export interface SnapshotInput {
  serverId: string;
  runId?: number | null;
  /** The tools in listing order. Names must be unique. */
  tools: readonly ListedTool[];
  at: Date;
}

export interface ToolChange {
  toolName: string;
  kind: ChangeKind;
  oldHash: string | null;
  newHash: string | null;
  fields: DefinitionField[];
}

export interface SnapshotResult {
  toolsetHash: string;
  changes: ToolChange[];
}

/**
 * Stores a successful listing as the server's current tool set, in one transaction: new definitions, the
 * tool set itself, and the changes against the previous set. If anything fails, the previous set stays.
 */
export async function storeSnapshot(orm: Orm, input: SnapshotInput): Promise<SnapshotResult> {
  const listed = input.tools.map((tool, position) => ({ tool, position, hash: definitionHash(tool) }));
  const duplicate = findDuplicateName(listed.map((t) => t.tool.name));
  if (duplicate !== undefined) {
    throw new Error(`The server listed the tool name ${JSON.stringify(duplicate)} more than once; a tool set needs unique names.`);
  }
  const toolsetHash = sha256([...new Set(listed.map((t) => t.hash))].sort().join('\n'));

  return orm.transaction(async (tx) => {
    for (const chunk of chunks(dedupeBy(listed, (t) => t.hash), 500)) {
      await tx
        .insert(toolDefinitions)
        .values(
          chunk.map(({ tool, hash }) => ({
            hash,
            name: tool.name,
            title: tool.title ?? null,
            description: tool.description ?? null,
            inputSchema: tool.inputSchema ?? null,
            outputSchema: tool.outputSchema ?? null,
            annotations: tool.annotations ?? null,
            descriptionTruncated: tool.descriptionTruncated ?? false,
            firstSeen: input.at,
          })),
        )
        .onConflictDoNothing();
    }

    const previous = await tx
      .select({ name: serverTools.name, hash: serverTools.hash, position: serverTools.position, since: serverTools.since })
      .from(serverTools)
      .where(eq(serverTools.serverId, input.serverId));
    const previousByName = new Map(previous.map((row) => [row.name, row]));
    const changes = await diffToolSets(tx, previousByName, listed);

    const positionsMoved = listed.some(({ tool, position }) => previousByName.get(tool.name)?.position !== position);
    if (changes.length > 0 || positionsMoved || previous.length !== listed.length) {
      await tx.delete(serverTools).where(eq(serverTools.serverId, input.serverId));
      for (const chunk of chunks(listed, 1000)) {
        await tx.insert(serverTools).values(
          chunk.map(({ tool, position, hash }) => {
            const before = previousByName.get(tool.name);
            return {
              serverId: input.serverId,
              name: tool.name,
              hash,
              position,
              since: before && before.hash === hash ? before.since : input.at,
            };
          }),
        );
      }
    }
    for (const chunk of chunks(changes, 1000)) {
      await tx
        .insert(toolChanges)
        .values(chunk.map((c) => ({ ...c, serverId: input.serverId, runId: input.runId ?? null, detectedAt: input.at })));
    }
    await tx
      .update(servers)
      .set({
        lastSuccessAt: input.at,
        lastAttemptAt: input.at,
        lastOutcome: 'ok',
        toolCount: listed.length,
        toolsetHash,
      })
      .where(eq(servers.id, input.serverId));
    return { toolsetHash, changes };
  });
}

type Tx = Parameters<Parameters<Orm['transaction']>[0]>[0];

async function diffToolSets(
  tx: Tx,
  previousByName: Map<string, { hash: string }>,
  listed: ReadonlyArray<{ tool: ListedTool; hash: string }>,
): Promise<ToolChange[]> {
  const changed = listed.filter(({ tool, hash }) => {
    const before = previousByName.get(tool.name);
    return before !== undefined && before.hash !== hash;
  });
  const oldDefinitions = new Map<string, Record<string, unknown>>();
  for (const chunk of chunks([...new Set(changed.map(({ tool }) => previousByName.get(tool.name)!.hash))], 1000)) {
    const rows = await tx.select().from(toolDefinitions).where(inArray(toolDefinitions.hash, chunk));
    for (const row of rows) oldDefinitions.set(row.hash, definitionContent(row));
  }

  const changes: ToolChange[] = [];
  const listedNames = new Set<string>();
  for (const { tool, hash } of listed) {
    listedNames.add(tool.name);
    const before = previousByName.get(tool.name);
    if (!before) {
      changes.push({ toolName: tool.name, kind: 'added', oldHash: null, newHash: hash, fields: [] });
    } else if (before.hash !== hash) {
      const old = oldDefinitions.get(before.hash) ?? {};
      const now = definitionContent(tool);
      const fields = DEFINITION_FIELDS.filter((field) => canonicalJson(old[field]) !== canonicalJson(now[field]));
      changes.push({ toolName: tool.name, kind: 'changed', oldHash: before.hash, newHash: hash, fields });
    }
  }
  for (const [name, before] of previousByName) {
    if (!listedNames.has(name)) changes.push({ toolName: name, kind: 'removed', oldHash: before.hash, newHash: null, fields: [] });
  }
  return changes;
}

function findDuplicateName(names: readonly string[]): string | undefined {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) return name;
    seen.add(name);
  }
  return undefined;
}

function dedupeBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
