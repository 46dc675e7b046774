import { canonicalJson, definitionContent, definitionHash, sha256 } from '../hash.ts';
import { DEFINITION_FIELDS } from '../schema.ts';
import type { ListedTool, SnapshotInput, ToolChange } from './snapshots.ts';

/**
 * The pure half of storing a snapshot: hashing a listing, and comparing it with the server's previous tool
 * set to find the changes and the rows to write. No database here; snapshots.ts runs the SQL around it.
 */

export interface ListedEntry {
  tool: ListedTool;
  position: number;
  hash: string;
}

export interface PreparedSnapshot {
  input: SnapshotInput;
  listed: ListedEntry[];
  toolsetHash: string;
}

export interface PreviousTool {
  hash: string;
  position: number;
  since: Date;
}

export interface ServerToolRow {
  serverId: string;
  name: string;
  hash: string;
  position: number;
  since: Date;
}

/** Hashes every listed tool and the tool set; refuses a listing that names a tool twice. */
export function prepareSnapshot(input: SnapshotInput): PreparedSnapshot {
  const listed = input.tools.map((tool, position) => ({ tool, position, hash: definitionHash(tool) }));
  const duplicate = findDuplicateName(listed.map((t) => t.tool.name));
  if (duplicate !== undefined) {
    throw new Error(`The server listed the tool name ${JSON.stringify(duplicate)} more than once; a tool set needs unique names.`);
  }
  return { input, listed, toolsetHash: sha256([...new Set(listed.map((t) => t.hash))].sort().join('\n')) };
}

/** What storing one snapshot over the server's previous tool set means: its changes, and its rows if they must be (re)written. */
export function planSnapshot(
  snapshot: PreparedSnapshot,
  previousByName: Map<string, PreviousTool>,
  oldDefinitions: Map<string, Record<string, unknown>>,
): { changes: ToolChange[]; replacesRows: boolean; toolRows: ServerToolRow[] } {
  const { input, listed } = snapshot;
  const changes = diffToolSets(previousByName, listed, oldDefinitions);
  const positionsMoved = listed.some(({ tool, position }) => previousByName.get(tool.name)?.position !== position);
  if (changes.length === 0 && !positionsMoved && previousByName.size === listed.length) return { changes, replacesRows: false, toolRows: [] };
  const toolRows = listed.map(({ tool, position, hash }) => {
    const before = previousByName.get(tool.name);
    return { serverId: input.serverId, name: tool.name, hash, position, since: before && before.hash === hash ? before.since : input.at };
  });
  return { changes, replacesRows: previousByName.size > 0, toolRows };
}

/** The hashes of the previous definitions that listed tools replace (their content is needed to name the changed fields). */
export function replacedHashes(prepared: readonly PreparedSnapshot[], previousByServer: Map<string, Map<string, PreviousTool>>): Set<string> {
  const hashes = new Set<string>();
  for (const { input, listed } of prepared) {
    const previousByName = previousByServer.get(input.serverId)!;
    for (const { tool, hash } of listed) {
      const before = previousByName.get(tool.name);
      if (before !== undefined && before.hash !== hash) hashes.add(before.hash);
    }
  }
  return hashes;
}

/** Added, changed (with the fields that differ) and removed tools, in listing order then removals. */
export function diffToolSets(
  previousByName: Map<string, { hash: string }>,
  listed: readonly ListedEntry[],
  oldDefinitions: Map<string, Record<string, unknown>>,
): ToolChange[] {
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
