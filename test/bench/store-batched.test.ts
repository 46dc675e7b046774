import { asc, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rowsOf, serverTools, servers, storeSnapshot, storeSnapshots, toolChanges, toolDefinitions, upsertServers, type Orm } from '../../db/index.ts';
import { generateCatalogue, type SyntheticServer } from '../../bench/generate.ts';
import { batches, seedCatalogue } from '../../bench/seed.ts';
import { classifyCatalogue } from '../../pipeline/classify.ts';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';

const T0 = new Date('2026-01-01T00:00:00Z');
const T1 = new Date('2026-01-02T00:00:00Z');

/** A second crawl: some servers drop a tool, edit one, reorder, or list a tool another server has. */
function recrawl(catalogue: SyntheticServer[]): SyntheticServer[] {
  return catalogue.map((entry, i) => {
    const tools = [...entry.tools];
    if (i % 4 === 1) tools.pop();
    if (i % 4 === 2 && tools.length > 0) tools[0] = { ...tools[0], description: `${tools[0].description ?? ''} Now with more.` };
    if (i % 4 === 3) tools.reverse();
    if (i % 5 === 0) tools.push({ ...catalogue[(i + 1) % catalogue.length].tools[0], name: `shared_${i}` });
    return { ...entry, tools };
  });
}

async function contents(orm: Orm) {
  return {
    definitions: await orm.select().from(toolDefinitions).orderBy(asc(toolDefinitions.hash)),
    serverTools: await orm.select().from(serverTools).orderBy(asc(serverTools.serverId), asc(serverTools.name)),
    changes: (await orm.select().from(toolChanges).orderBy(asc(toolChanges.id))).map(({ id: _id, ...change }) => change),
    // A random value each store draws: the two databases' differ whatever they hold.
    servers: (await orm.select().from(servers).orderBy(asc(servers.id))).map(({ contentVersion: _version, ...server }) => server),
  };
}

type Contents = Awaited<ReturnType<typeof contents>>;

/** The contents with the changes in server and tool order rather than in the order they were numbered. */
function byServerAndTool(c: Contents): Contents {
  const key = (change: Contents['changes'][number]) => `${change.serverId}\0${change.toolName}`;
  return { ...c, changes: [...c.changes].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0)) };
}

describe.each(testBackends())('storeSnapshots on $name', (backend) => {
  let oneByOne: TestDatabase;
  let batched: TestDatabase;
  beforeEach(async () => {
    [oneByOne, batched] = await Promise.all([backend.create(), backend.create()]);
  });
  afterEach(async () => {
    await Promise.all([oneByOne.dispose(), batched.dispose()]);
  });

  it('leaves the database exactly as storing each server alone would, over two crawls', async () => {
    const first = [...generateCatalogue({ servers: 120, seed: 'equivalence' })];
    const crawls: Array<[SyntheticServer[], Date]> = [
      [first, T0],
      [recrawl(first), T1],
    ];
    for (const db of [oneByOne, batched])
      await upsertServers(
        db.orm,
        first.map((entry) => entry.server),
        T0,
      );
    const resultsAlone = [];
    const resultsBatched = [];
    for (const [catalogue, at] of crawls) {
      for (const entry of catalogue) resultsAlone.push(await storeSnapshot(oneByOne.orm, { serverId: entry.server.id, tools: entry.tools, at }));
      // Batches of 60 servers (≈ 650 tools): large enough that PostgreSQL takes their rows by COPY (COPY_MIN_ROWS).
      for (const batch of batches(catalogue, 60)) {
        resultsBatched.push(
          ...(await storeSnapshots(
            batched.orm,
            batch.map((entry) => ({ serverId: entry.server.id, tools: entry.tools, at })),
          )),
        );
      }
    }
    expect(resultsBatched).toEqual(resultsAlone);
    expect(resultsAlone.slice(first.length).some((r) => r.changes.some((c) => c.kind === 'changed'))).toBe(true);
    expect(await contents(batched.orm)).toEqual(await contents(oneByOne.orm));
  });

  it('two batches in flight with their listings hashed in the background (the bench) leave the database as one server at a time does', async () => {
    const first = [...generateCatalogue({ servers: 120, seed: 'background' })];
    for (const [catalogue, at] of [
      [first, T0],
      [recrawl(first), T1],
    ] as const) {
      await seedCatalogue(oneByOne.orm, catalogue, { at, mode: 'per-server' });
      // Batches of 10 servers, so that each chunk holds batches the background hashes ahead of the two lanes.
      await seedCatalogue(batched.orm, catalogue, { at, mode: 'batched', concurrency: 2, batchServers: 10 });
    }
    expect(byServerAndTool(await contents(batched.orm))).toEqual(byServerAndTool(await contents(oneByOne.orm)));
  });

  it('stores two batches in flight at once that list the same new definitions: each once, first seen in the first, without a duplicate sent', async () => {
    const catalogue = [...generateCatalogue({ servers: 120, seed: 'in-flight' })];
    const [early, late] = [catalogue.slice(0, 60), catalogue.slice(60)];
    // The later batch's servers list the earlier batch's tools: every definition it lists is one the earlier one stores.
    const batchesInFlight = [
      early.map((entry) => ({ serverId: entry.server.id, tools: entry.tools, at: T0 })),
      late.map((entry, i) => ({ serverId: entry.server.id, tools: early[i].tools, at: T1 })),
    ];
    for (const db of [oneByOne, batched])
      await upsertServers(
        db.orm,
        catalogue.map((entry) => entry.server),
        T0,
      );
    // Every statement that inserts definitions draws a number, which its transaction rolling back does not return.
    await batched.orm.execute(sql`create sequence definition_inserts`);
    await batched.orm.execute(
      sql`create function definition_inserted() returns trigger language plpgsql as $$ begin perform nextval('definition_inserts'); return null; end $$`,
    );
    await batched.orm.execute(
      sql`create trigger definition_inserts before insert on tool_definitions for each statement execute function definition_inserted()`,
    );
    const results = await Promise.all(batchesInFlight.map((batch) => storeSnapshots(batched.orm, batch)));
    const alone = [];
    for (const input of batchesInFlight.flat()) alone.push(await storeSnapshot(oneByOne.orm, input));
    expect(results.flat()).toEqual(alone);
    // The two batches' tool sets commit in either order, and so number their changes: compared by server and tool.
    const stored = byServerAndTool(await contents(batched.orm));
    expect(stored).toEqual(byServerAndTool(await contents(oneByOne.orm)));
    expect(new Set(stored.definitions.map((d) => d.firstSeen.toISOString()))).toEqual(new Set([T0.toISOString()]));
    // The later batch looked for stored definitions in its turn, once the earlier had committed, and sent none of
    // them: one insert in all. Had it looked before, it would have sent them, met a duplicate, and sent them again
    // skipping what is there (see storeDefinitions).
    const inserts = await batched.orm.execute(sql`select last_value::int as n, is_called from definition_inserts`);
    expect(rowsOf<{ n: number; is_called: boolean }>(inserts)[0]).toEqual({ n: 1, is_called: true });
  });

  it('refuses a batch naming a server twice, and stores nothing of a batch that fails', async () => {
    const [a, b] = [...generateCatalogue({ servers: 2, seed: 'fail' })];
    await upsertServers(batched.orm, [a.server, b.server], T0);
    await expect(
      storeSnapshots(batched.orm, [
        { serverId: a.server.id, tools: a.tools, at: T0 },
        { serverId: a.server.id, tools: b.tools, at: T0 },
      ]),
    ).rejects.toThrow(/more than once/);
    const bad = [{ name: 'nul', description: 'bad \u0000 text' }];
    await expect(
      storeSnapshots(batched.orm, [
        { serverId: a.server.id, tools: a.tools, at: T0 },
        { serverId: b.server.id, tools: bad, at: T0 },
      ]),
    ).rejects.toThrow();
    expect(await contents(batched.orm)).toMatchObject({ definitions: [], serverTools: [], changes: [] });
  });

  it("keeps a failed batch's new definitions only as unreferenced rows, which nothing classifies, and stores the listing later", async () => {
    // Definitions go in first, in a transaction of their own; the snapshot then fails: its server was never upserted.
    const [a] = [...generateCatalogue({ servers: 1, seed: 'orphans' })];
    await expect(storeSnapshots(batched.orm, [{ serverId: a.server.id, tools: a.tools, at: T0 }])).rejects.toThrow();
    const afterFailure = await contents(batched.orm);
    expect(afterFailure).toMatchObject({ serverTools: [], changes: [], servers: [] });
    expect(afterFailure.definitions.length).toBe(new Set(a.tools.map((t) => t.name)).size);
    expect((await classifyCatalogue(batched.orm)).classified).toBe(0);

    await upsertServers(batched.orm, [a.server], T0);
    await storeSnapshots(batched.orm, [{ serverId: a.server.id, tools: a.tools, at: T1 }]);
    await upsertServers(oneByOne.orm, [a.server], T0);
    await storeSnapshot(oneByOne.orm, { serverId: a.server.id, tools: a.tools, at: T1 });
    const [stored, alone] = [await contents(batched.orm), await contents(oneByOne.orm)];
    // The same rows as storing it once, but for when each definition was first seen: at the failed attempt.
    expect(stored.definitions.map((d) => d.firstSeen)).toEqual(stored.definitions.map(() => T0));
    expect({ ...stored, definitions: stored.definitions.map((d) => ({ ...d, firstSeen: T1 })) }).toEqual(alone);
    expect((await classifyCatalogue(batched.orm)).classified).toBe(alone.definitions.length);
  });
});
