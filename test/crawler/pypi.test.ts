import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installPypiPackage } from '../../crawler/pypi-cache.ts';
import { runCrawl, syncRegistry } from '../../crawler/index.ts';
import { getServer } from '../../db/index.ts';
import { testBackends } from '../helpers/databases.ts';
import { startPypiIndex, type LoopbackPypiIndex } from '../fixtures/servers/pypi-index.ts';
import { startRegistry, type LoopbackRegistry } from '../fixtures/servers/registry.ts';
import { readableTempDir } from './helpers.ts';

// PyPI itself is never contacted: wheels are built here and served from a PEP 503 index on 127.0.0.1.
const NAME = 'toolrisk-fixture-notes';
let index: LoopbackPypiIndex;
const cacheDir = readableTempDir('toolrisk-pypi-cache-');
beforeAll(async () => {
  index = await startPypiIndex([
    { name: NAME, version: '0.3.0' },
    { name: NAME, version: '0.3.1', summary: 'Notes over MCP, for tests.', homePage: 'https://example.com/notes', license: 'MIT' },
  ]);
});
afterAll(async () => {
  await index?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});
const pypi = () => ({ cacheDir, indexUrl: index.url });

describe('the PyPI runtime', () => {
  it('installs a wheel once per name@version into a cached virtual environment', async () => {
    const installed = await installPypiPackage(NAME, '0.3.1', pypi());
    expect(installed.dir).toBe(path.join(cacheDir, `${NAME}@0.3.1`));
    expect(existsSync(path.join(installed.dir, '.complete'))).toBe(true);
    expect(installed.info).toMatchObject({
      registryType: 'pypi',
      identifier: NAME,
      version: '0.3.1',
      description: 'Notes over MCP, for tests.',
      license: 'MIT',
    });
    const requests = index.requests.length;
    const again = await installPypiPackage(NAME, '0.3.1', { ...pypi(), python: '/nonexistent/python3' });
    expect(again.dir).toBe(installed.dir);
    expect(index.requests.length).toBe(requests);
  }, 120_000);

  it('says what went wrong: package_not_found, version_not_found, and refuses what is not a name or a version', async () => {
    await expect(installPypiPackage('toolrisk-fixture-nobody', '1.0.0', pypi())).rejects.toMatchObject({ outcome: 'package_not_found' });
    await expect(installPypiPackage(NAME, '9.9.9', pypi())).rejects.toMatchObject({
      outcome: 'version_not_found',
      message: expect.stringMatching(/0\.3\.0, 0\.3\.1/),
    });
    await expect(installPypiPackage('-e git+https://evil.example/x', undefined, pypi())).rejects.toMatchObject({ outcome: 'refused_by_policy' });
    await expect(installPypiPackage(NAME, '1.0; rm -rf /', pypi())).rejects.toMatchObject({ outcome: 'refused_by_policy' });
    expect(readdirSync(cacheDir).filter((entry) => entry.startsWith('.staging-') || entry.includes('nobody') || entry.includes('9.9.9'))).toEqual([]);
  }, 120_000);
});

describe.each(testBackends())('a PyPI server from a registry entry, end to end, on $name', (backend) => {
  let registry: LoopbackRegistry;
  beforeAll(async () => {
    registry = await startRegistry(() => [
      {
        server: {
          name: 'test/python-notes',
          version: '0.3.1',
          packages: [
            {
              registryType: 'pypi',
              identifier: NAME,
              version: '0.3.1',
              transport: { type: 'stdio' },
              packageArguments: [{ type: 'named', name: 'notes-dir', format: 'filepath' }],
              environmentVariables: [{ name: 'NOTES_TOKEN', isSecret: true }],
            },
          ],
        },
        _meta: { 'io.modelcontextprotocol.registry/official': { status: 'active', isLatest: true, updatedAt: '2026-01-01T00:00:00Z' } },
      },
    ]);
  });
  afterAll(() => registry?.close());

  it('lists the tools of a Python server, sandboxed like npm servers, and records the package metadata', async () => {
    const db = await backend.create();
    try {
      const sync = await syncRegistry(db.orm, { baseUrl: registry.url });
      expect(sync.servers[0].targets[0]).toMatchObject({ kind: 'pypi', package: NAME, version: '0.3.1' });
      const summary = await runCrawl(db.orm, sync.servers, { pypi: pypi() });
      expect(summary.results[0]).toMatchObject({ outcome: 'ok', toolCount: 2, target: `pypi:${NAME}@0.3.1` });
      const row = await getServer(db.orm, 'test/python-notes');
      expect(row).toMatchObject({ lastOutcome: 'ok', toolCount: 2 });
      expect(row?.packageInfo).toMatchObject({
        registryType: 'pypi',
        identifier: NAME,
        version: '0.3.1',
        homepage: 'https://example.com/notes',
        repository: 'https://example.com/source/fixture',
      });
    } finally {
      await db.dispose();
    }
  }, 180_000);

  it('passes arguments and placeholders, and never the crawler’s environment', async () => {
    const { crawlTarget } = await import('../../crawler/index.ts');
    process.env.TOOLRISK_TEST_CRAWLER_SECRET = 'do-not-leak';
    try {
      const result = await crawlTarget(
        {
          kind: 'pypi',
          serverId: 'x',
          package: NAME,
          version: '0.3.1',
          args: ['--notes-dir', '.'],
          env: { NOTES_TOKEN: 'TOOLRISK_PLACEHOLDER_NOTES_TOKEN' },
          placeholders: ['NOTES_TOKEN'],
        },
        { pypi: pypi() },
      );
      expect(result.outcome).toBe('ok');
      const whoami = result.tools!.find((t) => t.name === 'whoami')!.description!;
      expect(whoami).toContain('args=--notes-dir .');
      expect(whoami).toContain('NOTES_TOKEN');
      expect(whoami).not.toContain('TOOLRISK_TEST_CRAWLER_SECRET');
      expect(result.details).toMatchObject({ pypiVersion: '0.3.1' });
    } finally {
      delete process.env.TOOLRISK_TEST_CRAWLER_SECRET;
    }
  }, 120_000);
});
