// A crawler killed with SIGKILL: no process of its server survives it, its sandbox folders are left behind and
// swept by the next crawler (which, as root, kills what runs under a stale folder's throwaway uid); and server
// code inside a folder the throwaway uid cannot enter (a checkout under /root).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { crawlTarget } from '../../crawler/index.ts';
import { probeBwrap } from '../../crawler/sandbox/command.ts';
import { ISOLATION_ENV, livingProcesses, sweepStaleSandboxDirs } from '../../crawler/sandbox/index.ts';
import { compiledFixture } from '../helpers/fixtures.ts';
import { FIXTURES, processesMarked, RUN_MARK, stdioTarget, SUITE_LIMITS } from './cases.ts';

const isRoot = process.getuid?.() === 0;
const bwrapWorks = (await probeBwrap(isRoot ? 1_999_999_996 : undefined)).ok;
const HOLDER = compiledFixture('test/hostile/sandbox-holder.ts');
const made: string[] = [];
const marks: string[] = [];

afterAll(() => {
  // What a failed assertion found alive is not left running.
  for (const pid of marks.flatMap(processesMarked)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already (a sandbox's PID namespace dies with its first process)
    }
  }
  for (const folder of made) rmSync(folder, { recursive: true, force: true });
});

function newMark(): string {
  const mark = randomUUID();
  marks.push(mark);
  return mark;
}

function folder(prefix: string, mode: number): string {
  const path = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(path, mode);
  made.push(path);
  return path;
}

/** A crawler process holding one sandboxed server, its sandbox folders in `parent`. */
function spawnHolder(parent: string, mark: string, dieWhen?: string) {
  const isolation = bwrapWorks ? 'auto' : 'none';
  const args = [HOLDER, isolation, mark, ...(dieWhen === undefined ? [] : [dieWhen])];
  return spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TMPDIR: parent } });
}

/** The throwaway uid (as root) in the holder's "started <pid> <uid>" line. */
const uidIn = (line: string) => Number(/started \d+ (\d+)/.exec(line)?.[1]) || undefined;

async function startHolder(parent: string, mark: string) {
  const holder = spawnHolder(parent, mark);
  const uid = await new Promise<number | undefined>((resolve, reject) => {
    holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('started') && resolve(uidIn(chunk.toString())));
    holder.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  return Object.assign(holder, { uid });
}

async function kill(holder: ReturnType<typeof spawnHolder>) {
  holder.kill('SIGKILL');
  await new Promise((resolve) => holder.once('exit', resolve));
}

/**
 * The processes of a dead crawler's server still alive after a few seconds: by the mark in their environment
 * (bwrap's, the server's, anything it spawned) and, as root, by its server's uid.
 */
async function survivors(mark: string, uid: number | undefined): Promise<number[]> {
  const left = () => [...new Set([...processesMarked(mark), ...(uid === undefined ? [] : livingProcesses({ uid }).map((p) => p.pid))])];
  const until = Date.now() + 3000;
  while (left().length > 0 && Date.now() < until) await sleep(50);
  return left();
}

const ownedBy = (parent: string, pid: number) => readdirSync(parent).filter((entry) => entry.startsWith(`toolrisk-sandbox-${pid}-`));

describe('a crawler killed with SIGKILL', () => {
  it('leaves no process of its server, whenever it dies while the server starts', async () => {
    // Each holder kills itself while setpriv, unshare and bwrap set the sandbox up (sandbox-holder.ts): as soon
    // as a process runs below the spawned one, or some ms after the spawn. Before bwrap ran in a PID namespace of
    // its own, its sandbox's first process outlived most of these crawlers. Each holder has its own folder, so
    // that no holder's sweep kills what another one left.
    const moments = ['1below', '1below', '1below', '2below', '2ms', '5ms', '10ms', '20ms'];
    const results = await Promise.all(
      moments.map(async (dieWhen) => {
        const mark = newMark();
        const holder = spawnHolder(folder('toolrisk-dying-', 0o755), mark, dieWhen);
        let stdout = '';
        holder.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        await new Promise((resolve) => holder.once('close', resolve));
        return { dieWhen, started: stdout.includes('started'), left: await survivors(mark, uidIn(stdout)) };
      }),
    );
    expect(results).toEqual(moments.map((dieWhen) => ({ dieWhen, started: true, left: [] })));
  });
});

describe('sandbox folders of a crawler killed with SIGKILL', () => {
  it('are named by their owner and removed by the next crawler; a live crawler’s folders stay', async () => {
    const parent = folder('toolrisk-sweep-', 0o755);
    const firstMark = newMark();
    const first = await startHolder(parent, firstMark);
    expect(ownedBy(parent, first.pid!)).toHaveLength(1);
    await kill(first);
    // Its server died with it, at once (not by the next crawler's sweep), and the folder stayed behind.
    expect(await survivors(firstMark, first.uid)).toEqual([]);
    expect(ownedBy(parent, first.pid!)).toHaveLength(1);

    const mark = newMark();
    const second = await startHolder(parent, mark);
    expect(ownedBy(parent, first.pid!)).toEqual([]);
    expect(ownedBy(parent, second.pid!)).toHaveLength(1);
    // The second crawler is alive: a sweep from elsewhere leaves its folder alone, and its server running.
    expect(await sweepStaleSandboxDirs(parent)).toEqual([]);
    expect(processesMarked(mark).length).toBeGreaterThan(0);
    // A folder whose PID is live but belongs to a newer process (PID reuse) is stale.
    const reused = join(parent, `toolrisk-sandbox-${second.pid}-1-AbCdEf`);
    mkdirSync(reused);
    expect(await sweepStaleSandboxDirs(parent)).toEqual([reused]);

    await kill(second);
    expect(await survivors(mark, second.uid)).toEqual([]);
    expect(await sweepStaleSandboxDirs(parent)).toHaveLength(1);
    expect(readdirSync(parent).filter((entry) => entry.startsWith('toolrisk-sandbox-'))).toEqual([]);
  });

  it.skipIf(!isRoot)('as root, the sweep kills what still runs under a stale folder’s throwaway uid, and only that', async () => {
    const parent = folder('toolrisk-leftover-', 0o755);
    // What a dead crawler's server may leave: a process of its throwaway uid, its home/ in a folder of a dead
    // owner (the PID of this test's parent, with a start time it never had). Beside it the same under the uid of
    // an account (nobody), which the sweep must not touch.
    const left = (name: string, uid: number) => {
      const home = join(parent, `toolrisk-sandbox-${process.ppid}-1-${name}`, 'home');
      mkdirSync(home, { recursive: true });
      chownSync(home, uid, uid);
      const mark = newMark();
      const child = spawn('/bin/sleep', ['1000'], { uid, gid: uid, detached: true, stdio: 'ignore', env: { [RUN_MARK]: mark } });
      child.unref();
      return { mark, child };
    };
    const throwaway = left('Throwaway', 1_999_999_995);
    const account = left('Account', 65534);
    await Promise.all([throwaway, account].map(({ child }) => new Promise((resolve) => child.once('spawn', resolve))));

    expect(await sweepStaleSandboxDirs(parent)).toHaveLength(2);
    expect(await survivors(throwaway.mark, 1_999_999_995)).toEqual([]);
    expect(processesMarked(account.mark)).toEqual([account.child.pid]);
    account.child.kill('SIGKILL');
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
