import { getTableColumns, sql } from 'drizzle-orm';
import { servers } from '../schema.ts';
import type { Orm } from '../connection.ts';
import { latestAttempt } from './site.ts';
import { rowsOf } from './status.ts';

export interface ServerFingerprint {
  id: string;
  /** Changes whenever anything the site shows about the server or its tools changes, but when it was last crawled and seen. */
  fingerprint: string;
  /** Changes whenever its crawl status changes: when it was last seen, its last crawl attempt, its last success. */
  status: string;
  /** One of its current tools has no classification for the classifier version asked for. */
  unclassified: boolean;
}

/** The columns of a server's row that are its crawl status (its `status` hash), and the others (its fingerprint). */
const STATUS_COLUMNS = ['last_seen', 'last_attempt_at', 'last_outcome', 'last_success_at'];
const CONTENT_COLUMNS = Object.values(getTableColumns(servers))
  .map((column) => column.name)
  .filter((name) => !STATUS_COLUMNS.includes(name));

/** `s."<column>", …` */
function columnList(names: readonly string[]): string {
  return names.map((name) => `s."${name}"`).join(', ');
}

/**
 * Two hashes per server, in catalogue order (by id). `fingerprint` covers everything its pages are made of but its
 * crawl status: the server row without its status columns (every other column of the schema, as a row: making it
 * jsonb first cost three times as much) and whether it ever had a success (which decides
 * whether it is graded), its current tools (name, definition hash, position, since) with their classification for
 * `classifierVersion`, and its tool changes (count and newest id). `status` covers the status columns and its
 * latest crawl attempt. A nightly crawl of everything moves every `status` and few fingerprints: an incremental
 * site build re-reads and re-renders only the servers whose fingerprint moved, and patches the crawl status into
 * the server page and open data of those whose status alone moved. Reading these is one aggregate query, which
 * also says whether a server's tool lacks a classification (so a build need not ask that in a query of its own).
 * The latest attempt is one index read per server (see latestAttempt), whatever the crawl history.
 * A classification stands in by its row version (`xmin`, the transaction that last wrote the row: any insert or
 * update moves it, freezing does not), not by a hash of its text: hashing every classification's JSON evidence
 * was most of the query's cost. A row rewritten with the same content moves it too (the server is re-read, and
 * pages whose inputs did not change are not rewritten); a restored dump moves all of them.
 */
export async function serverFingerprints(orm: Orm, classifierVersion: string): Promise<ServerFingerprint[]> {
  // Its sort and hash join spill to disk with the default 4 MB at 100,000 tools.
  const result = await orm.transaction(async (tx) => {
    await tx.execute(sql`set local work_mem = '64MB'`);
    return tx.execute(sql`
    with tool_sets as (
      select st.server_id,
        md5(string_agg(st.name || chr(31) || st.hash || chr(31) || st.position || chr(31) || st.since::text || chr(31) || coalesce(c.xmin::text, ''), chr(30) order by st.position)) as fp,
        bool_or(c.hash is null) as unclassified
      from server_tools st
      left join classifications c on c.hash = st.hash and c.classifier_version = ${classifierVersion}
      group by st.server_id),
    changes as (
      select server_id, count(*)::text || ':' || max(id)::text as fp from tool_changes group by server_id)
    select s.id,
      md5(row(${sql.raw(columnList(CONTENT_COLUMNS))})::text || chr(31) || (s.last_success_at is null)::text
        || chr(31) || coalesce(t.fp, '') || chr(31) || coalesce(ch.fp, '')) as fingerprint,
      md5(row(${sql.raw(columnList(STATUS_COLUMNS))})::text || chr(31) || coalesce(a.fp, '')) as status,
      coalesce(t.unclassified, false) as unclassified
    from servers s
    left join tool_sets t on t.server_id = s.id
    left join changes ch on ch.server_id = s.id
    left join lateral (select md5(row(latest.*)::text) as fp from (${latestAttempt(sql`s.id`)}) latest) a on true
    order by s.id`);
  });
  return rowsOf<ServerFingerprint>(result);
}
