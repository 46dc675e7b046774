import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crawlTarget, runCrawl, type SourcedServer } from '../../crawler/index.ts';
import { getServer, iterateCurrentTools } from '../../db/index.ts';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';
import { publishedServer, readableTempDir } from './helpers.ts';

const folder = readableTempDir('toolrisk-fs-');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const servers: SourcedServer[] = [
  { server: { id: 'everything', sources: ['test'] }, targets: [publishedServer('server-everything', 'everything', ['stdio'])] },
  { server: { id: 'memory', sources: ['test'] }, targets: [publishedServer('server-memory', 'memory')] },
  { server: { id: 'filesystem', sources: ['test'] }, targets: [publishedServer('server-filesystem', 'filesystem', [folder])] },
  { server: { id: 'thinking', sources: ['test'] }, targets: [publishedServer('server-sequential-thinking', 'thinking')] },
];

describe('crawling the published reference servers over stdio', () => {
  it('lists the memory server with its initialize result and annotations', async () => {
    const result = await crawlTarget(servers[1].targets[0]);
    expect(result.error).toBeUndefined();
    expect(result.outcome).toBe('ok');
    expect(result.transport).toBe('stdio');
    expect(result.server).toMatchObject({ name: 'memory-server', protocolVersion: expect.any(String), capabilities: { tools: expect.any(Object) } });
    const byName = new Map(result.tools!.map((t) => [t.name, t]));
    expect([...byName.keys()]).toEqual(
      expect.arrayContaining(['create_entities', 'create_relations', 'add_observations', 'delete_entities', 'read_graph', 'search_nodes', 'open_nodes']),
    );
    expect(byName.get('delete_entities')!.annotations).toMatchObject({ destructiveHint: true });
    expect(byName.get('read_graph')!.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.get('create_entities')!.inputSchema).toMatchObject({ type: 'object', properties: { entities: expect.any(Object) } });
  });
});

describe.each(testBackends())('runCrawl of the four published servers on $name', (backend) => {
  let db: TestDatabase;
  beforeEach(async () => (db = await backend.create()));
  afterEach(() => db.dispose());

  it('stores every server’s real tools with their annotations', async () => {
    const progress: string[] = [];
    const summary = await runCrawl(db.orm, servers, { concurrency: 4, onProgress: (p) => progress.push(`${p.done}/${p.total} ${p.serverId} ${p.outcome}`) });
    expect(summary.results.filter((r) => r.outcome !== 'ok')).toEqual([]);
    expect(summary).toMatchObject({ status: 'completed', servers: 4, attempts: 4, outcomes: { ok: 4 } });
    expect(progress).toHaveLength(4);
    expect(progress.at(-1)).toMatch(/^4\/4 /);

    const tools = new Map<string, Map<string, Record<string, unknown> | null>>();
    for await (const batch of iterateCurrentTools(db.orm)) {
      for (const tool of batch) {
        if (!tools.has(tool.serverId)) tools.set(tool.serverId, new Map());
        tools.get(tool.serverId)!.set(tool.name, tool.definition.annotations ?? null);
      }
    }
    expect([...tools.get('memory')!.keys()]).toEqual(expect.arrayContaining(['create_entities', 'read_graph', 'delete_relations']));
    expect([...tools.get('filesystem')!.keys()]).toEqual(
      expect.arrayContaining(['read_text_file', 'write_file', 'edit_file', 'list_directory', 'move_file', 'list_allowed_directories']),
    );
    expect(tools.get('filesystem')!.get('read_text_file')).toMatchObject({ readOnlyHint: true });
    expect(tools.get('filesystem')!.get('write_file')).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect([...tools.get('thinking')!.keys()]).toEqual(['sequentialthinking']);
    expect([...tools.get('everything')!.keys()]).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    expect([...tools.get('everything')!.values()].some((a) => a !== null)).toBe(true);

    const memory = await getServer(db.orm, 'memory');
    expect(memory).toMatchObject({ lastOutcome: 'ok', toolCount: tools.get('memory')!.size });
    expect(memory!.toolsetHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
