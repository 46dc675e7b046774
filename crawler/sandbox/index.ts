import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import {
  bwrapArgs,
  createSandboxDir,
  findOnPath,
  prlimitArgs,
  probeBwrap,
  sandboxPath,
  type ResourceLimits,
  type SandboxDir,
} from './command.ts';
import { CrawlError } from '../errors.ts';
import { assertReachable, planBinds } from './binds.ts';
import { forcedIsolation, refusalWithoutSandbox, type UnsandboxedPolicy } from './policy.ts';
import { isWithin } from './readable.ts';
import { type InvalidLineError, LineFramer, MessageTooLargeError, StdoutGarbageError } from './line-framer.ts';
import { killAllOfUid, livingProcesses, pickThrowawayUid, signalGroup } from './processes.ts';
import { StderrCapture } from './stderr-capture.ts';

export { InvalidLineError, MessageTooLargeError, StdoutGarbageError } from './line-framer.ts';
export { listProcesses, livingProcesses, type ProcessInfo } from './processes.ts';
export { ISOLATION_ENV, isBundledServersFile, sandboxRefusal, UNSAFE_FLAG, type UnsandboxedPolicy } from './policy.ts';
export { scratchPathsOf, stdioView, type ServerView } from './readable.ts';
export { sweepStaleSandboxDirs } from './sweep.ts';

export interface SandboxLaunch {
  command: string;
  args: string[];
  /** The only variables the server sees besides PATH, HOME and TMPDIR: placeholders, never the crawler's own. */
  env: Record<string, string>;
  /** Working folder when it lies inside the server's code (readablePaths); otherwise a fresh folder inside the sandbox. */
  cwd?: string;
  /**
   * The server's own code (its package folder): under bwrap the only host paths it sees besides the system.
   * Never `/`, a top-level, shared or home folder, the data folder or the crawler's current folder: those are refused.
   */
  readablePaths?: string[];
  /** Path arguments: under bwrap each becomes an empty scratch folder (or empty file) at its path. */
  scratchPaths?: string[];
  allowNetwork?: boolean;
}

export interface SandboxLimits extends Partial<ResourceLimits> {
  /** A stdout line (one JSON-RPC message) longer than this fails the transport before it is held whole. */
  maxMessageBytes: number;
  maxStderrBytes?: number;
  /** Kill the server this long after start, whatever it is doing. */
  deadlineMs?: number;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

export type Isolation = 'bwrap' | 'none';

export interface SandboxOptions {
  /**
   * 'auto' uses bwrap when it works here; 'none' only cleans the environment and applies limits.
   * TOOLRISK_SANDBOX_ISOLATION=none in the environment forces 'none' (tests and CI of the unisolated path).
   */
  isolation?: 'auto' | Isolation;
  /** With 'auto' and no working bwrap: refuse to start the server (the default), or warn once and run it unisolated. */
  unsandboxed?: UnsandboxedPolicy;
  /** Parent of the per-server temporary folder. */
  tmpRoot?: string;
  /** Where the one-time "bwrap is unavailable" warning goes. */
  warn?: (message: string) => void;
  /** Picks the throwaway uid used when the crawler runs as root (a parameter so tests control it). */
  pickUid?: () => number;
}

export interface SandboxedProcess {
  transport: Transport;
  /** Captured stderr (head and tail, capped). */
  stderr(): string;
  /**
   * Why the server's stdio broke, if it did: the error that made the sandbox end it (message over
   * maxMessageBytes, deadline), else the non-protocol lines it wrote on stdout. Meant for explaining
   * a failed attempt; the MCP client itself only sees "connection closed" or a timeout.
   */
  failure(): Error | undefined;
  /** Ends the server and every process it started; resolves once none is left. */
  kill(): Promise<void>;
  /** The outermost process (bwrap or the server itself) once started; it leads the process group. */
  readonly pid: number | undefined;
  /** How the server was isolated, once started. */
  readonly isolation: Isolation | undefined;
  /** The uid the server runs as when the crawler is root (a fresh one per server), once started. */
  readonly uid: number | undefined;
}

export const DEFAULT_RESOURCE_LIMITS: ResourceLimits = {
  maxMemoryBytes: 1024 * 1024 * 1024,
  maxCpuSeconds: 120,
  maxOpenFiles: 512,
  maxProcesses: 256,
};
const DEFAULT_STDERR_BYTES = 64 * 1024;
const DEFAULT_KILL_GRACE_MS = 1000;
const SETTLE_TIMEOUT_MS = 5000;

const running = new Set<SandboxedTransport>();
const warned = new Set<string>();

function warnOnce(message: string, warn: (message: string) => void): void {
  if (warned.has(message)) return;
  warned.add(message);
  warn(message);
}

/** Every sandbox started in this process and not yet closed: for the crawler's signal handlers. */
export function runningSandboxes(): number {
  return running.size;
}

/** Kills every running sandbox (on SIGINT/SIGTERM of the crawler). */
export async function killAllSandboxes(): Promise<void> {
  await Promise.all([...running].map((sandbox) => sandbox.close()));
}

/** Synchronous last resort for process 'exit': SIGKILL every group and throwaway uid still alive. */
export function killAllSandboxesNow(): void {
  for (const sandbox of running) sandbox.killNow();
}

/**
 * Prepares a stdio MCP server to run sandboxed. Nothing starts until the MCP client calls
 * `transport.start()` (Client.connect does): then the server is spawned with a clean
 * environment, in its own process group, inside bwrap when it works here, under resource limits.
 */
export function launchSandboxed(launch: SandboxLaunch, limits: SandboxLimits, options: SandboxOptions = {}): SandboxedProcess {
  const transport = new SandboxedTransport(launch, limits, options);
  return {
    transport,
    stderr: () => transport.stderrText(),
    failure: () => transport.failure(),
    kill: () => transport.close(),
    get pid() {
      return transport.pid;
    },
    get isolation() {
      return transport.isolation;
    },
    get uid() {
      return transport.uid;
    },
  };
}

class SandboxedTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T) => void;

  pid: number | undefined;
  isolation: Isolation | undefined;
  uid: number | undefined;

  private child: ChildProcessWithoutNullStreams | undefined;
  private dir: SandboxDir | undefined;
  private readonly framer: LineFramer;
  private readonly stderr: StderrCapture;
  private deadline: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  private exited: Promise<void> | undefined;
  private started = false;
  private fatal: Error | undefined;
  private garbageLines = 0;
  private firstGarbage: InvalidLineError | undefined;

  constructor(
    private readonly launch: SandboxLaunch,
    private readonly limits: SandboxLimits,
    private readonly options: SandboxOptions,
  ) {
    this.framer = new LineFramer(limits.maxMessageBytes);
    this.stderr = new StderrCapture(limits.maxStderrBytes ?? DEFAULT_STDERR_BYTES);
  }

  stderrText(): string {
    return this.stderr.text();
  }

  failure(): Error | undefined {
    return this.fatal ?? (this.firstGarbage && new StdoutGarbageError(this.garbageLines, this.firstGarbage));
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('sandboxed transport already started');
    this.started = true;
    running.add(this);
    try {
      await this.spawnChild();
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  private async spawnChild(): Promise<void> {
    const { launch, limits, options } = this;
    const warn = options.warn ?? ((message: string) => process.stderr.write(`toolrisk: warning: ${message}\n`));
    // As root the server gets a throwaway uid of its own: no root privileges, a process limit the
    // kernel enforces, and a way to find and kill every process it left behind.
    this.uid = process.getuid?.() === 0 ? (options.pickUid ?? pickThrowawayUid)() : undefined;
    const dir = await createSandboxDir(options.tmpRoot ?? tmpdir(), this.uid);
    this.dir = dir;

    this.isolation = options.isolation === 'none' || forcedIsolation() === 'none' ? 'none' : 'bwrap';
    if (this.isolation === 'bwrap') {
      const probe = await probeBwrap(this.uid);
      if (!probe.ok) {
        if (options.isolation === 'bwrap' || forcedIsolation() === 'bwrap') throw new Error(`sandbox: ${probe.reason}`);
        if ((options.unsandboxed ?? 'refuse') === 'refuse') throw new CrawlError('refused_by_policy', refusalWithoutSandbox(probe.reason));
        warnOnce(`${probe.reason}; stdio servers run WITHOUT filesystem, network and PID isolation (clean environment and resource limits still apply)`, warn);
        this.isolation = 'none';
      }
    }
    const readable = launch.readablePaths ?? [];
    const binds = this.isolation === 'bwrap' ? await planBinds(readable, launch.scratchPaths ?? [], { uid: this.uid, sandboxRoot: dir.root }) : undefined;
    if (!binds) assertReachable(readable, this.uid);
    // The given working folder when the server's code is in or below it (under bwrap only the way to the code
    // and the code itself are there), else a fresh one.
    const cwd = launch.cwd !== undefined && readable.some((root) => isWithin(launch.cwd!, root) || isWithin(root, launch.cwd!)) ? launch.cwd : dir.work;

    const resources = { ...DEFAULT_RESOURCE_LIMITS, ...definedOnly(limits) };
    const prlimit = findOnPath('prlimit', sandboxPath());
    if (!prlimit) warnOnce('prlimit (util-linux) is not installed; stdio servers run without resource limits', warn);
    const limited = prlimit ? [prlimit, ...prlimitArgs(resources, this.uid !== undefined || this.isolation === 'bwrap')] : [];
    const argv =
      this.isolation === 'bwrap'
        ? [
            ...dieWithCrawler(),
            findOnPath('bwrap')!,
            ...bwrapArgs({ sandboxDir: dir.root, binds: binds!, allowNetwork: launch.allowNetwork ?? false, cwd }),
            '--',
            ...limited,
            launch.command,
            ...launch.args,
          ]
        : [...dieWithCrawler(), ...limited, launch.command, ...launch.args];

    const env = { ...launch.env, PATH: launch.env.PATH ?? sandboxPath(), HOME: dir.home, TMPDIR: dir.tmp };
    const child = spawn(argv[0], argv.slice(1), {
      env,
      cwd: this.isolation === 'bwrap' ? dir.root : cwd,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      uid: this.uid,
      gid: this.uid,
    });
    this.child = child;
    // 'error' instead of 'close' when the process could not be started at all.
    this.exited = new Promise((resolve) => {
      child.once('close', () => resolve());
      child.once('error', () => resolve());
    });

    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    this.pid = child.pid;
    child.on('error', (error) => this.onerror?.(error));
    child.stdin.on('error', (error) => this.onerror?.(error));
    child.stderr.on('data', (chunk: Buffer) => this.stderr.append(chunk));
    child.stdout.on('data', (chunk: Buffer) => this.read(chunk));
    child.once('close', () => void this.close());
    if (limits.deadlineMs !== undefined) {
      this.deadline = setTimeout(
        () => this.fail(new Error(`server still running after its ${limits.deadlineMs} ms deadline; it and its processes were killed`)),
        limits.deadlineMs,
      );
      this.deadline.unref();
    }
  }

  private read(chunk: Buffer): void {
    if (this.closing) return;
    try {
      this.framer.push(
        chunk,
        (message) => this.onmessage?.(message),
        (error) => {
          this.garbageLines += 1;
          this.firstGarbage ??= error;
          this.onerror?.(error);
        },
      );
    } catch (error) {
      if (!(error instanceof MessageTooLargeError)) throw error;
      this.fail(error);
    }
  }

  private fail(error: Error): void {
    if (this.closing) return;
    this.fatal = error;
    this.onerror?.(error);
    void this.close();
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.closing || !stdin.writable) return Promise.reject(new Error('Not connected'));
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once('drain', resolve);
    });
  }

  close(): Promise<void> {
    this.closing ??= this.terminate().finally(() => {
      running.delete(this);
      this.onclose?.();
    });
    return this.closing;
  }

  private async terminate(): Promise<void> {
    clearTimeout(this.deadline);
    this.framer.clear();
    const child = this.child;
    if (child) {
      child.stdin.end();
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      // Even when the server itself has exited, processes it started may live on in its group.
      signalGroup(child.pid!, 'SIGTERM');
      await Promise.race([this.exited, sleep(this.limits.killGraceMs ?? DEFAULT_KILL_GRACE_MS)]);
      this.killNow();
      // A process in uninterruptible sleep can outlast SIGKILL for a while: never wait on it forever.
      await Promise.race([this.exited, sleep(SETTLE_TIMEOUT_MS)]);
      await this.waitUntilGone();
    }
    if (this.dir) await rm(this.dir.root, { recursive: true, force: true }).catch(() => undefined);
  }

  /** SIGKILL to the group and, as root, to everything the throwaway uid owns. Synchronous. */
  killNow(): void {
    if (this.child?.pid) signalGroup(this.child.pid, 'SIGKILL');
    if (this.uid !== undefined) killAllOfUid(this.uid);
  }

  private async waitUntilGone(): Promise<void> {
    const match = { pgid: this.child?.pid, uid: this.uid };
    const until = Date.now() + SETTLE_TIMEOUT_MS;
    while (livingProcesses(match).length > 0 && Date.now() < until) {
      this.killNow();
      await sleep(20);
    }
  }
}

/**
 * The outermost process gets SIGKILL when the crawler dies, even by SIGKILL (setpriv, util-linux). bwrap's
 * own --die-with-parent only ties the sandbox to bwrap, not bwrap to the crawler.
 */
function dieWithCrawler(): string[] {
  const setpriv = findOnPath('setpriv', sandboxPath());
  return setpriv ? [setpriv, '--pdeathsig', 'KILL', '--'] : [];
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
