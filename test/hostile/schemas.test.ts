// Tool schemas as an attacker publishes them: nested thousands of levels deep (which once crashed the site
// build), and with `__proto__` keys (which were silently dropped from what was stored).
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCrawl } from '../../crawler/index.ts';
import { crawlAttempts, getServer, serverToolSet } from '../../db/index.ts';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';
import { sourced, stdioTarget, SUITE_LIMITS } from './cases.ts';

describe.each(testBackends())('hostile schemas on $name', (backend) => {
  let db: TestDatabase;
  beforeAll(async () => void (db = await backend.create()));
  afterAll(() => db?.dispose());
  const crawl = (serverId: string, mode: string, argument?: string) =>
    runCrawl(db.orm, [sourced(serverId, stdioTarget(serverId, mode, 'schemas', argument))], { limits: SUITE_LIMITS, retry: { retries: 0, baseDelayMs: 1 } });

  it('refuses a schema nested 4,000 levels deep, naming the tool, and keeps the last good snapshot', async () => {
    const id = 'hostile:deep-schema';
    await crawl(id, 'ok');
    const before = (await getServer(db.orm, id))!.toolsetHash;
    const run = await crawl(id, 'deep-schema', '4000');
    const [attempt] = await db.orm.select().from(crawlAttempts).where(eq(crawlAttempts.runId, run.runId));
    expect({ outcome: attempt.outcome, error: attempt.error }).toEqual({
      outcome: 'protocol_error',
      error: 'The inputSchema of the tool "deep" is not stored: it is nested deeper than 64 levels (limit per tool); nothing of this listing was stored.',
    });
    expect(attempt.details).toMatchObject({ tool: 'deep', field: 'inputSchema' });
    expect((await getServer(db.orm, id))!.toolsetHash).toBe(before);
    // 30 levels (odd, but well within the limit) are stored.
    expect((await crawl(id, 'deep-schema', '30')).outcomes).toEqual({ ok: 1 });
  });

  it('stores `__proto__` keys as ordinary keys, at every depth', async () => {
    const id = 'hostile:proto-schema';
    expect((await crawl(id, 'proto-schema')).outcomes).toEqual({ ok: 1 });
    const [tool] = await serverToolSet(db.orm, id);
    const schema = tool.definition.inputSchema as Record<string, unknown>;
    expect(Object.hasOwn(schema, '__proto__')).toBe(true);
    const sent = '{"type":"object","__proto__":{"polluted":true},"properties":{"__proto__":{"type":"string"},"x":{"type":"string","__proto__":{"y":1}}}}';
    expect(JSON.stringify(sortDeep(schema))).toBe(JSON.stringify(sortDeep(JSON.parse(sent))));
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined();
  });
});

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => [k, sortDeep(v)]),
    );
  return value;
}
