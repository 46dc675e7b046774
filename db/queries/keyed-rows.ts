import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Orm } from '../connection.ts';
import { textArray } from './text-array.ts';

/**
 * The rows of `column`'s table whose `column` is one of `keys`, as a subquery to alias: looked up key by key through
 * the column's index, whatever the planner estimates. Written as `column = any(…)`, PostgreSQL chose from statistics
 * a crawl had outgrown (an id estimated at 0.5% of a table autovacuum had not yet analysed) or from its cost of
 * random reads, and scanned the whole table for each batch: a first crawl's store, a build's batch of servers. The
 * lateral subquery is kept apart by `offset 0` (without it PostgreSQL makes it a plain join); in SQL because
 * drizzle's query builder leaves an offset of 0 out.
 */
export function keyedRows(column: PgColumn, keys: readonly string[]): SQL {
  const table = sql.identifier(getTableName(column.table));
  const name = sql.identifier(column.name);
  return sql`(select found.* from unnest(${textArray(keys)}) as keys(key) cross join lateral (select * from ${table} where ${name} = keys.key offset 0) found)`;
}

/**
 * A query builder in which `column`'s table holds only the rows `keyedRows` reads (a query named as the table, with
 * its columns), so a query written against the table reads just those, typed as ever.
 */
export function withKeyedRows(orm: Pick<Orm, 'with' | '$with'>, column: PgColumn, keys: readonly string[]): Pick<Orm, 'select'> {
  const table = column.table;
  return orm.with(orm.$with(getTableName(table), getTableColumns(table)).as(keyedRows(column, keys)));
}
