import { sql } from 'drizzle-orm';
import type { Orm } from '../connection.ts';
import { latestAttempt } from './site.ts';
import { rowsOf } from './status.ts';

export interface ServerFingerprint {
  id: string;
  /** Changes whenever anything the site shows about the server or its tools changes, but when it was last crawled and seen. */
  fingerprint: string;
  /** Changes whenever its crawl status changes: when it was last seen, its last crawl attempt, its last success. */
  status: string;
}

/** The columns of a server's row that are its crawl status (its `status` hash). */
const STATUS_COLUMNS = ['last_seen', 'last_attempt_at', 'last_outcome', 'last_success_at'];

/** `s."<column>", …` */
function columnList(names: readonly string[]): string {
  return names.map((name) => `s."${name}"`).join(', ');
}

/**
 * Two hashes per server, in catalogue order (by id), read from the servers table alone. `fingerprint` covers
 * everything its pages are made of but its crawl status: the row's `content_version`, whether it ever had a success
 * (which decides whether it is graded), and `classifierVersion`. Every write to the server's content moves
 * `content_version`: to its tools, their classifications and its tool changes (storeSnapshots in its own update, the
 * triggers of migration 0003 for any other writer) and to any column of its own row but the crawl status (the
 * trigger of migration 0008). So the query reads neither the tools (aggregating every tool with its classification
 * was ≈ 1 s of every incremental build at 100,000 tools, before it knew what changed) nor the row's other columns
 * (hashing them all as a row was ≈ 0.2 s). `status` covers the status columns and its latest crawl attempt (one
 * index read per server, see latestAttempt, whatever the crawl history). A nightly crawl of everything moves every
 * `status` and few fingerprints: an incremental site build re-reads and re-renders only the servers whose fingerprint
 * moved, and patches the crawl status into the server page and open data of those whose status alone moved.
 */
export async function serverFingerprints(orm: Orm, classifierVersion: string): Promise<ServerFingerprint[]> {
  const result = await orm.execute(sql`
    select s.id,
      md5(s.content_version::text || chr(31) || (s.last_success_at is null)::text || chr(31) || ${classifierVersion}) as fingerprint,
      md5(row(${sql.raw(columnList(STATUS_COLUMNS))})::text || chr(31) || coalesce(a.fp, '')) as status
    from servers s
    left join lateral (select md5(row(latest.*)::text) as fp from (${latestAttempt(sql`s.id`)}) latest) a on true
    order by s.id`);
  return rowsOf<ServerFingerprint>(result);
}
