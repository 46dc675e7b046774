// The sandbox's own folders: left behind by a crawler killed with SIGKILL and swept by the next one;
// and server code inside a folder the throwaway uid cannot enter (a checkout under /root).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { crawlTarget } from '../../crawler/index.ts';
import { probeBwrap } from '../../crawler/sandbox/command.ts';
import { ISOLATION_ENV, sweepStaleSandboxDirs } from '../../crawler/sandbox/index.ts';
import { FIXTURES, processesMarked, stdioTarget, SUITE_LIMITS } from './cases.ts';

const isRoot = process.getuid?.() === 0;
const bwrapWorks = (await probeBwrap(isRoot ? 1_999_999_996 : undefined)).ok;
const HOLDER = join(dirname(fileURLToPath(import.meta.url)), 'sandbox-holder.ts');
const made: string[] = [];

afterAll(() => {
  for (const folder of made) rmSync(folder, { recursive: true, force: true });
});

function folder(prefix: string, mode: number): string {
  const path = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(path, mode);
  made.push(path);
  return path;
}

/** A crawler process holding one sandboxed server, its sandbox folders in `parent`. */
async function startHolder(parent: string, mark: string) {
  const isolation = bwrapWorks ? 'auto' : 'none';
  const holder = spawn(process.execPath, ['--import', 'tsx', HOLDER, isolation, mark], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, TMPDIR: parent },
  });
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('started') && resolve());
    holder.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  return holder;
}

const ownedBy = (parent: string, pid: number) => readdirSync(parent).filter((entry) => entry.startsWith(`toolrisk-sandbox-${pid}-`));

describe('sandbox folders of a crawler killed with SIGKILL', () => {
  it('are named by their owner and removed by the next crawler; a live crawler’s folders stay', async () => {
    const parent = folder('toolrisk-sweep-', 0o755);
    const first = await startHolder(parent, randomUUID());
    expect(ownedBy(parent, first.pid!)).toHaveLength(1);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    // The kill left the folder behind: nothing could remove it.
    expect(ownedBy(parent, first.pid!)).toHaveLength(1);

    const mark = randomUUID();
    const second = await startHolder(parent, mark);
    expect(ownedBy(parent, first.pid!)).toEqual([]);
    expect(ownedBy(parent, second.pid!)).toHaveLength(1);
    // The second crawler is alive: a sweep from elsewhere leaves its folder alone.
    expect(await sweepStaleSandboxDirs(parent)).toEqual([]);
    // A folder whose PID is live but belongs to a newer process (PID reuse) is stale.
    const reused = join(parent, `toolrisk-sandbox-${second.pid}-1-AbCdEf`);
    mkdirSync(reused);
    expect(await sweepStaleSandboxDirs(parent)).toEqual([reused]);

    second.kill('SIGKILL');
    await new Promise((resolve) => second.once('exit', resolve));
    const until = Date.now() + 5000;
    while (processesMarked(mark).length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(await sweepStaleSandboxDirs(parent)).toHaveLength(1);
    expect(readdirSync(parent).filter((entry) => entry.startsWith('toolrisk-sandbox-'))).toEqual([]);
  });
});

describe.skipIf(!isRoot)('server code inside a folder only root may enter (0700, like /root)', () => {
  const privateFolder = () => {
    const outer = folder('toolrisk-private-', 0o700);
    const code = join(outer, 'checkout', 'server');
    mkdirSync(code, { recursive: true });
    copyFileSync(join(FIXTURES, 'stdio-server.mjs'), join(code, 'stdio-server.mjs'));
    return { outer, script: join(code, 'stdio-server.mjs') };
  };
  const target = (script: string) => ({ ...stdioTarget('private', 'ok', 'private'), args: [script, 'ok'] });

  it.skipIf(!bwrapWorks)('runs under bwrap from a copy bound at the same path', async () => {
    const { outer, script } = privateFolder();
    const result = await crawlTarget(target(script), { limits: SUITE_LIMITS });
    expect({ outcome: result.outcome, error: result.error, stderr: result.stderr }).toEqual({ outcome: 'ok', error: undefined, stderr: undefined });
    expect(result.tools!.map((t) => t.name)).toEqual(['read_thing', 'delete_thing']);
    expect(existsSync(outer)).toBe(true);
  });

  it('is refused without bwrap, saying which folder and why', async () => {
    const { outer, script } = privateFolder();
    const before = process.env[ISOLATION_ENV];
    process.env[ISOLATION_ENV] = 'none';
    try {
      const result = await crawlTarget(target(script), { limits: SUITE_LIMITS });
      expect(result.outcome).toBe('refused_by_policy');
      expect(result.error).toContain(`inside ${outer}, which its throwaway user cannot enter (mode 0700)`);
    } finally {
      if (before === undefined) delete process.env[ISOLATION_ENV];
      else process.env[ISOLATION_ENV] = before;
    }
  });
});
