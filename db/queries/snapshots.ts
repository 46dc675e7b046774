import { getTableName, sql, type Table } from 'drizzle-orm';
import type { Orm } from '../connection.ts';
import { causes } from '../errors.ts';
import { definitionContent, type ToolDefinition } from '../hash.ts';
import { serverTools, servers, toolChanges, toolDefinitions, type ChangeKind, type DefinitionField } from '../schema.ts';
import { rowsOf } from './status.ts';
import { jsonRows, wellFormed } from './json-rows.ts';
import { keyedRows, withKeyedRows } from './keyed-rows.ts';
import { textArray } from './text-array.ts';
import { copyChunks, copyConnection, copyInto, type Column, type Row } from './copy.ts';
import { planSnapshot, prepareSnapshot, replacedHashes, type PreparedSnapshot, type PreviousTool, type ServerToolRow } from './snapshot-diff.ts';

export { prepareSnapshot, type PreparedSnapshot } from './snapshot-diff.ts';

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
 * Stores a successful listing as the server's current tool set: its new definitions, then in one transaction the
 * tool set itself and the changes against the previous set. If anything fails, the previous set stays.
 */
export async function storeSnapshot(orm: Orm, input: SnapshotInput): Promise<SnapshotResult> {
  const [result] = await storeSnapshots(orm, [input]);
  return result;
}

/**
 * Stores the listings of several servers as storeSnapshot would one after another, in two transactions (the new
 * definitions, then every server's tool set and changes) and a fixed number of statements whatever the batch size
 * (rows by COPY, or arrays passed as single parameters and unnested), so a bulk load is not bound by round trips.
 * If anything fails, every server keeps its previous set.
 */
export async function storeSnapshots(orm: Orm, inputs: readonly SnapshotInput[]): Promise<SnapshotResult[]> {
  return storePreparedSnapshots(orm, inputs.map(prepareSnapshot));
}

/**
 * storeSnapshots for listings already hashed by `prepareSnapshot`. Hashing is nearly half of the store's work on node's
 * thread and needs no database, so a caller that hashes each listing as it arrives does it while the batches before
 * are with the database, instead of while its own batch's round trips wait on it (docs/scale.md, "Storing fast").
 * A listing must not change once prepared: its rows are written from the same objects its hashes were made of.
 */
export async function storePreparedSnapshots(orm: Orm, prepared: readonly PreparedSnapshot[]): Promise<SnapshotResult[]> {
  const inputs = prepared.map((snapshot) => snapshot.input);
  const serverIds = inputs.map((input) => input.serverId);
  if (new Set(serverIds).size !== serverIds.length) {
    throw new Error('A batch of snapshots names a server more than once; store each listing of a server in its own call.');
  }
  if (inputs.length === 0) return [];

  // New definitions first, in a transaction of their own (a savepoint inside a caller's transaction): a definition
  // is immutable and named by its hash, so one stored for a snapshot that then fails is an unreferenced row and
  // harms nothing. Inside the snapshot's transaction, a concurrent batch listing the same definition would wait for
  // that whole transaction to commit.
  await inTurn(orm, () => storeDefinitions(orm, prepared));
  return orm.transaction(async (tx) => {
    // This transaction moves the content_version of the servers whose tool set or changes it writes, in its update
    // of their rows below; the insert triggers that would do it again stand aside (migrations 0003 and 0006).
    await tx.execute(sql`select set_config('toolrisk.content_version', 'store', true), ${WITHOUT_JIT}`);
    const previousByServer = new Map<string, Map<string, PreviousTool>>(serverIds.map((id) => [id, new Map()]));
    for (const row of await previousTools(tx, serverIds)) previousByServer.get(row.serverId)!.set(row.name, row);
    const oldDefinitions = await readChangedDefinitions(tx, prepared, previousByServer);

    const results: SnapshotResult[] = [];
    const rewritten: string[] = [];
    const serverRows: Array<{ id: string; at: Date; tool_count: number; toolset_hash: string; moved: boolean }> = [];
    const toolRows: ServerToolRow[] = [];
    const changeRows: ChangeRow[] = [];
    for (const snapshot of prepared) {
      const { input } = snapshot;
      const plan = planSnapshot(snapshot, previousByServer.get(input.serverId)!, oldDefinitions);
      results.push({ toolsetHash: snapshot.toolsetHash, changes: plan.changes });
      for (const change of plan.changes) changeRows.push({ ...change, serverId: input.serverId, runId: input.runId ?? null, detectedAt: input.at });
      if (plan.replacesRows) rewritten.push(input.serverId);
      toolRows.push(...plan.toolRows);
      // Its tool set written (and changes, if any): its content_version moves.
      const moved = plan.replacesRows || plan.toolRows.length > 0;
      serverRows.push({ id: input.serverId, at: input.at, tool_count: snapshot.listed.length, toolset_hash: snapshot.toolsetHash, moved });
    }

    // The servers' rows first: their locks keep a server from being deleted until this commits, before this takes
    // any lock on the tables a server's deletion empties (migration 0006), so the two never wait on each other.
    await tx.execute(sql`
      update ${servers} set last_success_at = r.at, last_attempt_at = r.at, last_outcome = 'ok', tool_count = r.tool_count, toolset_hash = r.toolset_hash,
        content_version = case when r.moved then gen_random_uuid() else ${servers.contentVersion} end
      from ${jsonRows(serverRows, 'id text, at timestamptz, tool_count int, toolset_hash text, moved boolean')}
      where ${servers.id} = r.id`);
    if (rewritten.length > 0) await tx.delete(serverTools).where(sql`${serverTools.serverId} = any(${textArray(rewritten)})`);
    await insertServerTools(tx, toolRows);
    await insertChanges(tx, changeRows);
    return results;
  });
}

/**
 * Turns PostgreSQL's JIT off for the rest of the transaction. It compiles a query whose estimated cost passes
 * `jit_above_cost`, and while a first crawl fills the tables faster than their statistics follow, the store's key
 * lookups were estimated at up to 500,000 and compiled for 50–150 ms apiece to run in a few: LLVM took 14% of
 * PostgreSQL's CPU storing 500,000 tools (docs/scale.md, "Storing fast").
 */
const WITHOUT_JIT = sql`set_config('jit', 'off', true)`;

type Tx = Parameters<Parameters<Orm['transaction']>[0]>[0];

/**
 * The definitions of one batch at a time per database handle: a batch then finds stored every definition an
 * earlier batch of this process inserted, and its COPY straight into the table meets a duplicate only when another
 * process stored one meanwhile. Taken before a connection is, so a pool of one cannot deadlock on it.
 */
const definitionsTurns = new WeakMap<object, Promise<unknown>>();

function inTurn<T>(orm: object, work: () => Promise<T>): Promise<T> {
  const mine = (definitionsTurns.get(orm) ?? Promise.resolve()).then(work);
  definitionsTurns.set(
    orm,
    mine.catch(() => undefined),
  );
  return mine;
}

/** The current tools of these servers, read server by server through the primary key. */
async function previousTools(tx: Tx, serverIds: readonly string[]): Promise<Array<PreviousTool & { serverId: string; name: string }>> {
  const result = await tx.execute(sql`select t.server_id, t.name, t.hash, t.position, t.since from ${keyedRows(serverTools.serverId, serverIds)} t`);
  return rowsOf<Record<string, unknown>>(result).map((r) => ({
    serverId: r.server_id as string,
    name: r.name as string,
    hash: r.hash as string,
    position: Number(r.position),
    since: new Date(r.since as string | Date),
  }));
}

interface ChangeRow extends ToolChange {
  serverId: string;
  runId: number | null;
  detectedAt: Date;
}

/** `name type, …`: a json column's value reaches its text column by assignment, its text as written. */
function columnDefinitions(columns: readonly Column[]): string {
  return columns.map((c) => `${c.name} ${c.type}`).join(', ');
}

function columnNames(columns: readonly Column[]): string {
  return columns.map((c) => c.name).join(', ');
}

/**
 * Below this many rows a table's rows go as one json parameter even on PostgreSQL: a COPY costs more round trips
 * (one more than a statement, and a savepoint for definitions), which a small batch does not win back in per-row
 * work.
 */
export const COPY_MIN_ROWS = 500;

const UNIQUE_VIOLATION = '23505';

/**
 * Inserts rows into `table`, in their order, with one statement: on PostgreSQL, from COPY_MIN_ROWS rows and unless
 * `skipExisting`, by COPY straight into the table; on PGlite, for fewer rows, when a row holds what PostgreSQL
 * refuses, or with `skipExisting` (a row already there left out: COPY cannot skip one), as one unnested json
 * parameter (which then fails with PostgreSQL's own error before anything is written), in the order of `ordinal`, a
 * column of the rows that is not inserted.
 */
async function insertRows(
  tx: Tx,
  into: Table,
  columns: readonly Column[],
  rows: readonly Row[],
  options: { skipExisting?: boolean; ordinal?: Column } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const table = getTableName(into);
  const { skipExisting, ordinal } = options;
  const connection = rows.length >= COPY_MIN_ROWS && !skipExisting ? copyConnection(tx) : null;
  const chunks = connection && copyChunks(rows, columns);
  if (connection && chunks) return copyInto(connection, table, columns, chunks);
  const names = sql.raw(columnNames(columns));
  const read = ordinal ? [...columns, ordinal] : columns;
  const order = sql.raw(ordinal ? ` order by ${ordinal.name}` : '');
  const conflict = sql.raw(skipExisting ? ' on conflict do nothing' : '');
  await tx.execute(sql`insert into ${sql.raw(table)} (${names}) select ${names} from ${jsonRows(rows, columnDefinitions(read))}${order}${conflict}`);
}

/**
 * New definitions, first seen at the time of the first snapshot (in batch order) that lists them. Inserted in
 * hash order, so concurrent snapshots that share definitions wait on each other in one order and never deadlock.
 * Definitions already stored are left out before anything is sent: a re-crawl lists mostly what is stored, and
 * sending it again (compressed, then skipped on conflict) was most of what storing it cost.
 *
 * The rows go straight into the table (by COPY on PostgreSQL from COPY_MIN_ROWS rows): thanks to the turn (see
 * inTurn), only a definition another process stored since the check makes that fail, and then the transaction runs
 * again, its check made again and its rows sent as one json parameter that skips what is there. Skipping every
 * time cost PostgreSQL a third more a definition (COPY cannot skip: the rows went through a staging table), and a
 * savepoint around the insert, to redo only it, two more round trips in every batch's turn (docs/scale.md,
 * "Storing fast").
 */
async function storeDefinitions(orm: Orm, prepared: readonly PreparedSnapshot[]): Promise<void> {
  const store = (skipExisting: boolean) =>
    orm.transaction(async (tx) => {
      // Long values are compressed once, on their way in: with lz4 where the server has it (several times cheaper
      // than the default pglz; reading either is transparent).
      await tx.execute(
        sql`select ${WITHOUT_JIT}, (select set_config('default_toast_compression', 'lz4', true) from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals))`,
      );
      await insertRows(tx, toolDefinitions, DEFINITION_COLUMNS, await newDefinitionRows(tx, prepared), { skipExisting });
    });
  try {
    await store(false);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    await store(true);
  }
}

/** Whether PostgreSQL refused a duplicate key, however the error is wrapped. */
function isUniqueViolation(error: unknown): boolean {
  return [...causes(error)].some((e) => (e as { code?: unknown }).code === UNIQUE_VIOLATION);
}

/** The rows of the definitions these snapshots list that are not stored yet, in hash order. */
async function newDefinitionRows(tx: Tx, prepared: readonly PreparedSnapshot[]): Promise<Row[]> {
  const firstListed = new Map<string, { tool: ListedTool; at: Date }>();
  for (const { input, listed } of prepared) {
    for (const { tool, hash } of listed) if (!firstListed.has(hash)) firstListed.set(hash, { tool, at: input.at });
  }
  const hashes = [...firstListed.keys()].sort();
  const stored = await storedHashes(tx, hashes);
  const rows: Row[] = [];
  for (const hash of hashes) {
    if (stored.has(hash)) continue;
    const { tool, at } = firstListed.get(hash)!;
    rows.push({
      hash,
      name: wellFormed(tool.name),
      title: wellFormed(tool.title),
      description: wellFormed(tool.description),
      input_schema: tool.inputSchema ?? null,
      output_schema: tool.outputSchema ?? null,
      annotations: tool.annotations ?? null,
      description_truncated: tool.descriptionTruncated ?? false,
      first_seen: at,
    });
  }
  return rows;
}

/**
 * Which of these definition hashes are stored. Definitions are never deleted, so one found here is still there
 * when the snapshot that lists it is stored; one stored meanwhile by another process makes the batch's definitions
 * go again, skipping what is there (storeDefinitions). Looked up hash by hash through the primary key.
 */
async function storedHashes(tx: Tx, hashes: readonly string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const result = await tx.execute(sql`select d.hash from ${keyedRows(toolDefinitions.hash, hashes)} d`);
  return new Set(rowsOf<{ hash: string }>(result).map((r) => r.hash));
}

const DEFINITION_COLUMNS = columns(
  'hash text, name text, title text, description text, input_schema json, output_schema json, annotations json, description_truncated boolean, first_seen timestamptz',
);
const SERVER_TOOL_COLUMNS = columns('server_id text, name text, hash text, position int, since timestamptz');
const CHANGE_COLUMNS = columns('server_id text, run_id int, tool_name text, kind text, old_hash text, new_hash text, fields text[], detected_at timestamptz');
const [ORD] = columns('ord int');

/** Columns from `name type, …`. */
function columns(definitions: string): Column[] {
  return definitions.split(', ').map((definition) => {
    const [name, type] = definition.split(' ');
    return { name, type: type as Column['type'] };
  });
}

async function insertServerTools(tx: Tx, rows: readonly ServerToolRow[]): Promise<void> {
  await insertRows(
    tx,
    serverTools,
    SERVER_TOOL_COLUMNS,
    rows.map((r) => ({ server_id: r.serverId, name: wellFormed(r.name), hash: r.hash, position: r.position, since: r.since })),
  );
}

async function insertChanges(tx: Tx, rows: readonly ChangeRow[]): Promise<void> {
  const records = rows.map((r, ord) => ({
    ord,
    server_id: r.serverId,
    run_id: r.runId,
    tool_name: wellFormed(r.toolName),
    kind: r.kind,
    old_hash: r.oldHash,
    new_hash: r.newHash,
    fields: r.fields,
    detected_at: r.detectedAt,
  }));
  await insertRows(tx, toolChanges, CHANGE_COLUMNS, records, { ordinal: ORD });
}

/** The stored content of every definition a listed tool replaces, by hash. */
async function readChangedDefinitions(
  tx: Tx,
  prepared: readonly PreparedSnapshot[],
  previousByServer: Map<string, Map<string, PreviousTool>>,
): Promise<Map<string, Record<string, unknown>>> {
  const hashes = replacedHashes(prepared, previousByServer);
  const oldDefinitions = new Map<string, Record<string, unknown>>();
  if (hashes.size === 0) return oldDefinitions;
  const rows = await withKeyedRows(tx, toolDefinitions.hash, [...hashes])
    .select()
    .from(toolDefinitions);
  for (const row of rows) oldDefinitions.set(row.hash, definitionContent(row));
  return oldDefinitions;
}
