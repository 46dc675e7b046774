import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/index.ts';
import { spawnCli } from '../helpers/cli.ts';
import { migratedDataDir } from '../helpers/databases.ts';
import { seedDevCatalogue } from '../site/seed.ts';

// V8 prints a line for each WebAssembly function it compiles, naming the compiler, and with a tiering budget of 1/18
// of the default it optimises a function soon after it first runs: any TurboFan line says the module could be
// optimised.
const V8_TRACE = ['--trace-wasm-compilation-times', '--wasm-tiering-budget=100000'];

describe("the embedded database's WebAssembly", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = migratedDataDir('toolrisk-database-tier-');
    const db = await openDatabase({ dataDir: path.join(dataDir, 'db'), env: {} });
    await seedDevCatalogue(db.orm, { at: new Date('2026-11-20T10:00:00Z') });
    await db.close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** Runs a command as a user does; returns how many WebAssembly functions V8 optimised. */
  const optimised = async (...args: string[]): Promise<number> => {
    const { code, stdout, stderr } = await spawnCli(args, {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TOOLRISK_DATA_DIR: dataDir },
      nodeArgs: V8_TRACE,
      timeoutMs: 120_000,
    });
    expect(code, stderr.slice(-2000)).toBe(0);
    return stdout.split('\n').filter((line) => line.includes(' using TurboFan')).length;
  };

  const build = (...flags: string[]) => optimised('build', '--out', path.join(dataDir, 'site'), ...flags);

  it('is left unoptimised by a build that updates a built site, and optimised by a full one', async () => {
    expect(await build()).toBeGreaterThan(0);
    expect(await build()).toBe(0);
    expect(await build('--full')).toBeGreaterThan(0);
  }, 300_000);

  it('is left unoptimised by commands of a few queries, and optimised by migrations', async () => {
    expect(await optimised('db', 'status')).toBe(0);
    expect(await optimised('status')).toBe(0);
    expect(await optimised('db', 'migrate')).toBeGreaterThan(0);
  }, 120_000);
});
