import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Sql } from 'postgres';

/**
 * The postgres.js connection behind a drizzle transaction on PostgreSQL, for COPY; null on PGlite (whose
 * in-process engine gains nothing from COPY over one unnested jsonb parameter).
 */
export function copyConnection(tx: object): Sql | null {
  const client = (tx as { session?: { client?: unknown } }).session?.client;
  return typeof client === 'function' && typeof (client as Partial<Sql>).unsafe === 'function' ? (client as Sql) : null;
}

type Value = string | number | boolean | Date | null | undefined | object;

/** One field in COPY's text format: `\N` for null, backslash escapes for the separators; JSON for objects. */
function field(value: Value): string {
  if (value === null || value === undefined) return '\\N';
  const text =
    typeof value === 'string' ? value
    : value instanceof Date ? value.toISOString()
    : typeof value === 'boolean' ? (value ? 't' : 'f')
    : typeof value === 'number' ? String(value)
    : JSON.stringify(value);
  return text.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}

/** COPYs rows into `table` (a temporary table the caller created) on the transaction's connection. */
export async function copyInto(connection: Sql, table: string, columns: readonly string[], rows: ReadonlyArray<readonly Value[]>): Promise<void> {
  const text = rows.map((row) => `${row.map(field).join('\t')}\n`).join('');
  const writable = await connection.unsafe(`copy ${table} (${columns.join(', ')}) from stdin`).writable();
  await pipeline(Readable.from([Buffer.from(text, 'utf8')]), writable);
}
