import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { interceptDocument, policyLayerDocument } from '../../classifier/policy/index.ts';
import { openDatabase, storeSnapshot, upsertServers, type Database } from '../../db/index.ts';
import { toolrisk as runToolrisk } from '../helpers/cli.ts';
import { copyMigratedPglite, createPostgres } from '../helpers/databases.ts';
import { slugify } from '../../site/render/slug.ts';
import { UNSEEN_SET } from './paths.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-classifier-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function toolrisk(args: string[], env: Record<string, string> = {}) {
  return runToolrisk(args, { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TOOLRISK_DATA_DIR: path.join(tmp, 'unused'), ...env } });
}

describe('toolrisk classify --file', () => {
  it('writes one classification per line, in order, and an error object for each bad line', async () => {
    const file = path.join(tmp, 'tools.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ name: 'delete_file', description: 'Deletes a file.', server: 'ignored' }),
        '{not json',
        JSON.stringify({ name: 'run_sql', inputSchema: { type: 'object', properties: { sql: { type: 'string' } } } }),
        JSON.stringify({ description: 'no name' }),
        '',
        JSON.stringify({ name: 'list_files', input_schema: { type: 'object', properties: {} }, annotations: { readOnlyHint: true } }),
      ].join('\n') + '\n',
    );
    const result = await toolrisk(['classify', '--file', file]);
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatchObject({ name: 'delete_file', category: 'destructive', severity: 'critical', flags: [], explanation: expect.any(String) });
    expect(lines[0].evidence.length).toBeGreaterThan(0);
    expect(lines[0].confidence).toBeGreaterThan(0);
    expect(lines[1]).toEqual({ line: 2, error: expect.stringMatching(/^not JSON/) });
    expect(lines[2]).toMatchObject({ name: 'run_sql', category: 'execute', flags: expect.arrayContaining(['freeform_input']) });
    expect(lines[3]).toEqual({ line: 4, error: expect.stringMatching(/^not a tool definition: name/) });
    expect(lines[4]).toEqual({ line: 5, error: 'empty line' });
    expect(lines[5]).toMatchObject({ name: 'list_files', category: 'read', severity: 'low' });
  });

  it('fails clearly on a missing file', async () => {
    const result = await toolrisk(['classify', '--file', path.join(tmp, 'missing.jsonl')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ENOENT|no such file/);
  });
});

describe('toolrisk eval', () => {
  it('prints the report, and JSON with --json', async () => {
    const text = await toolrisk(['eval', UNSEEN_SET]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Three-way .*\n {2}accuracy \d+\.\d%/);
    expect(text.stdout).toMatch(/annotations only \(MCP defaults\)/);
    expect(text.stdout).toMatch(/name verb only/);
    const json = await toolrisk(['eval', UNSEEN_SET, '--json']);
    const report = JSON.parse(json.stdout);
    expect(report.threeWay.accuracy).toBeGreaterThan(0.9);
    expect(report.baselines.annotations.confusion.read).toBeDefined();
  });
});

/** A fresh database, and the environment under which the CLI opens that same database. */
interface CliBackend {
  name: string;
  create(): Promise<{ db: Database; env: Record<string, string>; dispose(): Promise<void> }>;
}

const backends: CliBackend[] = [
  {
    name: 'pglite',
    async create() {
      const dataDir = mkdtempSync(path.join(tmp, 'data-'));
      copyMigratedPglite(path.join(dataDir, 'db'));
      const db = await openDatabase({ dataDir: path.join(dataDir, 'db'), env: {} });
      return { db, env: { TOOLRISK_DATA_DIR: dataDir }, dispose: async () => rmSync(dataDir, { recursive: true, force: true }) };
    },
  },
  ...(process.env.TEST_DATABASE_URL
    ? [
        {
          name: 'postgres',
          async create() {
            const db = await createPostgres(process.env.TEST_DATABASE_URL!);
            return { db, env: { DATABASE_URL: db.url! }, dispose: () => db.dispose() };
          },
        },
      ]
    : []),
];

describe.each(backends)('toolrisk classify and policy on $name', (backend) => {
  const serverId = 'io.example/files';

  async function seeded() {
    const { db, env, dispose } = await backend.create();
    const at = new Date('2026-01-01T00:00:00Z');
    await upsertServers(db.orm, [{ id: serverId, title: 'Files', sources: ['test'] }], at);
    await storeSnapshot(db.orm, {
      serverId,
      at,
      tools: [
        { name: 'list_files', description: 'Lists the files in a folder.', annotations: { readOnlyHint: true } },
        { name: 'write_note', description: 'Creates a note.' },
        { name: 'delete_file', description: 'Deletes a file permanently.' },
      ],
    });
    await db.close(); // PGlite allows one process at a time
    return { env, dispose };
  }

  it('classifies what is new, counts the catalogue, and writes server and tool policies in both formats', async () => {
    const { env, dispose } = await seeded();
    try {
      const first = await toolrisk(['classify', '--json'], env);
      expect(first.code).toBe(0);
      expect(JSON.parse(first.stdout)).toMatchObject({ classifiedNow: 3, catalogue: { total: 3, categories: { read: 1, write: 1, destructive: 1 } } });
      expect(JSON.parse((await toolrisk(['classify', '--json'], env)).stdout).classifiedNow).toBe(0);

      const server = await toolrisk(['policy', serverId], env);
      expect(server.code).toBe(0);
      const doc = policyLayerDocument.parse(JSON.parse(server.stdout));
      expect(doc.default).toBe('deny');
      expect(Object.keys(doc.tools)).toEqual(['delete_file', 'list_files', 'write_note']);
      expect(doc.tools.list_files).toEqual({});
      expect(doc.tools.delete_file.deny_if).toHaveLength(1);

      const out = path.join(tmp, `${backend.name}-policy.yaml`);
      const one = await toolrisk(['policy', serverId, 'write_note', '--format', 'intercept', '--out', out], env);
      expect(one.code).toBe(0);
      expect(one.stdout).toBe('');
      const yamlDoc = interceptDocument.parse(parse(await readFile(out, 'utf8')));
      expect(yamlDoc.tools).toEqual({ write_note: { rules: [{ name: 'toolrisk rate limit', rate_limit: '30/minute' }] } });

      const again = await toolrisk(['policy', serverId], env);
      expect(again.stdout).toBe(server.stdout);
      // The server by a unique prefix of its id, and by its URL slug on the site.
      for (const name of ['io.example/fi', slugify(serverId)]) expect((await toolrisk(['policy', name], env)).stdout).toBe(server.stdout);
    } finally {
      await dispose();
    }
  });

  it('says what is wrong with an unknown server, an unknown tool or a bad format', async () => {
    const { env, dispose } = await seeded();
    try {
      const noServer = await toolrisk(['policy', 'io.example/nope'], env);
      expect(noServer.code).toBe(1);
      expect(noServer.stderr).toContain(
        'toolrisk: no server io.example/nope in the catalogue (by id, npm package, URL slug or unique prefix); did you mean io.example/files?',
      );
      const noTool = await toolrisk(['policy', serverId, 'rm_rf'], env);
      expect(noTool.code).toBe(1);
      expect(noTool.stderr).toMatch(/has no tool "rm_rf"; its tools: list_files, write_note, delete_file/);
      const badFormat = await toolrisk(['policy', serverId, '--format', 'xml'], env);
      expect(badFormat.code).toBe(2);
      expect(badFormat.stderr).toMatch(/--format must be one of policylayer, intercept/);
    } finally {
      await dispose();
    }
  });
});
