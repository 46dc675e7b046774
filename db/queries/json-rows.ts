import { sql, type SQL } from 'drizzle-orm';

/**
 * Rows as one json parameter, unnested as `r` by the column definitions (`name type, …`): a single statement and a
 * single parameter however many rows (a multi-row VALUES list has a parameter a field, which the driver builds and
 * PostgreSQL parses one by one). json, not jsonb: a `json` field reaches a text column as the very text
 * JSON.stringify wrote (jsonb would reorder its keys). Text fields must be `wellFormed`; a NUL (`\u0000`) is refused
 * on its way into a text column, just as in a text parameter.
 */
export function jsonRows(rows: readonly Record<string, unknown>[], definitions: string): SQL {
  return sql`json_to_recordset(${JSON.stringify(rows)}::json) as r(${sql.raw(definitions)})`;
}

/**
 * Text as a text parameter would store it: lone surrogates become U+FFFD, as the UTF-8 encoding of a parameter makes
 * them (JSON keeps them as `\ud800` escapes, which PostgreSQL refuses).
 */
export function wellFormed(value: string | null | undefined): string | null {
  // String.prototype.toWellFormed is in Node 20; the ES2023 lib the project compiles against does not declare it.
  return value === undefined || value === null ? null : (value as string & { toWellFormed(): string }).toWellFormed();
}
