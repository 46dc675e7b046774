import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchSandboxed, livingProcesses, MessageTooLargeError, type SandboxLimits, type SandboxOptions } from '../../crawler/sandbox/index.ts';
import { pidNamespaceArgs, probeBwrap } from '../../crawler/sandbox/command.ts';
import { unlessOrphaned, unlessOrphanedInNamespace } from '../../crawler/sandbox/lifetime.ts';
import { compiledFixture } from '../helpers/fixtures.ts';
import { processesMarked } from './cases.ts';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/hostile');
const server = join(fixtures, 'stdio-server.mjs');
const limits: SandboxLimits = { maxMessageBytes: 1024 * 1024, deadlineMs: 20_000 };
const probe = await probeBwrap(process.getuid?.() === 0 ? 1_999_999_999 : undefined);
const bwrapWorks = probe.ok;

function launch(
  mode: string,
  extra: { argument?: string; env?: Record<string, string>; allowNetwork?: boolean } = {},
  options: SandboxOptions = {},
  overrides: Partial<SandboxLimits> = {},
) {
  return launchSandboxed(
    {
      command: process.execPath,
      args: [server, mode, ...(extra.argument ? [extra.argument] : [])],
      env: extra.env ?? {},
      readablePaths: [fixtures],
      allowNetwork: extra.allowNetwork,
    },
    { ...limits, ...overrides },
    { warn: () => {}, ...options },
  );
}

async function listWith(sandbox: ReturnType<typeof launch>) {
  const client = new Client({ name: 'sandbox-test', version: '1' });
  try {
    await client.connect(sandbox.transport);
    return await client.listTools();
  } finally {
    await client.close().catch(() => undefined);
    await sandbox.kill();
  }
}

function nothingLeft(sandbox: ReturnType<typeof launch>) {
  return livingProcesses({ pgid: sandbox.pid, uid: sandbox.uid });
}

describe.each(['auto', 'none'] as const)('launchSandboxed (isolation %s)', (isolation) => {
  const options: SandboxOptions = { isolation };
  const isolated = isolation === 'auto' && bwrapWorks;

  it('runs a real stdio MCP server and leaves no process behind', async () => {
    const sandbox = launch('ok', {}, options);
    const { tools } = await listWith(sandbox);
    expect(tools.map((t) => t.name)).toEqual(['read_thing', 'delete_thing']);
    expect(sandbox.isolation).toBe(isolated ? 'bwrap' : 'none');
    expect(sandbox.pid).toBeGreaterThan(0);
    expect(nothingLeft(sandbox)).toEqual([]);
  });

  it('gives the server a clean environment: no inherited variable crosses, placeholders do', async () => {
    process.env.TOOLRISK_FAKE_SECRET = 'sk-live-do-not-leak-4242';
    try {
      const sandbox = launch('print-env', { env: { API_KEY: '<placeholder:API_KEY>' } }, options);
      const { tools } = await listWith(sandbox);
      const env = JSON.parse(tools[0].description!.replace('My environment: ', ''));
      // bwrap adds PWD for its --chdir; nothing else may appear.
      expect(
        Object.keys(env)
          .filter((k) => k !== 'PWD')
          .sort(),
      ).toEqual(['API_KEY', 'HOME', 'PATH', 'TMPDIR']);
      expect(env.API_KEY).toBe('<placeholder:API_KEY>');
      expect(env.HOME).toMatch(/toolrisk-sandbox-/);
      expect(JSON.stringify(tools) + sandbox.stderr()).not.toContain('sk-live-do-not-leak-4242');
    } finally {
      delete process.env.TOOLRISK_FAKE_SECRET;
    }
  });

  it('fails the transport on a message over maxMessageBytes without buffering it', async () => {
    const sandbox = launch('huge-description', { argument: String(8 * 1024 * 1024) }, options);
    const client = new Client({ name: 'sandbox-test', version: '1' });
    const errors: Error[] = [];
    client.onerror = (error) => errors.push(error);
    await client.connect(sandbox.transport);
    await expect(client.listTools()).rejects.toThrow(/Connection closed/);
    expect(errors.some((e) => e instanceof MessageTooLargeError)).toBe(true);
    expect(errors.find((e) => e instanceof MessageTooLargeError)!.message).toMatch(/larger than 1048576 bytes/);
    await sandbox.kill();
    expect(nothingLeft(sandbox)).toEqual([]);
  });

  it('kills a server that hangs at its deadline', async () => {
    const sandbox = launch('hang-initialize', {}, options, { deadlineMs: 500 });
    const errors: Error[] = [];
    const client = new Client({ name: 'sandbox-test', version: '1' });
    client.onerror = (error) => errors.push(error);
    const started = Date.now();
    await expect(client.connect(sandbox.transport)).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(errors.map((e) => e.message).join('\n')).toMatch(/500 ms deadline/);
    await sandbox.kill();
    expect(nothingLeft(sandbox)).toEqual([]);
  });

  it('kills a child that left the process group (setsid) with the server', async () => {
    const sandbox = launch('orphan-child', {}, options);
    const { tools } = await listWith(sandbox);
    const orphan = Number(/Left a child behind: (\d+)/.exec(tools[0].description!)![1]);
    // Inside bwrap the pid is one of its own PID namespace, gone with it; outside it is a real pid.
    if (!isolated) expect(livingProcesses({}).some((p) => p.pid === orphan)).toBe(false);
    expect(nothingLeft(sandbox)).toEqual([]);
  });

  it('dies with the crawler, even when the crawler is killed with SIGKILL', async () => {
    const mark = randomUUID();
    const holder = spawn(process.execPath, [compiledFixture('test/hostile/sandbox-holder.ts'), isolation, mark], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => holder.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('started') && resolve()));
    // Wait until the server itself runs: this is the steady state (a crawler killed while the sandbox
    // starts is sandbox-folders.test.ts's).
    const isServer = (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sleep';
      } catch {
        return false;
      }
    };
    while (!processesMarked(mark).some(isServer)) await new Promise((r) => setTimeout(r, 20));
    holder.kill('SIGKILL');
    const until = Date.now() + 5000;
    while (processesMarked(mark).length > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    // bwrap: unshare's PID namespace around it; without bwrap: setpriv --pdeathsig (the server only, not
    // processes it started: those need a live crawler's group and uid kill, or the next crawler's sweep).
    expect(processesMarked(mark)).toEqual([]);
  });

  it('applies resource limits and captures stderr, capped', async () => {
    const sandbox = launchSandboxed(
      { command: '/bin/sh', args: ['-c', 'cat /proc/self/limits >&2; head -c 100000 /dev/zero | tr "\\0" x >&2; echo "the end" >&2; sleep 30'], env: {} },
      { maxMessageBytes: 1024, maxStderrBytes: 4096, maxOpenFiles: 64, maxMemoryBytes: 512 * 1024 * 1024, maxCpuSeconds: 7, maxProcesses: 100 },
      { warn: () => {}, ...options },
    );
    await sandbox.transport.start();
    const until = Date.now() + 5000;
    while (!sandbox.stderr().includes('the end') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await sandbox.kill();
    const stderr = sandbox.stderr();
    expect(stderr.length).toBeLessThan(4096 + 100);
    expect(stderr).toMatch(/bytes of stderr dropped/);
    expect(stderr).toContain('the end');
    expect(stderr).toMatch(/Max open files\s+64\s+64/);
    expect(stderr).toMatch(/Max cpu time\s+7\s+7/);
    expect(stderr).toMatch(/Max data size\s+536870912\s+536870912/);
    // As root the server has a uid of its own, so the kernel's process count is its own.
    if (process.getuid?.() === 0) expect(stderr).toMatch(/Max processes\s+100\s+100/);
    expect(nothingLeft(sandbox)).toEqual([]);
  });
});

describe.skipIf(!bwrapWorks)('inside bwrap', () => {
  let listener: Server;
  let port: number;
  let connections = 0;
  beforeAll(async () => {
    listener = createServer((socket) => (connections++, socket.destroy()));
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    port = (listener.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => listener.close(() => resolve())));

  it('has no network unless allowed', async () => {
    const before = connections;
    const denied = await listWith(launch('network-during-listing', { argument: String(port) }));
    expect(denied.tools[0].description).toMatch(/TCP attempt: refused/);
    expect(connections).toBe(before);
    const allowed = await listWith(launch('network-during-listing', { argument: String(port), allowNetwork: true }));
    expect(allowed.tools[0].description).toBe('TCP attempt: connected');
    expect(connections).toBe(before + 1);
  });

  it('cannot write to the real home folder or the real /tmp, only its own folder', async () => {
    const { tools } = await listWith(launch('escape-fs', { argument: '/root' }));
    const text = tools[0].description!;
    const attempts = JSON.parse(/Attempts: (\{.*\}) marker=/.exec(text)![1]);
    const marker = /marker=(\S+)/.exec(text)![1];
    expect(attempts.realHome).toMatch(/^refused/);
    expect(attempts.ownHome).toBe('ok: wrote');
    expect(existsSync(join('/root', marker))).toBe(false);
    expect(existsSync(join('/tmp', marker))).toBe(false);
  });
});

describe.skipIf(process.getuid?.() !== 0)('as an ordinary user', () => {
  it('runs servers with the crawler’s uid, and limits processes only where it can count them alone (bwrap)', async () => {
    const probe = compiledFixture('test/hostile/non-root-probe.ts');
    const { stdout } = await promisify(execFile)('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, probe], {
      env: { PATH: process.env.PATH, HOME: '/tmp' },
      cwd: dirname(fileURLToPath(import.meta.url)),
      timeout: 60_000,
    });
    const report = JSON.parse(stdout.trim().split('\n').pop()!);
    const expected = (isolation: string, maxProcesses: RegExp) => ({
      isolation,
      serverUid: null,
      tools: ['read_thing', 'delete_thing'],
      left: 0,
      maxProcesses: expect.stringMatching(maxProcesses),
    });
    expect(report.uid).toBe(65534);
    if (bwrapWorks) expect(report.auto).toEqual(expected('bwrap', /^100$/));
    expect(report.none).toEqual(expected('none', /^(?!100$)/));
  });
});

describe('a server whose crawler died before the parent-death signal was set', () => {
  type Outcome = { code: number; stdout: string };
  const outcome = (child: ReturnType<typeof spawn>) =>
    new Promise<Outcome>((resolve) => {
      let stdout = '';
      child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.once('close', (code) => resolve({ code: code ?? -1, stdout }));
    });
  const run = (parentPid: number, env: Record<string, string> = {}) => {
    const [shell, ...args] = unlessOrphaned(parentPid, env.PWD);
    return outcome(spawn(shell, [...args, '/usr/bin/env'], { env, stdio: ['ignore', 'pipe', 'inherit'] }));
  };

  it('starts the server while its crawler lives', async () => {
    expect(await run(process.pid, { A: '1' })).toEqual({ code: 0, stdout: 'A=1\n' });
    // The check's shell adds nothing to the server's environment, and keeps what it was given.
    expect(await run(process.pid, { PWD: '/somewhere' })).toEqual({ code: 0, stdout: 'PWD=/somewhere\n' });
  });

  it('does not start it once the crawler is gone (the parent is someone else)', async () => {
    expect(await run(process.ppid, { A: '1' })).toEqual({ code: 137, stdout: '' });
  });

  describe.skipIf(!(probe.ok && probe.ownPidNamespace))('in a PID namespace of its own (unshare)', () => {
    // unshare is spawned as the transport spawns it, leading its own process group (detached).
    const runInNamespace = (parentPid: number, env: Record<string, string>, detached = true) => {
      const [shell, ...args] = unlessOrphanedInNamespace(parentPid, env.PWD);
      const [unshare, ...unshareArgs] = pidNamespaceArgs()!;
      return outcome(spawn(unshare, [...unshareArgs, shell, ...args, '/usr/bin/env'], { env, detached, stdio: ['ignore', 'pipe', 'inherit'] }));
    };

    it('starts the server while unshare and, above it, the crawler live', async () => {
      expect(await runInNamespace(process.pid, { A: '1' })).toEqual({ code: 0, stdout: 'A=1\n' });
      expect(await runInNamespace(process.pid, { PWD: '/somewhere' })).toEqual({ code: 0, stdout: 'PWD=/somewhere\n' });
    });

    it('does not start it when unshare’s parent is not the crawler, or its own parent is not unshare', async () => {
      expect(await runInNamespace(process.ppid, { A: '1' })).toEqual({ code: 137, stdout: '' });
      // Not detached: unshare is not the leader of the group, so the shell's parent cannot be shown to be it.
      expect(await runInNamespace(process.pid, { A: '1' }, false)).toEqual({ code: 137, stdout: '' });
    });
  });
});
