import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CrawlResult } from '../../crawler/connect/index.ts';
import { ResultBatcher } from '../../crawler/result-batch.ts';
import { storeResult } from '../../crawler/store-result.ts';
import { asc } from 'drizzle-orm';
import { crawlAttempts, servers, serverTools, type Orm } from '../../db/index.ts';
import { databaseWithRun, testBackends, type TestDatabase } from '../helpers/databases.ts';

const at = new Date('2026-12-01T00:00:00Z');
const SERVERS = Array.from({ length: 10 }, (_, i) => ({ id: `s${i}`, sources: ['test'] }));

function result(outcome: 'ok' | 'timeout', tools: Array<{ name: string; description?: string }> = []): CrawlResult {
  return {
    target: { kind: 'remote', serverId: 'x', url: 'http://127.0.0.1:1/mcp', transport: 'streamable-http', headers: {} },
    label: 'http://127.0.0.1:1/mcp',
    outcome,
    transient: false,
    startedAt: at,
    durationMs: 5,
    tools:
      outcome === 'ok' ? tools.map((t) => ({ name: t.name, description: t.description ?? `Reads ${t.name}.`, inputSchema: { type: 'object' } })) : undefined,
    details: {},
  };
}

/** The real ORM, with its top-level transactions counted. */
function counted(orm: Orm): { orm: Orm; transactions: () => number } {
  let n = 0;
  const transaction = orm.transaction.bind(orm);
  const wrapped = Object.create(orm) as Orm;
  wrapped.transaction = ((fn: Parameters<Orm['transaction']>[0], config?: Parameters<Orm['transaction']>[1]) => {
    n++;
    return transaction(fn, config);
  }) as Orm['transaction'];
  return { orm: wrapped, transactions: () => n };
}

describe.each(testBackends())('ResultBatcher on $name', (backend) => {
  let db: TestDatabase;
  let runId: number;
  beforeEach(async () => {
    ({ db, runId } = await databaseWithRun(backend, SERVERS, at));
  });
  afterEach(async () => db.dispose());

  it('stores results arriving together in one transaction: snapshots, attempts and change counts', async () => {
    const { orm, transactions } = counted(db.orm);
    const batcher = new ResultBatcher(orm, runId, { maxResults: 100, maxWaitMs: 50 });
    const changes = await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => batcher.store(`s${i}`, result('ok', [{ name: `a${i}` }, { name: `b${i}` }]))),
      batcher.store('s8', result('timeout')),
    ]);
    expect(changes).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 0]);
    expect(transactions()).toBe(1);
    expect(await db.orm.select().from(serverTools)).toHaveLength(16);
    expect((await db.orm.select().from(crawlAttempts)).map((a) => a.outcome).sort()).toEqual([...Array(8).fill('ok'), 'timeout']);
  });

  it('splits at maxResults, and a result that cannot be stored costs only its own server', async () => {
    const batcher = new ResultBatcher(db.orm, runId, { maxResults: 4, maxWaitMs: 1000 });
    const stored = await Promise.allSettled([
      batcher.store('s0', result('ok', [{ name: 'a' }])),
      batcher.store('s1', result('ok', [{ name: 'bad', description: 'NUL \u0000 is refused by PostgreSQL' }])),
      batcher.store('s2', result('ok', [{ name: 'c' }])),
      batcher.store('s3', result('ok', [{ name: 'd' }])),
      batcher.store('s4', result('ok', [{ name: 'e' }])),
    ]);
    await batcher.flush();
    expect(stored.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect((await db.orm.select().from(serverTools)).map((t) => t.serverId).sort()).toEqual(['s0', 's2', 's3', 's4']);
  });

  it('a listing that cannot be hashed (a tool name twice) costs only its own server', async () => {
    const batcher = new ResultBatcher(db.orm, runId, { maxResults: 100, maxWaitMs: 10 });
    const stored = await Promise.allSettled([
      batcher.store('s0', result('ok', [{ name: 'a' }])),
      batcher.store('s1', result('ok', [{ name: 'twice' }, { name: 'twice' }])),
      batcher.store('s2', result('ok', [{ name: 'c' }])),
    ]);
    expect(stored.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((stored[1] as PromiseRejectedResult).reason)).toMatch(/more than once/);
    expect((await db.orm.select().from(serverTools)).map((t) => t.serverId).sort()).toEqual(['s0', 's2']);
  });

  it('leaves attempt rows and servers exactly as storing each result alone does, a re-stored attempt included', async () => {
    const { db: other, runId: otherRun } = await databaseWithRun(backend, SERVERS, at);
    try {
      const later = new Date(at.getTime() + 60_000);
      const rounds: Array<Array<[string, CrawlResult]>> = [
        [
          ['s0', { ...result('ok', [{ name: 'a' }]), server: { name: 'zero', version: '1' }, details: { retries: 1 } }],
          ['s1', { ...result('timeout'), error: 'timed out', stderr: 'late' }],
          ['s2', result('ok', [{ name: 'b' }, { name: 'c' }])],
        ],
        // The same target of s1 stored again in the run (its row is replaced), and s0 with another outcome.
        [
          ['s1', { ...result('ok', [{ name: 'd' }]), startedAt: later, durationMs: 9 }],
          ['s0', { ...result('timeout'), startedAt: later }],
        ],
      ];
      const batcher = new ResultBatcher(db.orm, runId, { maxResults: 100, maxWaitMs: 10 });
      for (const round of rounds) {
        await Promise.all(round.map(([id, r]) => batcher.store(id, r)));
        for (const [id, r] of round) await storeResult(other.orm, otherRun, id, r);
      }
      const contents = async (orm: Orm) => ({
        attempts: (await orm.select().from(crawlAttempts).orderBy(asc(crawlAttempts.serverId), asc(crawlAttempts.target))).map(
          ({ id: _id, runId: _run, ...row }) => row,
        ),
        servers: (await orm.select().from(servers).orderBy(asc(servers.id))).map(({ contentVersion: _version, ...server }) => server),
      });
      const batched = await contents(db.orm);
      expect(batched.attempts.map((a) => [a.serverId, a.outcome])).toEqual([
        ['s0', 'timeout'],
        ['s1', 'ok'],
        ['s2', 'ok'],
      ]);
      expect(batched).toEqual(await contents(other.orm));
    } finally {
      await other.dispose();
    }
  });
});
