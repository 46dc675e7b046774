import { CrawlError } from '../errors.ts';
import { assertReachable, planBinds } from './binds.ts';
import { bwrapArgs, findOnPath, prlimitArgs, probeBwrap, sandboxPath, type ResourceLimits, type SandboxDir } from './command.ts';
import { dieWithCrawler } from './lifetime.ts';
import { forcedIsolation, refusalWithoutSandbox, type UnsandboxedPolicy } from './policy.ts';
import { isWithin } from './readable.ts';

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

export const DEFAULT_RESOURCE_LIMITS: ResourceLimits = {
  maxMemoryBytes: 1024 * 1024 * 1024,
  maxCpuSeconds: 120,
  // Node's ESM loader opens a large package's modules concurrently: 512 failed real servers with EMFILE.
  maxOpenFiles: 4096,
  maxProcesses: 256,
};
const warned = new Set<string>();

function warnOnce(message: string, warn: (message: string) => void): void {
  if (warned.has(message)) return;
  warned.add(message);
  warn(message);
}

/** How a server is started: its isolation, the whole command line (bwrap, limits, the server) and its working folder. */
export interface LaunchPlan {
  isolation: Isolation;
  argv: string[];
  /** The server's working folder, as the server sees it. */
  cwd: string;
  /**
   * The first signal for the process group when the server is stopped: SIGKILL when bwrap runs in a PID
   * namespace of its own (unshare blocks SIGTERM and that namespace's first process ignores it; bwrap's
   * sandbox, in a session of its own, never got the group's signals anyway), else SIGTERM.
   */
  stopSignal: 'SIGTERM' | 'SIGKILL';
}

/**
 * Decides how a server runs: inside bwrap when it works here (else refused, or unisolated with a warning),
 * which host paths it sees, its working folder, and the resource limits and parent-death signal around it.
 */
export async function planLaunch(
  launch: SandboxLaunch,
  limits: SandboxLimits,
  options: SandboxOptions,
  { uid, dir }: { uid: number | undefined; dir: SandboxDir },
): Promise<LaunchPlan> {
  const warn = options.warn ?? ((message: string) => process.stderr.write(`toolrisk: warning: ${message}\n`));
  let isolation: Isolation = options.isolation === 'none' || forcedIsolation() === 'none' ? 'none' : 'bwrap';
  let ownPidNamespace = false;
  if (isolation === 'bwrap') {
    const probe = await probeBwrap(uid);
    if (probe.ok) ownPidNamespace = probe.ownPidNamespace;
    else {
      if (options.isolation === 'bwrap' || forcedIsolation() === 'bwrap') throw new Error(`sandbox: ${probe.reason}`);
      if ((options.unsandboxed ?? 'refuse') === 'refuse') throw new CrawlError('refused_by_policy', refusalWithoutSandbox(probe.reason));
      warnOnce(`${probe.reason}; stdio servers run WITHOUT filesystem, network and PID isolation (clean environment and resource limits still apply)`, warn);
      isolation = 'none';
    }
  }
  const readable = launch.readablePaths ?? [];
  const binds = isolation === 'bwrap' ? await planBinds(readable, launch.scratchPaths ?? [], { uid, sandboxRoot: dir.root }) : undefined;
  if (!binds) assertReachable(readable, uid);
  // The given working folder when the server's code is in or below it (under bwrap only the way to the code
  // and the code itself are there), else a fresh one.
  const cwd = launch.cwd !== undefined && readable.some((root) => isWithin(launch.cwd!, root) || isWithin(root, launch.cwd!)) ? launch.cwd : dir.work;

  const resources = { ...DEFAULT_RESOURCE_LIMITS, ...definedOnly(limits) };
  const prlimit = findOnPath('prlimit', sandboxPath());
  if (!prlimit) warnOnce('prlimit (util-linux) is not installed; stdio servers run without resource limits', warn);
  const limited = prlimit ? [prlimit, ...prlimitArgs(resources, uid !== undefined || isolation === 'bwrap')] : [];
  const argv =
    isolation === 'bwrap'
      ? [
          ...dieWithCrawler(launch.env, ownPidNamespace),
          findOnPath('bwrap')!,
          ...bwrapArgs({ sandboxDir: dir.root, binds: binds!, allowNetwork: launch.allowNetwork ?? false, cwd }),
          '--',
          ...limited,
          launch.command,
          ...launch.args,
        ]
      : [...dieWithCrawler(launch.env, false), ...limited, launch.command, ...launch.args];

  return { isolation, argv, cwd, stopSignal: ownPidNamespace ? 'SIGKILL' : 'SIGTERM' };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
