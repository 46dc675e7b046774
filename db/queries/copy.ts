import type { Sql } from 'postgres';

/**
 * COPY on PostgreSQL (postgres.js), for bulk stores: rows written in COPY's text format instead of one
 * multi-megabyte parameter that PostgreSQL parses whole and copies with its plan.
 *
 * Two things make it safe for a crawl, where text is written by strangers:
 * - rows PostgreSQL would refuse (a NUL in text) are found before the stream starts (`copyChunks`), and the
 *   caller stores them another way, which fails with PostgreSQL's own error;
 * - any error PostgreSQL (or the connection) reports once COPY has begun rejects `copyInto`. postgres.js
 *   resolves the COPY query with its stream as soon as COPY starts and, when the server refuses the data after
 *   the last byte was sent, only calls the query's (settled) reject and never finishes the stream: waiting on
 *   the stream alone hangs for ever. So the query's reject is observed too.
 */

/**
 * A column of a table as the store writes it: its name and its SQL type (`json`: a value written as JSON text, which
 * the table keeps in a text column: see `listedJson` in db/schema.ts).
 */
export interface Column {
  name: string;
  type: 'text' | 'int' | 'boolean' | 'timestamptz' | 'text[]' | 'json';
}

export type Row = Record<string, unknown>;

/** The postgres.js connection behind a drizzle transaction on PostgreSQL; null on PGlite. */
export function copyConnection(tx: object): Sql | null {
  const client = (tx as { session?: { client?: unknown } }).session?.client;
  return typeof client === 'function' && typeof (client as Partial<Sql>).unsafe === 'function' ? (client as Sql) : null;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;

/** Text as one field of COPY's text format: backslash, newline, carriage return and tab escaped. */
function escapeField(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPES[c]) : text;
}

/** An array literal for a text[] column: every element quoted, `"` and `\` escaped. */
function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/** Thrown by `field` for a value PostgreSQL would refuse; caught by `copyChunks`. */
const REFUSED = Symbol('refused');

/** One field of COPY's text format; throws REFUSED for a NUL in text. */
function field(value: unknown, type: Column['type']): string {
  if (value === null || value === undefined) return '\\N';
  switch (type) {
    // Stringified here, as the field is written, rather than kept as text in the row until it is.
    case 'json':
      return escapeField(JSON.stringify(value));
    case 'timestamptz':
      return (value as Date).toISOString();
    case 'boolean':
      return value ? 't' : 'f';
    case 'int':
      return String(value as number);
    case 'text[]':
      return escapeField(arrayLiteral(value as string[]));
    default:
      if ((value as string).includes('\u0000')) throw REFUSED;
      return escapeField(value as string);
  }
}

/**
 * Rows in COPY's text format, UTF-8, in chunks of about `chunkBytes` bytes; null when PostgreSQL would refuse a
 * value: a NUL in text (text is made well-formed by the caller). Each field is encoded straight into the chunk:
 * concatenated into lines and chunks as strings, the text cost three times as much to encode (the strings are
 * flattened first).
 */
export function copyChunks(rows: readonly Row[], columns: readonly Column[], chunkBytes = 256 * 1024): Buffer[] | null {
  const out = new ChunkWriter(chunkBytes);
  try {
    for (const row of rows) {
      for (let i = 0; i < columns.length; i++) {
        const { name, type } = columns[i];
        if (i > 0) out.byte(TAB);
        out.write(field(row[name], type));
      }
      out.byte(NEWLINE);
    }
  } catch (error) {
    if (error === REFUSED) return null;
    throw error;
  }
  return out.finish();
}

const TAB = 0x09;
const NEWLINE = 0x0a;

/** Text encoded as UTF-8 into buffers of at least `chunkBytes` bytes each, cut only between the strings written. */
class ChunkWriter {
  private readonly chunks: Buffer[] = [];
  private buffer: Buffer;
  private used = 0;

  constructor(private readonly chunkBytes: number) {
    this.buffer = Buffer.allocUnsafe(chunkBytes);
  }

  write(text: string): void {
    // UTF-8 takes at most three bytes for each UTF-16 code unit.
    const most = text.length * 3;
    if (this.used + most > this.buffer.length) this.next(most);
    this.used += this.buffer.write(text, this.used);
  }

  byte(value: number): void {
    if (this.used === this.buffer.length) this.next(1);
    this.buffer[this.used++] = value;
  }

  finish(): Buffer[] {
    if (this.used > 0) this.chunks.push(this.buffer.subarray(0, this.used));
    return this.chunks;
  }

  private next(atLeast: number): void {
    if (this.used > 0) this.chunks.push(this.buffer.subarray(0, this.used));
    this.buffer = Buffer.allocUnsafe(Math.max(this.chunkBytes, atLeast));
    this.used = 0;
  }
}

interface CopyQuery extends Promise<unknown> {
  writable(): Promise<NodeJS.WritableStream & { destroyed: boolean; once(event: string, listener: (...args: unknown[]) => void): void }>;
  reject: (error: unknown) => void;
}

/**
 * COPYs rows (from `copyChunks`) into `table` on the transaction's connection. Resolves when
 * PostgreSQL has taken them all; rejects with PostgreSQL's error (or the connection's) if anything fails, which
 * fails the caller's transaction: the connection is out of COPY by then and takes the rollback.
 */
export async function copyInto(connection: Sql, table: string, columns: readonly Column[], chunks: readonly Buffer[]): Promise<void> {
  const query = connection.unsafe(`copy ${table} (${columns.map((c) => c.name).join(', ')}) from stdin`) as unknown as CopyQuery;
  let fail!: (error: unknown) => void;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => undefined); // observed below; a failure after success has nobody left to tell
  const reject = query.reject;
  query.reject = (error) => {
    fail(error);
    reject(error);
  };
  const stream = await Promise.race([query.writable(), failed]);
  const done = new Promise<void>((resolve, rejectDone) => {
    stream.once('finish', () => resolve());
    stream.once('error', (error) => rejectDone(error));
  });
  for (const chunk of chunks) stream.write(chunk);
  stream.end();
  await Promise.race([done, failed]);
}
