import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  COPY_MIN_ROWS,
  definitionHash,
  openDatabase,
  serverToolSet,
  storeSnapshots,
  toolDefinitions,
  upsertServers,
  type Database,
  type ListedTool,
} from '../../db/index.ts';
import { copyChunks, copyConnection, copyInto, type Column } from '../../db/queries/copy.ts';
import { rowsOf } from '../../db/queries/status.ts';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';

const at = new Date('2026-11-01T00:00:00Z');
const tools = (prefix: string, n: number): ListedTool[] =>
  Array.from({ length: n }, (_, i) => ({ name: `${prefix}_${i}`, description: `${prefix} tool ${i} ${'x'.repeat(200)}`, inputSchema: { type: 'object' } }));

/** A column of every type the store writes. */
const allTypes: Column[] = [
  { name: 't', type: 'text' },
  { name: 'j', type: 'json' },
  { name: 'a', type: 'text[]' },
  { name: 'n', type: 'int' },
  { name: 'b', type: 'boolean' },
  { name: 'd', type: 'timestamptz' },
];

describe('copyChunks', () => {
  it('cuts its chunks between the values written, and together they are the rows', () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({
      t: `${i} é ${'\u{1F600}'.repeat(i % 7)} ${'x'.repeat(i)}`,
      j: { i, s: 'ü'.repeat(i % 5) },
      a: Array.from({ length: i % 4 }, (_, k) => `${k}`.repeat(k * 5)),
    }));
    const whole = copyChunks(rows, allTypes.slice(0, 3), 1 << 20)!;
    const small = copyChunks(rows, allTypes.slice(0, 3), 16)!;
    expect(whole).toHaveLength(1);
    expect(small.length).toBeGreaterThan(25);
    expect(Buffer.concat(small).equals(whole[0])).toBe(true);
  });

  it('refuses what PostgreSQL would refuse: NUL in text', () => {
    expect(copyChunks([{ t: 'a\u0000b' }], allTypes)).toBeNull();
    expect(copyChunks([{ a: ['x', 'a\u0000b'] }], allTypes)).toBeNull();
    expect(copyChunks([{ t: 'tab\t, emoji \u{1F600}, \u00e9', j: { nul: '\u0000' } }], allTypes)).not.toBeNull();
  });
});

describe.each(testBackends().filter((b) => b.name === 'postgres'))('COPY on PostgreSQL ($name)', (backend) => {
  let db: TestDatabase;
  /** One connection only, so the connection a failed COPY used is the one every later statement gets. */
  let single: Database;
  beforeEach(async () => {
    db = await backend.create();
    single = await openDatabase({ ...db.openOptions, maxConnections: 1 });
    await upsertServers(
      single.orm,
      ['a', 'b', 'c'].map((id) => ({ id, sources: ['test'] })),
      at,
    );
  });
  afterEach(async () => {
    await single.close();
    await db.dispose();
  });

  const columns: Column[] = [
    { name: 'hash', type: 'text' },
    { name: 'name', type: 'text' },
    { name: 'input_schema', type: 'json' },
    { name: 'first_seen', type: 'timestamptz' },
  ];
  const rows = (n: number) =>
    Array.from({ length: n }, (_, i) => ({ hash: `h${i}`, name: `tool ${i} ${'y'.repeat(300)}`, input_schema: { i }, first_seen: at }));

  // A row PostgreSQL refuses, written into the stream on purpose (storeSnapshots never lets one in): in the
  // first chunk (refused while rows still arrive) and at the end of many (refused after the last byte was sent).
  for (const [where, before] of [
    ['at the start', 0],
    ['after many chunks', 20_000],
  ] as const) {
    it(`fails the transaction with PostgreSQL's error, and does not hang, when PostgreSQL refuses a row ${where}`, async () => {
      const refused = { hash: 'bad', name: 'bad', input_schema: {}, first_seen: new Date(-8.64e15) };
      const chunks = copyChunks([...rows(before), refused, ...rows(10)], columns)!;
      await expect(
        single.orm.transaction(async (tx) => {
          await copyInto(copyConnection(tx)!, 'tool_definitions', columns, chunks);
        }),
      ).rejects.toThrow(/timestamp out of range/);
      // The same connection takes the next statements, and nothing of the failed COPY was kept.
      expect(await single.orm.select().from(toolDefinitions)).toEqual([]);
      await storeSnapshots(single.orm, [{ serverId: 'a', tools: tools('a', 3), at }]);
      expect((await serverToolSet(single.orm, 'a')).map((t) => t.name)).toEqual(['a_0', 'a_1', 'a_2']);
    });
  }

  it('reads back every type as it was written, whatever the size of the chunks', async () => {
    const written = [
      { t: 'a\tb\nc\rd\\e \\N \u{1F600} é', j: { k: 'q"\\', nul: '\u0000' }, a: ['x', 'y"z', '', 'NULL', '{,}'], n: -3, b: true, d: at },
      { t: '', j: 'text', a: [], n: 2_147_483_647, b: false, d: new Date('1969-07-20T20:17:40.123Z') },
      { t: null, j: null, a: null, n: null, b: null, d: null },
      ...Array.from({ length: 40 }, (_, i) => ({ t: 'ü'.repeat(i), j: [i], a: ['ab'.repeat(i)], n: i, b: i % 2 === 0, d: new Date(at.getTime() + i) })),
    ];
    for (const chunkBytes of [8, 1 << 20]) {
      const read = await single.orm.transaction(async (tx) => {
        await tx.execute(sql`create temporary table copied (i serial, t text, j json, a text[], n int, b boolean, d timestamptz) on commit drop`);
        await copyInto(copyConnection(tx)!, 'copied', allTypes, copyChunks(written, allTypes, chunkBytes)!);
        return tx.execute(sql`select t, j::text as j, a, n, b, to_char(d at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as d from copied order by i`);
      });
      expect(rowsOf(read)).toEqual(written.map((r) => ({ ...r, j: r.j === null ? null : JSON.stringify(r.j), d: r.d?.toISOString() ?? null })));
    }
  });

  it('stores a batch holding a row PostgreSQL refuses the slow way, failing that batch with a clear error and no other', async () => {
    const bad: ListedTool = { name: 'bad', description: 'NUL \u0000 is refused by PostgreSQL' };
    const failure = await storeSnapshots(single.orm, [
      { serverId: 'a', tools: tools('a', 500), at },
      { serverId: 'b', tools: [...tools('b', 500), bad], at },
    ]).then(
      () => undefined,
      (error: Error) => error,
    );
    // drizzle's error names the statement; PostgreSQL's own, its cause, names what it refused.
    expect((failure?.cause as Error | undefined)?.message).toMatch(/unsupported Unicode escape sequence/);
    expect(await single.orm.execute(sql`select count(*)::int as n from tool_definitions`)).toEqual([{ n: 0 }]);
    await storeSnapshots(single.orm, [
      { serverId: 'a', tools: tools('a', 500), at },
      { serverId: 'c', tools: tools('c', 500), at },
    ]);
    expect(await serverToolSet(single.orm, 'c')).toHaveLength(500);
  });

  it.each([
    ['by COPY', COPY_MIN_ROWS],
    ['too small for COPY', 20],
  ])('stores a batch (%s) one of whose definitions a concurrent transaction stored meanwhile: each kept once, the first one stored', async (_, size) => {
    const listed = tools('a', size);
    const other = listed[Math.floor(size / 2)];
    const earlier = new Date('2026-10-01T00:00:00Z');
    let commit!: () => void;
    const committed = new Promise<void>((resolve) => {
      commit = resolve;
    });
    let inserted!: () => void;
    const held = new Promise<void>((resolve) => {
      inserted = resolve;
    });
    // Another connection inserts one of the batch's definitions and holds its transaction open: the batch finds it
    // absent (not committed), its insert then waits on it and, once it commits, meets a duplicate.
    const concurrent = db.orm.transaction(async (tx) => {
      await tx.insert(toolDefinitions).values({ hash: definitionHash(other), name: other.name, firstSeen: earlier });
      inserted();
      await committed;
    });
    await held;
    const store = storeSnapshots(single.orm, [{ serverId: 'a', tools: listed, at }]);
    await expect.poll(() => waitingOnLocks(db), { timeout: 10_000 }).toBe(1);
    commit();
    await concurrent;
    await store;
    expect((await serverToolSet(single.orm, 'a')).map((t) => t.name)).toEqual(listed.map((t) => t.name));
    const firstSeen = await single.orm.execute(
      sql`select first_seen = ${earlier.toISOString()}::timestamptz as earlier, count(*)::int as n from tool_definitions group by 1 order by 1`,
    );
    expect(firstSeen).toEqual([
      { earlier: false, n: size - 1 },
      { earlier: true, n: 1 },
    ]);
  });

  it('compresses long values with lz4 where the server has it, in a batch by COPY and in a batch too small for COPY', async () => {
    const [{ lz4 }] = (await single.orm.execute(
      sql`select 'lz4' = any(enumvals) as lz4 from pg_settings where name = 'default_toast_compression'`,
    )) as unknown as Array<{ lz4: boolean }>;
    const long = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `long_${i}`, description: `words and more words ${i} `.repeat(200) }));
    await storeSnapshots(single.orm, [{ serverId: 'a', tools: long(COPY_MIN_ROWS), at }]);
    await storeSnapshots(single.orm, [{ serverId: 'b', tools: long(COPY_MIN_ROWS - 1).map((t) => ({ ...t, name: `short_batch_${t.name}` })), at }]);
    const methods = await single.orm.execute(
      sql`select name like 'short_batch_%' as small, pg_column_compression(description) as method, count(*)::int as n from tool_definitions group by 1, 2 order by 1`,
    );
    expect(methods).toEqual([
      { small: false, method: lz4 ? 'lz4' : 'pglz', n: COPY_MIN_ROWS },
      { small: true, method: lz4 ? 'lz4' : 'pglz', n: COPY_MIN_ROWS - 1 },
    ]);
  });
});

/** How many of this database's connections wait on a lock. */
async function waitingOnLocks(database: Database): Promise<number> {
  const [{ n }] = (await database.orm.execute(
    sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
  )) as unknown as Array<{ n: number }>;
  return n;
}
