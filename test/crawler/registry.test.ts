import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fetchRegistry, latestVersions, mapRegistryEntry, runCrawl, settleRegistrySync, syncRegistry, type RegistryEntry } from '../../crawler/index.ts';
import { getServer, getServers, getState, upsertServers } from '../../db/index.ts';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';
import { startRegistry, type LoopbackRegistry } from '../fixtures/servers/registry.ts';
import { LOOPBACK_ONLY, ROOT } from './helpers.ts';

// Real registry entries (see datasets/README.md). They name real packages and public URLs: these
// tests only read them, and crawl with an allowlist of 127.0.0.1, so nothing outside is ever contacted.
const SEED_PATH = process.env.TOOLRISK_REGISTRY_SEED ?? path.join(ROOT, 'datasets', 'registry-seed.json');
const OFFICIAL = 'io.modelcontextprotocol.registry/official';
type SeedEntry = RegistryEntry & { _meta: { [OFFICIAL]: { status: string; updatedAt: string; publishedAt: string; isLatest?: boolean } } };
const loadSeed = (): SeedEntry[] => JSON.parse(readFileSync(SEED_PATH, 'utf8'));

// The seed keeps the registry's quirks: seven entries have an empty name (invalid, reported, skipped).
const named = (seed: SeedEntry[]) => seed.filter((e) => e.server.name !== '');
const byName = (entries: readonly RegistryEntry[], name: string) => entries.filter((e) => e.server.name === name);

describe('the registry API client', () => {
  let seed: SeedEntry[];
  let registry: LoopbackRegistry;
  beforeAll(async () => {
    seed = loadSeed();
    registry = await startRegistry(() => seed);
  });
  afterAll(() => registry.close());

  it('pages through every entry with the cursor', async () => {
    const listing = await fetchRegistry({ baseUrl: registry.url, pageSize: 7 });
    expect(listing.entries).toHaveLength(named(seed).length);
    expect(listing.pages).toBe(Math.ceil(seed.length / 7));
    expect(listing.problems).toHaveLength(seed.length - named(seed).length);
    expect(listing.problems[0]).toMatch(/^an entry without a name: server\.name: String must contain at least 1 character/);
    expect(registry.requests[0]).toBe('/v0.1/servers?limit=7');
    expect(registry.requests[1]).toBe('/v0.1/servers?limit=7&cursor=7');
  });

  it('keeps the latest version of each server', async () => {
    const { entries } = await fetchRegistry({ baseUrl: registry.url, pageSize: 100 });
    expect(byName(entries, 'io.github.domdomegg/airtable-mcp-server')).toHaveLength(3);
    const latest = latestVersions(entries);
    expect(latest).toHaveLength(new Set(named(seed).map((e) => e.server.name)).size);
    expect(byName(latest, 'io.github.domdomegg/airtable-mcp-server').map((e) => e.server.version)).toEqual(['1.7.3']);
  });

  it('drops only what is malformed: an entry without a name, or the bad field of a named one', async () => {
    const broken = [seed[0], { server: { name: 'broken/one', packages: 'not a list' } }, { nonsense: true }, seed[1]];
    const small = await startRegistry(() => broken);
    try {
      const listing = await fetchRegistry({ baseUrl: small.url });
      expect(listing.entries.map((e) => e.server.name)).toEqual([seed[0].server.name, 'broken/one', seed[1].server.name]);
      expect(listing.problems).toEqual([expect.stringMatching(/^an entry without a name: server: Required/)]);
      const mapped = mapRegistryEntry(listing.entries[1]);
      expect(mapped.server).toMatchObject({ id: 'broken/one', packages: [] });
      expect(mapped.problems).toEqual(['packages: not a list; dropped']);
    } finally {
      await small.close();
    }
  });

  it('maps packages and remotes to targets', () => {
    const map = (name: string) => mapRegistryEntry(latestVersions(byName(seed, name))[0]);
    const airtable = map('io.github.domdomegg/airtable-mcp-server');
    expect(airtable.server).toMatchObject({ id: 'io.github.domdomegg/airtable-mcp-server', version: '1.7.3', sources: ['registry'], status: 'active' });
    expect(airtable.targets[0]).toEqual({
      kind: 'npm',
      serverId: 'io.github.domdomegg/airtable-mcp-server',
      package: 'airtable-mcp-server',
      version: '1.7.3',
      args: [],
      env: { AIRTABLE_API_KEY: 'TOOLRISK_PLACEHOLDER_AIRTABLE_API_KEY' },
      placeholders: ['AIRTABLE_API_KEY'],
    });
    expect(airtable.targets.slice(1).map((t) => [t.kind, t.kind === 'unrunnable' && t.outcome])).toEqual([
      ['unrunnable', 'unsupported_runtime'],
      ['unrunnable', 'unsupported_runtime'],
    ]);
    expect(map('io.github.domdomegg/time-mcp-pypi').targets).toEqual([expect.objectContaining({ kind: 'pypi', package: 'time-mcp-pypi', version: '1.0.6' })]);
    expect(map('kbag').targets[0]).toMatchObject({
      kind: 'unrunnable',
      reason: expect.stringMatching(/MCP bundles are not run|a runtime this crawler does not know/),
    });
    // A secret the registry does not mark required still gets a placeholder: servers often need it to start.
    expect(map('io.github.21st-dev/magic-mcp').targets).toEqual([
      expect.objectContaining({ kind: 'npm', package: '@21st-dev/magic', env: { API_KEY: 'TOOLRISK_PLACEHOLDER_API_KEY' }, placeholders: ['API_KEY'] }),
    ]);

    const remotes = (e: SeedEntry) => (e.server.remotes ?? []) as Array<{ type?: string; url: string }>;
    const remoteOnly = seed.find((e) => remotes(e).some((r) => r.type === 'sse') && !e.server.packages)!;
    expect(mapRegistryEntry(remoteOnly).targets[0]).toMatchObject({ kind: 'remote', transport: 'sse', url: remotes(remoteOnly)[0].url });
    const nothing = seed.find((e) => !e.server.packages && !e.server.remotes)!;
    expect(mapRegistryEntry(nothing).targets).toEqual([expect.objectContaining({ kind: 'unrunnable', label: 'none', outcome: 'unsupported_runtime' })]);
    const untyped = seed.find((e) => remotes(e).some((r) => !r.type))!;
    expect(mapRegistryEntry(untyped).targets[0]).toMatchObject({ kind: 'unrunnable', reason: expect.stringMatching(/unknown remote transport/) });
  });
});

describe.each(testBackends())('registry sync on $name', (backend) => {
  let db: TestDatabase;
  let seed: SeedEntry[];
  let registry: LoopbackRegistry;
  beforeEach(async () => {
    db = await backend.create();
    seed = loadSeed();
    registry = await startRegistry(() => seed);
  });
  afterEach(async () => {
    await registry.close();
    await db.dispose();
  });

  it('syncs everything, then only what changed since', async () => {
    const firstAt = new Date('2026-01-01T00:00:00Z');
    const full = await syncRegistry(db.orm, { baseUrl: registry.url, pageSize: 25, since: 'auto', now: () => firstAt });
    const names = new Set(named(seed).map((e) => e.server.name));
    expect(full.servers).toHaveLength(names.size);
    expect(full.updatedSince).toBeUndefined();
    expect(registry.requests.every((r) => !r.includes('updated_since'))).toBe(true);
    // The source reads; the caller stores (runCrawl does, once) and settles the sync after its run.
    expect(await getServers(db.orm, [...names])).toEqual([]);
    await upsertServers(
      db.orm,
      full.servers.map((s) => s.server),
      firstAt,
    );
    await settleRegistrySync(db.orm, full, { runId: -1, status: 'completed' });
    expect((await getServers(db.orm, [...names])).length).toBe(names.size);
    expect(await getState(db.orm, `registry-sync:${registry.url}`)).toMatchObject({ lastSyncAt: firstAt.toISOString() });

    // Two servers change after the first sync: one gets a new description, one is deleted.
    const [changed, deleted] = [named(seed)[3], named(seed)[10]];
    changed.server.description = 'A new description.';
    changed._meta[OFFICIAL].updatedAt = '2026-01-02T00:00:00Z';
    deleted._meta[OFFICIAL].status = 'deleted';
    deleted._meta[OFFICIAL].updatedAt = '2026-01-02T00:00:00Z';
    registry.requests.length = 0;
    registry.served.length = 0;

    const incremental = await syncRegistry(db.orm, { baseUrl: registry.url, pageSize: 25, since: 'auto', now: () => new Date('2026-01-03T00:00:00Z') });
    expect(incremental.updatedSince).toEqual(firstAt);
    expect(registry.requests).toEqual([`/v0.1/servers?limit=25&updated_since=${encodeURIComponent(firstAt.toISOString())}`]);
    expect(registry.served).toEqual([2]);
    expect(incremental.servers.map((s) => s.server.id).sort()).toEqual([changed.server.name, deleted.server.name].sort());
    expect(incremental.servers.find((s) => s.server.id === deleted.server.name)!.targets).toEqual([]);
    await upsertServers(
      db.orm,
      incremental.servers.map((s) => s.server),
      new Date('2026-01-03T00:00:00Z'),
    );
    await settleRegistrySync(db.orm, incremental, { runId: -1, status: 'completed' });
    expect(await getServer(db.orm, changed.server.name)).toMatchObject({ description: 'A new description.' });
    expect(await getServer(db.orm, deleted.server.name)).toMatchObject({ status: 'deleted' });
    expect(await getState(db.orm, `registry-sync:${registry.url}`)).toMatchObject({ lastSyncAt: '2026-01-03T00:00:00.000Z' });
  });

  it('stores entries with text PostgreSQL cannot hold, cleaned', async () => {
    const entry = named(seed)[0];
    entry.server.description = 'nul\u0000 and a lone \ud800 surrogate';
    entry.server.repository = { url: 'https://example.com/\u0000repo' };
    seed = [entry];
    const sync = await syncRegistry(db.orm, { baseUrl: registry.url });
    await upsertServers(
      db.orm,
      sync.servers.map((s) => s.server),
      new Date(),
    );
    expect(await getServer(db.orm, entry.server.name)).toMatchObject({
      description: 'nul and a lone \ufffd surrogate',
      repository: { url: 'https://example.com/repo' },
    });
  });

  it('crawls with an allowlist of 127.0.0.1: public and localhost remotes are refused without a connection', async () => {
    const sync = await syncRegistry(db.orm, { baseUrl: registry.url, pageSize: 100 });
    // Only the remotes: the seed's packages are real and must never be installed here.
    const remotes = sync.servers.map((s) => ({ ...s, targets: s.targets.filter((t) => t.kind === 'remote') })).filter((s) => s.targets.length > 0);
    expect(remotes.length).toBeGreaterThanOrEqual(5);
    const fetched: string[] = [];
    const recordingFetch = (async (input: string | URL | Request) => {
      fetched.push(String(input));
      throw new Error('no connection may be made in this test');
    }) as typeof fetch;

    const summary = await runCrawl(db.orm, remotes, { ...LOOPBACK_ONLY, fetch: recordingFetch });
    expect(fetched).toEqual([]);
    expect(summary.outcomes).toEqual({ refused_by_policy: remotes.length });
    const refused = summary.results.find((r) => r.target?.includes('localhost'));
    expect(refused?.error).toMatch(/localhost is not on the host allowlist/);
    expect(await getServer(db.orm, remotes[0].server.id)).toMatchObject({ lastOutcome: 'refused_by_policy', toolCount: null });
  });
});
