import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findOnPath } from '../../crawler/sandbox/command.ts';
import { toolrisk } from '../helpers/cli.ts';
import { migratedDataDir } from '../helpers/databases.ts';

const folder = migratedDataDir('toolrisk-doctor-');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function doctor(args: string[], path: string): Promise<{ code: number; stdout: string }> {
  return toolrisk(['doctor', ...args], { env: { PATH: path, HOME: process.env.HOME ?? '', TOOLRISK_DATA_DIR: folder } });
}

describe('toolrisk doctor', () => {
  it('with bwrap hidden from PATH: says so, names `apt-get install bubblewrap`, and exits 1', async () => {
    // A PATH with everything the crawler uses except bwrap.
    const bin = join(folder, 'bin');
    mkdirSync(bin);
    for (const name of ['node', 'npm', 'prlimit', 'setpriv', 'python3', 'sh']) {
      const found = findOnPath(name);
      if (found) symlinkSync(found, join(bin, name));
    }
    const result = await doctor(['--quiet'], bin);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/MISSING bwrap: bwrap is not installed/);
    expect(result.stdout).toMatch(/fix: apt-get install bubblewrap/);
    expect(result.stdout).not.toMatch(/^ok /m); // --quiet prints only the problems
  });

  it('on a machine with everything: every check ok', async () => {
    const result = await doctor(['--json'], process.env.PATH ?? '');
    const checks = JSON.parse(result.stdout) as Array<{ name: string; ok: boolean }>;
    expect(checks.map((c) => c.name)).toEqual(
      expect.arrayContaining(['node', 'prlimit', 'setpriv', 'npm', 'python3', 'data folder', 'free space', 'database']),
    );
    expect(checks.filter((c) => !c.ok && c.name !== 'bwrap namespaces')).toEqual([]);
  });
});
