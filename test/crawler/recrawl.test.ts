import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCrawl, type SourcedServer } from '../../crawler/index.ts';
import { crawlAttempts, getRun, getServer, toolChanges } from '../../db/index.ts';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';
import { notesServer } from './helpers.ts';

const notes = (env: Record<string, string> = {}): SourcedServer => ({
  server: { id: 'fixture:notes', title: 'Notes', sources: ['test'] },
  targets: [notesServer('fixture:notes', env)],
});

describe.each(testBackends())('re-crawling on $name', (backend) => {
  let db: TestDatabase;
  beforeEach(async () => (db = await backend.create()));
  afterEach(() => db.dispose());

  it('records exactly one change when one tool’s description changes', async () => {
    const first = await runCrawl(db.orm, [notes()]);
    expect(first).toMatchObject({ status: 'completed', outcomes: { ok: 1 }, changes: 3 });
    const unchanged = await runCrawl(db.orm, [notes()]);
    expect(unchanged.changes).toBe(0);

    const second = await runCrawl(db.orm, [notes({ FIXTURE_ADD_NOTE_DESCRIPTION: 'Adds a note, and now says so differently.' })]);
    expect(second).toMatchObject({ outcomes: { ok: 1 }, changes: 1 });
    const changes = await db.orm.select().from(toolChanges);
    const latest = changes.filter((c) => c.runId === second.runId);
    expect(latest).toEqual([expect.objectContaining({ toolName: 'add_note', kind: 'changed', fields: ['description'] })]);
    expect(changes).toHaveLength(4);
  });

  it('a failed crawl records its attempt and leaves the last good snapshot alone', async () => {
    const good = await runCrawl(db.orm, [notes()]);
    const before = await getServer(db.orm, 'fixture:notes');

    const broken: SourcedServer = {
      server: { id: 'fixture:notes', title: 'Notes, renamed', sources: ['test'] },
      targets: [{ kind: 'stdio', serverId: 'fixture:notes', command: process.execPath, args: ['-e', 'process.exit(2)'], env: {} }],
    };
    const failed = await runCrawl(db.orm, [broken]);
    expect(failed).toMatchObject({ status: 'completed', outcomes: { crashed: 1 }, changes: 0 });

    const after = await getServer(db.orm, 'fixture:notes');
    expect(after).toMatchObject({ title: 'Notes, renamed', lastOutcome: 'crashed', toolCount: 3, toolsetHash: before!.toolsetHash });
    expect(after!.lastSuccessAt).toEqual(before!.lastSuccessAt);
    const attempts = await db.orm.select().from(crawlAttempts);
    expect(attempts.map((a) => [a.runId, a.outcome])).toEqual([
      [good.runId, 'ok'],
      [failed.runId, 'crashed'],
    ]);
    expect(attempts[0]).toMatchObject({ transport: 'stdio', toolCount: 3, serverInfo: { name: 'fixture-notes', version: '1.0.0' } });
    expect((await getRun(db.orm, failed.runId))!.summary).toMatchObject({ outcomes: { crashed: 1 } });
  });

  it('stores servers and their attempts even when nothing can be reached, tries targets in order, and skips deleted servers', async () => {
    const sourced: SourcedServer[] = [
      {
        server: { id: 'two-ways', sources: ['test'] },
        targets: [
          { kind: 'stdio', serverId: 'two-ways', command: '/nonexistent/server', args: [], env: {} },
          notesServer('two-ways'),
          { kind: 'unrunnable', serverId: 'two-ways', label: 'pypi:x@1', outcome: 'unsupported_runtime', reason: 'no uvx' },
        ],
      },
      {
        server: { id: 'pypi-only', sources: ['test'] },
        targets: [{ kind: 'unrunnable', serverId: 'pypi-only', label: 'pypi:y@1', outcome: 'unsupported_runtime', reason: 'no uvx' }],
      },
      { server: { id: 'gone', sources: ['test'], status: 'deleted' }, targets: [] },
    ];
    const summary = await runCrawl(db.orm, sourced);
    expect(summary).toMatchObject({ servers: 2, attempts: 3, outcomes: { ok: 1, unsupported_runtime: 1 } });
    const attempts = await db.orm.select().from(crawlAttempts);
    expect(attempts.map((a) => `${a.serverId} ${a.target.split(' ')[0]} ${a.outcome}`).sort()).toEqual([
      'pypi-only pypi:y@1 unsupported_runtime',
      'two-ways stdio:/nonexistent/server crashed',
      `two-ways stdio:${process.execPath} ok`,
    ]);
    expect(await getServer(db.orm, 'gone')).toMatchObject({ status: 'deleted', lastOutcome: null });
  });

  it('crawls a server that two sources list once, with the targets of both', async () => {
    const broken: SourcedServer = {
      server: { id: 'fixture:notes', title: 'From the file', sources: ['servers-file'] },
      targets: [{ kind: 'stdio', serverId: 'fixture:notes', command: '/nonexistent/server', args: [], env: {} }],
    };
    const summary = await runCrawl(db.orm, [broken, { ...notes(), server: { id: 'fixture:notes', title: 'From the registry', sources: ['registry'] } }]);
    expect(summary).toMatchObject({ servers: 1, attempts: 2, outcomes: { ok: 1 } });
    expect(await getServer(db.orm, 'fixture:notes')).toMatchObject({ title: 'From the file', sources: ['servers-file', 'registry'], toolCount: 3 });
  });

  it('marks the run interrupted when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const summary = await runCrawl(db.orm, [notes()], { signal: controller.signal });
    expect(summary).toMatchObject({ status: 'interrupted', attempts: 0 });
    expect((await getRun(db.orm, summary.runId))!.status).toBe('interrupted');
    expect(await getServer(db.orm, 'fixture:notes')).toBeDefined();
  });
});
