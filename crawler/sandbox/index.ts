import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Isolation, SandboxLaunch, SandboxLimits, SandboxOptions } from './launch-plan.ts';
import { running, SandboxedTransport } from './transport.ts';

export { DEFAULT_RESOURCE_LIMITS, type Isolation, type SandboxLaunch, type SandboxLimits, type SandboxOptions } from './launch-plan.ts';
export { InvalidLineError, MessageTooLargeError, StdoutGarbageError } from './line-framer.ts';
export { listProcesses, livingProcesses, type ProcessInfo } from './processes.ts';
export { ISOLATION_ENV, isBundledServersFile, sandboxRefusal, UNSAFE_FLAG, type UnsandboxedPolicy } from './policy.ts';
export { scratchPathsOf, stdioView, type ServerView } from './readable.ts';
export { sweepStaleSandboxDirs } from './sweep.ts';

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
