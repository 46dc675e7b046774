import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { createSandboxDir, sandboxPath, type SandboxDir } from './command.ts';
import { type Isolation, planLaunch, type SandboxLaunch, type SandboxLimits, type SandboxOptions } from './launch-plan.ts';
import { type InvalidLineError, LineFramer, MessageTooLargeError, StdoutGarbageError } from './line-framer.ts';
import { killAllOfUid, livingProcesses, pickThrowawayUid, signalGroup } from './processes.ts';
import { StderrCapture } from './stderr-capture.ts';

const DEFAULT_STDERR_BYTES = 64 * 1024;
const DEFAULT_KILL_GRACE_MS = 1000;
const SETTLE_TIMEOUT_MS = 5000;

/** Every sandbox started in this process and not yet closed. */
export const running = new Set<SandboxedTransport>();

/**
 * A stdio MCP server in its sandbox, as the MCP client's transport: spawned at start(), its stdout framed
 * into JSON-RPC messages, its stderr captured, ended (with every process it started) at close().
 */
export class SandboxedTransport implements Transport {
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
  private stopSignal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM';
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
    // As root the server gets a throwaway uid of its own: no root privileges, a process limit the
    // kernel enforces, and a way to find and kill every process it left behind.
    this.uid = process.getuid?.() === 0 ? (options.pickUid ?? pickThrowawayUid)() : undefined;
    const dir = await createSandboxDir(options.tmpRoot ?? tmpdir(), this.uid);
    this.dir = dir;
    const { isolation, argv, cwd, stopSignal } = await planLaunch(launch, limits, options, { uid: this.uid, dir });
    this.isolation = isolation;
    this.stopSignal = stopSignal;

    // Closed while it was being prepared (its attempt was cut, e.g. by a full disk or a signal): a server
    // spawned now would outlive the attempt, and keep the crawler from exiting.
    if (this.closing) {
      await rm(dir.root, { recursive: true, force: true }).catch(() => undefined);
      throw new Error('sandbox: closed before the server started');
    }
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
      signalGroup(child.pid!, this.stopSignal);
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
