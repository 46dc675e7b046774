import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, spawnCli } from '../helpers/cli.ts';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';
import { type Exited, runProcess } from '../helpers/processes.ts';
import { seededInt, seededRandom } from '../helpers/seeded.ts';
import { siteDifferences } from '../helpers/site-files.ts';
import { FIXTURES, processesMarked, RUN_MARK } from './cases.ts';

/** Each seed draws where `build` is killed: after so many of its progress lines, then so many milliseconds. */
const SEEDS = [7, 19, 42];
/** The catalogue changes before each killed build (the fixture server's tools differ by mode), so the build after it has work to do. */
const MODES = ['ok', 'hostile-info'];

function writeServersFile(file: string, mode: string): void {
  const servers = ['a', 'b'].map((name) => ({
    id: `build-kill:${name}`,
    command: process.execPath,
    args: [join(FIXTURES, 'stdio-server.mjs'), mode],
    cwd: FIXTURES,
  }));
  writeFileSync(file, JSON.stringify({ servers }));
}

/** `toolrisk build --out DIR`, SIGKILLed `delayMs` after its `killAfterLines`-th progress line. */
function killedBuild(out: string, env: Record<string, string>, killAfterLines: number, delayMs: number): Promise<Exited> {
  return runProcess([process.execPath, BIN, 'build', '--out', out, '--workers', '1'], {
    env,
    signal: { signal: 'SIGKILL', afterLines: killAfterLines, delayMs },
  });
}

describe.each(testBackends())('a build killed with SIGKILL, then the next build, on $name', (backend) => {
  let db: TestDatabase;
  let folder: string;
  let env: Record<string, string>;
  let site: string;
  let round = 0;

  const cli = async (args: string[]) => {
    const result = await spawnCli(args, { env, timeoutMs: 120_000 });
    expect(result.code, result.stderr).toBe(0);
  };

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'toolrisk-build-kill-'));
    db = await backend.create();
    await db.close();
    env = {
      ...process.env,
      ...(db.url ? { DATABASE_URL: db.url } : { DATABASE_URL: '', TOOLRISK_DATA_DIR: join(folder, 'data') }),
      // The home page shows when the site was built: one fixed time, so builds in different minutes compare equal.
      SOURCE_DATE_EPOCH: '1764676800',
    } as Record<string, string>;
    site = join(folder, 'site');
    writeServersFile(join(folder, 'servers.json'), MODES[0]);
    await cli(['crawl', '--servers', join(folder, 'servers.json')]);
    await cli(['build', '--out', site, '--workers', '1']);
  }, 240_000);
  afterAll(async () => {
    await db.dispose();
    rmSync(folder, { recursive: true, force: true });
  });

  it.each(SEEDS)(
    'seed %i: the site after the kill and the next build equals a clean full build; no process left behind',
    async (seed) => {
      const random = seededRandom(seed);
      const killAfterLines = seededInt(random, 1, 4);
      const delayMs = seededInt(random, 0, 150);
      round += 1;
      writeServersFile(join(folder, 'servers.json'), MODES[round % MODES.length]);
      await cli(['crawl', '--servers', join(folder, 'servers.json')]);

      const mark = randomUUID();
      const killed = await killedBuild(site, { ...env, [RUN_MARK]: mark }, killAfterLines, delayMs);
      expect(killed.signal, `killed after line ${killAfterLines} + ${delayMs} ms\n${killed.stderr}`).toBe('SIGKILL');
      await expect.poll(() => processesMarked(mark), { timeout: 10_000 }).toEqual([]);

      await cli(['build', '--out', site, '--workers', '1']);
      const clean = join(folder, `clean-${seed}`);
      await cli(['build', '--out', clean, '--workers', '1', '--full']);
      expect(siteDifferences(site, clean)).toEqual([]);
    },
    240_000,
  );
});
