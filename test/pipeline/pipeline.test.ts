import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SourcedServer } from '../../crawler/index.ts';
import { runPipeline, type PipelineEvent } from '../../pipeline/run.ts';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';
import { NOTES_SERVER } from '../helpers/fixtures.ts';
import { ROOT } from './helpers.ts';

const notes: SourcedServer = {
  server: { id: 'fixture/notes', sources: ['servers-file'] },
  targets: [
    {
      kind: 'stdio',
      serverId: 'fixture/notes',
      command: process.execPath,
      args: [NOTES_SERVER],
      env: {},
      cwd: ROOT,
    },
  ],
};
/** Exits at once: `crashed`, worth trying again next run. */
const crashing: SourcedServer = {
  server: { id: 'fixture/crashing', sources: ['servers-file'] },
  targets: [{ kind: 'stdio', serverId: 'fixture/crashing', command: process.execPath, args: ['-e', 'process.exit(3)'], env: {}, cwd: ROOT }],
};
/** Needs what only its user has: settled until the freshness window passes. */
const needsConfig: SourcedServer = {
  server: { id: 'fixture/needs-config', sources: ['registry'] },
  targets: [
    {
      kind: 'unrunnable',
      serverId: 'fixture/needs-config',
      label: 'remote:https://mcp.example/{tenant}',
      outcome: 'needs_config',
      reason: 'the URL needs a tenant',
    },
  ],
};

describe.each(testBackends())('runPipeline freshness on $name', ({ create }) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await create();
  });
  afterEach(async () => {
    await db.dispose();
  });

  it('crawls again only what failed in a way another try could fix, and classifies only new definitions', { timeout: 60_000 }, async () => {
    let clock = new Date('2026-11-24T03:00:00Z');
    const now = () => clock;
    const sourced = [notes, crashing, needsConfig];

    const first = await runPipeline(db, { sourced, site: null, now, freshForMs: 3_600_000 });
    expect(first.crawl).toMatchObject({ status: 'completed', servers: 3, fresh: 0, outcomes: { ok: 1, crashed: 1, needs_config: 1 }, changes: { added: 3 } });
    expect(first.classify.classified).toBe(3);
    expect(first.catalogue).toMatchObject({ servers: 3, tools: 3, unclassified: 0 });
    expect(first.site).toMatchObject({ built: false, reason: 'no site requested' });

    // Ten minutes later: only the crash is tried again.
    clock = new Date('2026-11-24T03:10:00Z');
    const events: PipelineEvent[] = [];
    const second = await runPipeline(db, { sourced, site: null, now, freshForMs: 3_600_000, onEvent: (e) => events.push(e) });
    expect(second.crawl).toMatchObject({ status: 'completed', servers: 1, fresh: 2, outcomes: { crashed: 1 }, changes: {} });
    expect(second.classify.classified).toBe(0);
    expect(events).toContainEqual({ step: 'crawl', kind: 'start', servers: 1, fresh: 2, distributed: false });

    // Past the window, everything again; with freshForMs 0, always everything.
    clock = new Date('2026-11-24T04:30:00Z');
    expect((await runPipeline(db, { sourced, site: null, now, freshForMs: 3_600_000 })).crawl).toMatchObject({ servers: 3, fresh: 0 });
    expect((await runPipeline(db, { sourced, site: null, now, freshForMs: 0 })).crawl).toMatchObject({ servers: 3, fresh: 0 });
  });

  it('skips the crawl entirely when every server is fresh, and merges a server listed twice', { timeout: 60_000 }, async () => {
    const now = () => new Date('2026-11-24T03:00:00Z');
    const twice = [notes, { ...notes, server: { ...notes.server, sources: ['registry'] } }];
    const first = await runPipeline(db, { sourced: twice, site: null, now });
    expect(first.crawl).toMatchObject({ servers: 1, outcomes: { ok: 1 } });
    const again = await runPipeline(db, { sourced: twice, site: null, now });
    expect(again.crawl).toMatchObject({ status: 'skipped', runId: null, servers: 0, fresh: 1 });
  });
});
