import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toolrisk as runToolrisk } from '../helpers/cli.ts';
import { createPostgres, migratedDataDir } from '../helpers/databases.ts';

async function toolrisk(args: string[], env: Record<string, string>) {
  return runToolrisk(args, { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
}

describe('toolrisk db', () => {
  const dataDir = migratedDataDir('toolrisk-cli-');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('shows the embedded PGlite backend with no configuration', async () => {
    const result = await toolrisk(['db', 'status', '--json'], { TOOLRISK_DATA_DIR: dataDir });
    expect(result.code).toBe(0);
    const status = JSON.parse(result.stdout);
    expect(status.backend).toBe('pglite');
    expect(status.location).toBe(path.join(dataDir, 'db'));
    expect(status.schemaVersion.applied).toBe(status.schemaVersion.available);
    expect(status.rows.servers).toBe(0);
  });

  it.runIf(process.env.TEST_DATABASE_URL)('shows PostgreSQL when DATABASE_URL is set', async () => {
    const db = await createPostgres(process.env.TEST_DATABASE_URL!);
    try {
      const result = await toolrisk(['db', 'status'], { DATABASE_URL: db.url! });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/backend: +PostgreSQL/);
      expect(result.stdout).toMatch(/migrations applied/);
    } finally {
      await db.dispose();
    }
  });

  it('exits 2 on a usage error and 1 when the database cannot be reached', async () => {
    expect((await toolrisk(['db', 'no-such-command'], { TOOLRISK_DATA_DIR: dataDir })).code).toBe(2);
    const unreachable = await toolrisk(['db', 'status'], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/toolrisk: Could not open the database at postgres:\/\/nobody@127\.0\.0\.1:1\/none: .*Check that PostgreSQL is running/);
  });
});
