import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classify } from '../../classifier/index.ts';
import { classificationRow, definitionHash, rowsOf, storeSnapshot, writeClassifications, type ListedTool } from '../../db/index.ts';
import { databaseWithRun, testBackends, type TestDatabase } from '../helpers/databases.ts';

/**
 * The references of server_tools and tool_changes, checked once a statement by triggers (migration 0006) instead
 * of by foreign keys: the same rules, and no race between a writer of the rows and a remover of what they name.
 */

const T0 = new Date('2026-01-01T00:00:00Z');
const TRACKER = 'io.github.acme/tracker';
const MIRROR = 'io.github.acme/mirror';
const listIssues: ListedTool = { name: 'list_issues', description: 'List issues in a repository.' };
const deleteRepo: ListedTool = { name: 'delete_repo', description: 'Delete a repository.' };
const FOREIGN_KEY_VIOLATION = '23503';

/** The SQLSTATE of a failure, from drizzle's error or the driver's beneath it. */
async function failure(work: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await work;
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message: string } }).cause;
    return cause?.code ? cause : (error as { code?: string; message: string });
  }
  throw new Error('expected the statement to fail');
}

/** A transaction on `connection` that has run `work` and stays open until `commit()`; `done` settles after. */
async function heldOpen(connection: postgres.Sql, work: (tx: postgres.TransactionSql) => Promise<unknown>) {
  let commit!: () => void;
  let ran!: () => void;
  const committing = new Promise<void>((resolve) => {
    commit = resolve;
  });
  const workDone = new Promise<void>((resolve) => {
    ran = resolve;
  });
  const done = connection.begin(async (tx) => {
    await work(tx);
    ran();
    await committing;
  });
  await Promise.race([workDone, done]);
  return { commit, done };
}

describe.each(testBackends())('references on $name', (backend) => {
  let db: TestDatabase;
  let runId: number;
  beforeEach(async () => {
    ({ db, runId } = await databaseWithRun(
      backend,
      [TRACKER, MIRROR].map((id) => ({ id, title: id, sources: ['registry'] })),
      T0,
    ));
    for (const serverId of [TRACKER, MIRROR]) await storeSnapshot(db.orm, { serverId, runId, tools: [listIssues, deleteRepo], at: T0 });
  });
  afterEach(async () => {
    await db.dispose();
  });

  const count = async (query: ReturnType<typeof sql>) => Number(rowsOf<{ n: number }>(await db.orm.execute(query))[0].n);
  const toolsOf = (serverId: string) => count(sql`select count(*) as n from server_tools where server_id = ${serverId}`);
  const changesOf = (serverId: string) => count(sql`select count(*) as n from tool_changes where server_id = ${serverId}`);

  it('refuses a row that names a server, definition or run that is not there, and writes none of its statement', async () => {
    const hash = definitionHash(listIssues);
    const noServer = await failure(
      db.orm.execute(sql`insert into server_tools (server_id, name, hash, position, since)
        values (${TRACKER}, 'other', ${hash}, 5, now()), ('io.github.acme/gone', 'list_issues', ${hash}, 0, now())`),
    );
    expect(noServer).toMatchObject({ code: FOREIGN_KEY_VIOLATION });
    expect(noServer.message).toContain('io.github.acme/gone');
    expect(await toolsOf(TRACKER)).toBe(2);

    const noDefinition = await failure(
      db.orm.execute(sql`insert into server_tools (server_id, name, hash, position, since) values (${TRACKER}, 'other', ${'0'.repeat(64)}, 5, now())`),
    );
    expect(noDefinition).toMatchObject({ code: FOREIGN_KEY_VIOLATION });
    expect(noDefinition.message).toContain('tool_definitions');

    const change = (server: string, run: number | null) =>
      db.orm.execute(
        sql`insert into tool_changes (server_id, run_id, tool_name, kind, new_hash, detected_at) values (${server}, ${run}, 'x', 'added', ${hash}, now())`,
      );
    expect(await failure(change(TRACKER, runId + 1))).toMatchObject({ code: FOREIGN_KEY_VIOLATION });
    expect(await failure(change('io.github.acme/gone', runId))).toMatchObject({ code: FOREIGN_KEY_VIOLATION });
    await change(TRACKER, null);
    expect(await changesOf(TRACKER)).toBe(3);

    // An update is checked as an insert is.
    const moved = await failure(db.orm.execute(sql`update server_tools set server_id = 'io.github.acme/gone' where server_id = ${TRACKER}`));
    expect(moved).toMatchObject({ code: FOREIGN_KEY_VIOLATION });
    expect(await failure(db.orm.execute(sql`update tool_changes set run_id = ${runId + 1}`))).toMatchObject({ code: FOREIGN_KEY_VIOLATION });
    expect(await toolsOf(TRACKER)).toBe(2);
  });

  it("deletes a server's tools and changes with it, and clears a deleted run from its changes", async () => {
    await db.orm.execute(sql`delete from crawl_runs where id = ${runId}`);
    expect(await count(sql`select count(*) as n from tool_changes where run_id is not null`)).toBe(0);
    expect(await changesOf(TRACKER)).toBe(2);

    await db.orm.execute(sql`delete from servers where id = ${TRACKER}`);
    expect([await toolsOf(TRACKER), await changesOf(TRACKER)]).toEqual([0, 0]);
    expect([await toolsOf(MIRROR), await changesOf(MIRROR)]).toEqual([2, 2]);

    await db.orm.execute(sql`truncate servers cascade`);
    expect(await count(sql`select (select count(*) from server_tools) + (select count(*) from tool_changes) as n`)).toBe(0);
  });

  it('keeps a definition a tool names, and deletes one no tool names with its classifications', async () => {
    const hash = definitionHash(deleteRepo);
    await writeClassifications(db.orm, [classificationRow(hash, classify(deleteRepo), T0)]);
    expect(await failure(db.orm.execute(sql`delete from tool_definitions where hash = ${hash}`))).toMatchObject({ code: FOREIGN_KEY_VIOLATION });
    expect(await failure(db.orm.execute(sql`truncate tool_definitions cascade`))).toMatchObject({ code: FOREIGN_KEY_VIOLATION });

    for (const serverId of [TRACKER, MIRROR]) await storeSnapshot(db.orm, { serverId, runId, tools: [listIssues], at: T0 });
    await db.orm.execute(sql`delete from tool_definitions where hash = ${hash}`);
    expect(await count(sql`select count(*) as n from classifications where hash = ${hash}`)).toBe(0);
  });

  it('refuses to change a referenced key', async () => {
    expect(await failure(db.orm.execute(sql`update servers set id = 'io.github.acme/renamed' where id = ${TRACKER}`))).toMatchObject({
      code: FOREIGN_KEY_VIOLATION,
    });
    const hash = definitionHash(listIssues);
    expect(await failure(db.orm.execute(sql`update tool_definitions set hash = ${'f'.repeat(64)} where hash = ${hash}`))).toMatchObject({
      code: FOREIGN_KEY_VIOLATION,
    });
    // Any other column changes as before.
    await db.orm.execute(sql`update servers set title = 'Tracker' where id = ${TRACKER}`);
  });

  it.runIf(backend.name === 'postgres')('lets a writer and a remover of the same server take turns, whichever comes first', async () => {
    const writer = postgres(db.url!, { max: 1, onnotice: () => {} });
    const remover = postgres(db.url!, { max: 1, onnotice: () => {} });
    const hash = definitionHash(listIssues);
    const waitingForLock = async (connection: postgres.Sql) => {
      const [{ pid }] = await connection`select pg_backend_pid() as pid`;
      return async () => {
        for (const deadline = Date.now() + 10_000; ; ) {
          if (Date.now() > deadline) throw new Error('the second transaction never waited for the first');
          const [row] = await db.orm
            .execute(sql`select wait_event_type from pg_stat_activity where pid = ${pid}`)
            .then((r) => rowsOf<{ wait_event_type: string | null }>(r));
          if (row?.wait_event_type === 'Lock') return;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
    };
    try {
      // The writer first: the removal waits for its commit, then deletes what it wrote.
      const removerBlocked = await waitingForLock(remover);
      const writing = await heldOpen(writer, async (tx) => {
        // As the store writes: no trigger then moves the server's content_version, whose row lock would hold the
        // removal back by itself.
        await tx`select set_config('toolrisk.content_version', 'store', true)`;
        await tx`insert into server_tools (server_id, name, hash, position, since) values (${TRACKER}, 'late', ${hash}, 9, now())`;
      });
      // postgres.js sends a query when it is awaited or executed.
      const removed = remover`delete from servers where id = ${TRACKER}`.execute();
      await removerBlocked();
      writing.commit();
      await writing.done;
      await removed;
      expect(await toolsOf(TRACKER)).toBe(0);

      // The removal first: the writer waits for its commit, then finds the server gone.
      const writerBlocked = await waitingForLock(writer);
      const removing = await heldOpen(remover, (tx) => tx`delete from servers where id = ${MIRROR}`);
      const late = failure(writer`insert into server_tools (server_id, name, hash, position, since) values (${MIRROR}, 'late', ${hash}, 9, now())`);
      await writerBlocked();
      removing.commit();
      await removing.done;
      expect(await late).toMatchObject({ code: FOREIGN_KEY_VIOLATION });
      expect(await toolsOf(MIRROR)).toBe(0);
    } finally {
      await Promise.all([writer.end({ timeout: 5 }), remover.end({ timeout: 5 })]);
    }
  });
});
