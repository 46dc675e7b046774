import { sql, type SQL } from 'drizzle-orm';

/** Strings as one text[] parameter, whatever their number (a list of `in ($1, $2, …)` grows the statement and its plan). */
export function textArray(values: readonly string[]): SQL {
  return sql`${sql.param([...values])}::text[]`;
}
