import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iterateCurrentTools, openDatabase, type Database } from '../../db/index.ts';
import { slugify, urls } from '../../site/render/index.ts';
import { fileFor } from '../../site/render/urls.ts';
import { toolrisk } from '../helpers/cli.ts';
import { copyMigratedPglite, createPostgres } from '../helpers/databases.ts';
import { NOTES_SERVER } from '../helpers/fixtures.ts';
import { ROOT, startFixture, type Running } from './helpers.ts';

/** A database the CLI opens from its environment, and the test opens afterwards to look. */
interface CliBackend {
  name: string;
  env: Record<string, string>;
  open(): Promise<Database>;
  dispose(): Promise<void>;
}

function cliBackends(): Array<{ name: string; create: () => Promise<CliBackend> }> {
  const backends = [
    {
      name: 'pglite',
      async create(): Promise<CliBackend> {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-run-'));
        copyMigratedPglite(path.join(dir, 'db'));
        return {
          name: 'pglite',
          env: { TOOLRISK_DATA_DIR: dir, DATABASE_URL: '' },
          open: () => openDatabase({ dataDir: path.join(dir, 'db'), env: {} }),
          dispose: async () => rmSync(dir, { recursive: true, force: true }),
        };
      },
    },
  ];
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl) {
    backends.push({
      name: 'postgres',
      async create(): Promise<CliBackend> {
        const db = await createPostgres(adminUrl);
        await db.close();
        return { name: 'postgres', env: { DATABASE_URL: db.url! }, open: () => openDatabase(db.openOptions), dispose: db.dispose };
      },
    });
  }
  return backends;
}

const node = process.execPath;
const published = (pkg: string) => path.join(ROOT, 'node_modules/@modelcontextprotocol', pkg, 'dist/index.js');

/** Fixture servers of every kind: the notes fixture and published servers over stdio, two loopback HTTP servers. */
function serversFile(dir: string, httpBase: string): string {
  const file = path.join(dir, 'servers.yaml');
  const stdio = (id: string, args: string[]) => ({ id, command: node, args, cwd: ROOT });
  const servers = [
    stdio('fixture/notes', [NOTES_SERVER]),
    stdio('npm/server-memory', [published('server-memory')]),
    stdio('npm/server-everything', [published('server-everything')]),
    stdio('npm/server-sequential-thinking', [published('server-sequential-thinking')]),
    { id: 'http/store-0', url: `${httpBase}0`, transport: 'streamable-http' },
    { id: 'http/store-1', url: `${httpBase}1`, transport: 'auto' },
  ];
  writeFileSync(file, JSON.stringify({ servers }, null, 2));
  return file;
}

describe.each(cliBackends())('toolrisk run end to end on $name', ({ create }) => {
  let backend: CliBackend;
  let http: Running;
  let dir: string;

  beforeAll(async () => {
    backend = await create();
    dir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-run-site-'));
    http = startFixture('test/pipeline/fixtures/many-servers.ts', ['2']);
  });

  afterAll(async () => {
    await http?.stop();
    await backend?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('crawls, classifies and builds a site with a page for every stored tool; a second run only re-checks', { timeout: 240_000 }, async () => {
    const [, base] = await http.waitFor(/"base":"([^"]+)"/);
    const file = serversFile(dir, base);
    const outDir = path.join(dir, 'site');
    const args = ['run', '--servers', file, '--out', outDir, '--allow-private-network', '--allow-host', '127.0.0.1', '--build-workers', '1', '--json'];

    const first = await toolrisk(args, { env: { ...process.env, ...backend.env }, cwd: ROOT });
    expect(first.code, first.stderr).toBe(0);
    const summary = JSON.parse(first.stdout);
    expect(summary.crawl).toMatchObject({ status: 'completed', servers: 6, fresh: 0, outcomes: { ok: 6 } });
    expect(summary.crawl.changes.added).toBeGreaterThan(20);
    expect(summary.classify.classified).toBe(summary.catalogue.tools);
    expect(summary.catalogue.unclassified).toBe(0);
    expect(summary.site).toMatchObject({ built: true, outDir });

    // Every stored tool has its page, under the site's own URL scheme, naming the tool.
    const db = await backend.open();
    let tools = 0;
    try {
      for await (const batch of iterateCurrentTools(db.orm)) {
        for (const tool of batch) {
          tools++;
          const page = path.join(outDir, fileFor(urls.tool(slugify(tool.serverId), slugify(tool.name))));
          expect(existsSync(page), `no page for ${tool.serverId} / ${tool.name} at ${page}`).toBe(true);
          expect(readFileSync(page, 'utf8')).toContain(tool.name);
        }
      }
    } finally {
      await db.close();
    }
    expect(tools).toBe(summary.catalogue.tools);
    expect(tools).toBeGreaterThan(20);
    for (const serverId of ['fixture/notes', 'npm/server-everything', 'http/store-1']) {
      expect(existsSync(path.join(outDir, fileFor(urls.server(slugify(serverId)))))).toBe(true);
    }

    // A second run in a row: nothing crawled, nothing classified, no build.
    const second = await toolrisk(args, { env: { ...process.env, ...backend.env }, cwd: ROOT });
    expect(second.code, second.stderr).toBe(0);
    const again = JSON.parse(second.stdout);
    expect(again.crawl).toMatchObject({ status: 'skipped', runId: null, servers: 0, fresh: 6 });
    expect(again.classify.classified).toBe(0);
    expect(again.site).toMatchObject({ built: false, reason: 'nothing changed since the last build' });
    expect(again.catalogue).toEqual(summary.catalogue);
  });
});
