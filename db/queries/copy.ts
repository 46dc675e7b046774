import type { Sql } from 'postgres';

/**
 * COPY on PostgreSQL (postgres.js), for bulk stores: rows written in COPY's binary format instead of one
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

/** Thrown while encoding a value PostgreSQL would refuse; caught by `copyChunks`. */
const REFUSED = Symbol('refused');

/**
 * Rows in COPY's binary format, in chunks of about `chunkBytes` bytes; null when PostgreSQL would refuse a value: a
 * NUL in text (text is made well-formed by the caller). Binary rather than text: no field is searched for characters
 * to escape and PostgreSQL parses no timestamp, integer or array literal (bench/RESULTS.md).
 */
export function copyChunks(rows: readonly Row[], columns: readonly Column[], chunkBytes = 256 * 1024): Buffer[] | null {
  const out = new ChunkWriter(chunkBytes);
  try {
    out.header();
    for (const row of rows) {
      out.int16(columns.length);
      for (const { name, type } of columns) field(out, row[name], type);
    }
    out.int16(-1);
  } catch (error) {
    if (error === REFUSED) return null;
    throw error;
  }
  return out.finish();
}

/** PostgreSQL's epoch for timestamps, in Unix milliseconds. */
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);
/** The type of a text[] column's elements (pg_type's oid of text). */
const TEXT_OID = 25;

/** One field: its length in bytes (-1 for NULL), then its value as PostgreSQL's binary receive function reads it. */
function field(out: ChunkWriter, value: unknown, type: Column['type']): void {
  if (value === null || value === undefined) {
    out.int32(-1);
    return;
  }
  switch (type) {
    // Stringified here, as the field is written, rather than kept as text in the row until it is.
    case 'json':
      out.text(JSON.stringify(value));
      break;
    case 'timestamptz': {
      const ms = (value as Date).getTime();
      if (!Number.isFinite(ms)) throw new RangeError('Invalid time value');
      out.int64((ms - POSTGRES_EPOCH_MS) * 1000);
      break;
    }
    case 'boolean':
      out.int32(1);
      out.byte(value ? 1 : 0);
      break;
    case 'int':
      out.int32(4);
      out.int32(value as number);
      break;
    case 'text[]':
      out.textArray(value as string[]);
      break;
    default:
      if ((value as string).includes('\u0000')) throw REFUSED;
      out.text(value as string);
  }
}

/** COPY's binary format written into buffers of at least `chunkBytes` bytes each, cut only between the values written (no text is split). */
class ChunkWriter {
  private readonly chunks: Buffer[] = [];
  private buffer: Buffer;
  private used = 0;

  constructor(private readonly chunkBytes: number) {
    this.buffer = Buffer.allocUnsafe(chunkBytes);
  }

  /** The signature, no flags, no header extension. */
  header(): void {
    this.room(SIGNATURE.length + 8);
    this.used += SIGNATURE.copy(this.buffer, this.used);
    this.int32(0);
    this.int32(0);
  }

  /** Text as UTF-8, after its length in bytes. */
  text(value: string): void {
    // UTF-8 takes at most three bytes for each UTF-16 code unit.
    this.room(4 + value.length * 3);
    const length = this.buffer.write(value, this.used + 4);
    this.buffer.writeInt32BE(length, this.used);
    this.used += 4 + length;
  }

  /** A one-dimensional text array without NULLs, as array_recv reads it. */
  textArray(values: readonly string[]): void {
    const at = this.reserveLength();
    this.int32(values.length === 0 ? 0 : 1);
    this.int32(0);
    this.int32(TEXT_OID);
    if (values.length > 0) {
      this.int32(values.length);
      this.int32(1);
    }
    for (const value of values) {
      if (value.includes('\u0000')) throw REFUSED;
      this.text(value);
    }
    this.fillLength(at);
  }

  /** An 8-byte field holding a whole number below 2^53 as a big-endian int64. */
  int64(value: number): void {
    this.room(12);
    const high = Math.floor(value / 2 ** 32);
    this.buffer.writeInt32BE(8, this.used);
    this.buffer.writeInt32BE(high, this.used + 4);
    this.buffer.writeUInt32BE(value - high * 2 ** 32, this.used + 8);
    this.used += 12;
  }

  int32(value: number): void {
    this.room(4);
    this.used = this.buffer.writeInt32BE(value, this.used);
  }

  int16(value: number): void {
    this.room(2);
    this.used = this.buffer.writeInt16BE(value, this.used);
  }

  byte(value: number): void {
    this.room(1);
    this.buffer[this.used++] = value;
  }

  finish(): Buffer[] {
    if (this.used > 0) this.chunks.push(this.buffer.subarray(0, this.used));
    return this.chunks;
  }

  /**
   * Four bytes for the length of a field known only once it is written (an array), filled in by fillLength, which
   * counts what was written since, across the chunks pushed meanwhile.
   */
  private reserveLength(): { buffer: Buffer; at: number; chunks: number } {
    this.room(4);
    const at = { buffer: this.buffer, at: this.used, chunks: this.chunks.length };
    this.used += 4;
    return at;
  }

  private fillLength(reserved: { buffer: Buffer; at: number; chunks: number }): void {
    let length = 0;
    // The bytes after the reserved length: the rest of its buffer, the chunks pushed since, and the current buffer.
    if (reserved.buffer === this.buffer) length = this.used - reserved.at - 4;
    else {
      length = this.chunks[reserved.chunks].length - reserved.at - 4;
      for (let i = reserved.chunks + 1; i < this.chunks.length; i++) length += this.chunks[i].length;
      length += this.used;
    }
    reserved.buffer.writeInt32BE(length, reserved.at);
  }

  private room(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    if (this.used > 0) this.chunks.push(this.buffer.subarray(0, this.used));
    this.buffer = Buffer.allocUnsafe(Math.max(this.chunkBytes, bytes));
    this.used = 0;
  }
}

/** The binary format's signature: `PGCOPY\n\377\r\n\0`. */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

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
  const query = connection.unsafe(`copy ${table} (${columns.map((c) => c.name).join(', ')}) from stdin (format binary)`) as unknown as CopyQuery;
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
