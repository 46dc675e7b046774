import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { crawlAttempts, crawlRuns, getServer, openDatabase, type Database } from '../../db/index.ts';
import { toolrisk as runToolrisk, type CliResult } from '../helpers/cli.ts';
import { copyMigratedPglite, testBackends, type TestDatabase } from '../helpers/databases.ts';
import { NOTES_SERVER as NOTES } from '../helpers/fixtures.ts';
import { startStreamableHttp } from '../fixtures/servers/http.ts';
import { buildNotesServer } from '../fixtures/servers/notes-server.ts';
import { startRegistry } from '../fixtures/servers/registry.ts';
import { ROOT } from './helpers.ts';

// Each test runs the CLI several times (the database, a server each): slow on a loaded machine.
vi.setConfig({ testTimeout: 180_000 });

/** Runs the toolrisk CLI; resolves with its exit code and output whatever the code. */
function toolrisk(args: string[], env: Record<string, string>): Promise<CliResult> {
  return runToolrisk(args, { cwd: ROOT, env: { ...process.env, DATABASE_URL: '', ...env } });
}

describe.each(testBackends())('toolrisk crawl on $name', (backend) => {
  let dir: string;
  let env: Record<string, string>;
  let postgres: TestDatabase | undefined;
  const open = (): Promise<Database> =>
    postgres ? openDatabase({ url: postgres.url, env: {} }) : openDatabase({ dataDir: path.join(dir, 'data', 'db'), env: {} });

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-cli-'));
    if (backend.name === 'postgres') {
      postgres = await backend.create();
      env = { DATABASE_URL: postgres.url! };
    } else {
      copyMigratedPglite(path.join(dir, 'data', 'db'));
      env = { TOOLRISK_DATA_DIR: path.join(dir, 'data') };
    }
  });
  afterEach(async () => {
    await postgres?.dispose();
    postgres = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('crawls a servers file, prints a summary, and stores the tools', async () => {
    const file = path.join(dir, 'servers.yaml');
    writeFileSync(file, `servers:\n  - id: notes\n    command: ${process.execPath}\n    args: [${NOTES}]\n    cwd: ${ROOT}\n`);
    const result = await toolrisk(['crawl', '--servers', file, '--timeout', '20'], env);
    expect(result.stderr).toContain('1/1 ok notes');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/ok\s+1/);
    expect(result.stdout).toMatch(/run \d+ completed: 1 servers, 1 listed, 3 tool changes/);

    const json = await toolrisk(['crawl', '--servers', file, '--json'], env);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ status: 'completed', outcomes: { ok: 1 }, changes: 0, results: [{ serverId: 'notes', toolCount: 3 }] });

    const db = await open();
    try {
      expect(await getServer(db.orm, 'notes')).toMatchObject({ toolCount: 3, lastOutcome: 'ok', sources: ['servers-file'] });
      expect(await db.orm.select().from(crawlRuns)).toHaveLength(2);
    } finally {
      await db.close();
    }
  });

  it('syncs a registry, crawls its remotes within the allowlist, and next time asks only for what changed', async () => {
    const mcp = await startStreamableHttp(() => buildNotesServer());
    const entry = (name: string, url: string) => ({
      server: { name, description: `The ${name} server`, version: '1.0.0', remotes: [{ type: 'streamable-http', url }] },
      _meta: {
        'io.modelcontextprotocol.registry/official': {
          status: 'active',
          publishedAt: '2026-01-01T00:00:00Z',
          updatedAt: '2026-01-01T00:00:00Z',
          isLatest: true,
        },
      },
    });
    const registry = await startRegistry(() => [entry('test/local-notes', mcp.url), entry('test/public', 'https://mcp.example.com/mcp')]);
    try {
      const flags = ['--registry', registry.url, '--since', 'auto', '--allow-host', '127.0.0.1', '--allow-private-network'];
      const first = await toolrisk(['crawl', ...flags], env);
      expect(first.stderr).toContain(`registry ${registry.url}: 2 servers (all) in 1 pages`);
      expect(first.stdout).toMatch(/test\/public\s+refused_by_policy\s+Not connecting to https:\/\/mcp\.example\.com/);
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/run \d+ completed: 2 servers, 1 listed, 3 tool changes/);

      const second = await toolrisk(['crawl', ...flags, '--json'], env);
      expect(second.code, second.stderr).toBe(0);
      expect(JSON.parse(second.stdout)).toMatchObject({ servers: 0, attempts: 0 });
      expect(registry.requests.at(-1)).toMatch(/updated_since=/);

      const db = await open();
      try {
        expect(await getServer(db.orm, 'test/local-notes')).toMatchObject({ sources: ['registry'], toolCount: 3, lastOutcome: 'ok' });
      } finally {
        await db.close();
      }
    } finally {
      await registry.close();
      await mcp.close();
    }
  });

  it('exits 0 when servers fail, 1 when the run cannot proceed, 2 for a bad command line', async () => {
    const file = path.join(dir, 'failing.yaml');
    writeFileSync(file, `servers:\n  - id: dies\n    command: ${process.execPath}\n    args: ["-e", "process.exit(1)"]\n`);
    const failing = await toolrisk(['crawl', '--servers', file], env);
    expect(failing.code, failing.stderr).toBe(0);
    expect(failing.stdout).toMatch(/dies\s+crashed/);

    const invalid = path.join(dir, 'invalid.yaml');
    writeFileSync(invalid, 'servers:\n  - id: x\n    url: https://example.com/mcp\n    transport: carrier-pigeon\n');
    const bad = await toolrisk(['crawl', '--servers', invalid], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${invalid} is not a valid servers file; nothing was crawled`);
    expect(bad.stderr).toMatch(/entry 1 \("x"\): field `transport`/);

    expect((await toolrisk(['crawl'], env)).code).toBe(2);
    expect((await toolrisk(['crawl', '--servers', file, '--since', 'auto'], env)).code).toBe(2);
    expect((await toolrisk(['crawl', '--servers', file, '--timeout', 'soon'], env)).stderr).toMatch(/--timeout must be a number of seconds/);

    const db = await open();
    try {
      // Only the good file's run exists: the invalid file stopped everything before the database.
      expect(await db.orm.select().from(crawlAttempts)).toHaveLength(1);
    } finally {
      await db.close();
    }
  });
});

describe('toolrisk check', () => {
  it('prints each tool with its classification', async () => {
    const result = await toolrisk(['check', '--', process.execPath, NOTES], {});
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^fixture-notes 1\.0\.0 over stdio, protocol [\d-]+: 3 tools/);
    expect(result.stdout).toMatch(/delete_note\s+destructive\s+critical/);
    expect(result.stdout).toMatch(/list_notes\s+read\s+low/);
  });

  it('prints JSON with the server, every tool as listed, and its classification', async () => {
    const result = await toolrisk(['check', '--json', '--', process.execPath, NOTES], {});
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.server).toMatchObject({ name: 'fixture-notes', version: '1.0.0', instructions: 'Keeps notes for tests.' });
    expect(json.tools.map((t: { name: string }) => t.name)).toEqual(['list_notes', 'add_note', 'delete_note']);
    expect(json.tools[0]).toMatchObject({
      title: 'List notes',
      description: 'Lists every note.',
      inputSchema: { type: 'object' },
      annotations: { readOnlyHint: true },
      classification: { category: 'read', severity: expect.any(String), explanation: expect.any(String) },
    });
  });

  it('prints the outcome and exits 1 when the server fails', async () => {
    const result = await toolrisk(['check', '--', process.execPath, '-e', 'process.exit(4)'], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^crashed: /);
    const refused = await toolrisk(['check', '--url', 'http://127.0.0.1:9/mcp', '--json'], {});
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({ outcome: 'refused_by_policy' });
    expect((await toolrisk(['check', '--url', 'http://x', '--npm', 'y'], {})).code).toBe(2);
  });
});
