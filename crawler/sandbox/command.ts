import { spawn } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import type { BindPlan } from './binds.ts';
import { forcedIsolation, ISOLATION_ENV } from './policy.ts';
import { ownerTag, SANDBOX_PREFIX, sweepOnce } from './sweep.ts';

export interface ResourceLimits {
  maxMemoryBytes: number;
  maxCpuSeconds: number;
  maxOpenFiles: number;
  /** Counts threads too (RLIMIT_NPROC): a Node server alone uses about a dozen. */
  maxProcesses: number;
}

export interface BwrapLayout {
  /** The sandbox's own folder (HOME, working folder, TMPDIR live inside): the only writable path. */
  sandboxDir: string;
  binds: BindPlan;
  allowNetwork: boolean;
  cwd: string;
}

const NO_BINDS: BindPlan = { scratchDirs: [], scratchFiles: [], binds: [], masks: [] };

/** Where a sandboxed command ends up (PATH entries outside the sandbox simply do not exist in it). */
export function sandboxPath(inheritedPath = process.env.PATH): string {
  const entries = (inheritedPath ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter).filter(Boolean);
  const nodeDir = dirname(process.execPath);
  return (entries.includes(nodeDir) ? entries : [nodeDir, ...entries]).join(delimiter);
}

export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * `countsOwnProcesses`: the kernel counts RLIMIT_NPROC per user (per user namespace), so the process
 * limit is only meaningful when the server has a uid or a user namespace of its own; on a shared uid it
 * would count every process of the crawler's user and could stop the server from starting at all.
 */
export function prlimitArgs(limits: ResourceLimits, countsOwnProcesses: boolean): string[] {
  return [
    `--data=${limits.maxMemoryBytes}`,
    `--cpu=${limits.maxCpuSeconds}`,
    `--nofile=${limits.maxOpenFiles}`,
    ...(countsOwnProcesses ? [`--nproc=${limits.maxProcesses}`] : []),
    '--core=0',
    '--',
  ];
}

/**
 * `unshare` making the rest of the command line the first process of a new PID namespace (in a user namespace
 * of its own, so no privilege is needed) that gets SIGKILL when unshare dies. Undefined without unshare.
 */
export function pidNamespaceArgs(): string[] | undefined {
  const unshare = findOnPath('unshare', sandboxPath());
  return unshare ? [unshare, '--user', '--map-current-user', '--pid', '--kill-child', '--'] : undefined;
}

const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];
// Enough of /etc for name resolution, TLS and shared libraries; not the rest (no shadow, no host config).
const ETC_FILES = [
  '/etc/alternatives',
  '/etc/ssl',
  '/etc/ca-certificates',
  '/etc/pki',
  '/etc/resolv.conf',
  '/etc/hosts',
  '/etc/nsswitch.conf',
  '/etc/gai.conf',
  '/etc/host.conf',
  '/etc/services',
  '/etc/protocols',
  '/etc/passwd',
  '/etc/group',
  '/etc/localtime',
  '/etc/ld.so.cache',
  '/etc/ld.so.conf',
  '/etc/ld.so.conf.d',
  '/etc/mime.types',
];

/**
 * bwrap arguments: a read-only system, a private /tmp, /run and /var/run (no host socket), /proc and /dev of
 * its own, empty stand-ins for path arguments, the server's code read-only with any socket in it covered,
 * its own folder writable, every namespace unshared (network only unless allowed), killed with its parent,
 * no controlling terminal.
 */
export function bwrapArgs(layout: BwrapLayout): string[] {
  const args = ['--unshare-all', ...(layout.allowNetwork ? ['--share-net'] : []), '--die-with-parent', '--new-session', '--cap-drop', 'ALL'];
  for (const dir of SYSTEM_DIRS) {
    if (!existsSync(dir)) continue;
    if (lstatSync(dir).isSymbolicLink()) args.push('--symlink', readlinkSync(dir), dir);
    else args.push('--ro-bind', dir, dir);
  }
  for (const file of ETC_FILES) args.push('--ro-bind-try', file, file);
  const nodePrefix = dirname(dirname(realpathSync(process.execPath)));
  if (!nodePrefix.startsWith('/usr')) args.push('--ro-bind', nodePrefix, nodePrefix);
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--tmpfs', '/run', '--tmpfs', '/var/run');
  const { scratchDirs, scratchFiles, binds, masks } = layout.binds;
  for (const dir of scratchDirs) args.push('--tmpfs', dir);
  for (const { source, dest } of [...scratchFiles, ...binds]) args.push('--ro-bind', source, dest);
  for (const socket of masks) args.push('--ro-bind', '/dev/null', socket);
  args.push('--bind', layout.sandboxDir, layout.sandboxDir, '--chdir', layout.cwd);
  return args;
}

export interface SandboxDir {
  root: string;
  home: string;
  work: string;
  tmp: string;
}

/**
 * A fresh folder with home/, work/ and tmp/ (owned by `uid` when the sandbox runs as another user; the folder
 * itself stays the crawler's). Its name carries this process's PID and start time, so that folders of a
 * crawler killed with SIGKILL are found and removed by the next one (sweepStaleSandboxDirs).
 */
export async function createSandboxDir(parent: string, uid: number | undefined): Promise<SandboxDir> {
  await sweepOnce(parent);
  const root = await mkdtemp(join(parent, `${SANDBOX_PREFIX}${ownerTag(process.pid)}-`));
  if (uid !== undefined) await chmod(root, 0o711);
  const dir = { root, home: join(root, 'home'), work: join(root, 'work'), tmp: join(root, 'tmp') };
  for (const sub of [dir.home, dir.work, dir.tmp]) await mkdir(sub, { mode: 0o700 });
  if (uid !== undefined) for (const path of [dir.home, dir.work, dir.tmp]) await chown(path, uid, uid);
  return dir;
}

export type BwrapProbe = { ok: true; ownPidNamespace: boolean } | { ok: false; reason: string };
const probes = new Map<string, Promise<BwrapProbe>>();

/**
 * Whether bwrap exists and can create its namespaces here, as the given uid, and whether it also can inside a
 * PID namespace of its own (pidNamespaceArgs: what kills it with the crawler, see lifetime.ts): tested once per
 * process for each PATH, isolation switch and uid (the things the answer depends on).
 */
export function probeBwrap(uid: number | undefined): Promise<BwrapProbe> {
  const key = `${process.env.PATH}\0${forcedIsolation()}\0${uid}`;
  let probe = probes.get(key);
  if (probe) return probe;
  probe = (async (): Promise<BwrapProbe> => {
    if (forcedIsolation() === 'none') return { ok: false, reason: `bwrap is switched off (${ISOLATION_ENV}=none)` };
    const bwrap = findOnPath('bwrap');
    if (!bwrap) return { ok: false, reason: 'bwrap is not installed (Debian/Ubuntu package "bubblewrap")' };
    const dir = await createSandboxDir(tmpdir(), uid);
    try {
      const argv = [bwrap, ...bwrapArgs({ sandboxDir: dir.root, binds: NO_BINDS, allowNetwork: false, cwd: dir.work }), '--', 'true'];
      const inNamespace = pidNamespaceArgs();
      if (inNamespace && (await runAs([...inNamespace, ...argv], uid)).code === 0) return { ok: true, ownPidNamespace: true };
      const result = await runAs(argv, uid);
      return result.code === 0
        ? { ok: true, ownPidNamespace: false }
        : { ok: false, reason: `bwrap cannot create its namespaces here: ${result.stderr.trim() || `exit ${result.code}`}` };
    } finally {
      await rm(dir.root, { recursive: true, force: true });
    }
  })();
  probes.set(key, probe);
  return probe;
}

function runAs([command, ...args]: string[], uid: number | undefined): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: sandboxPath() }, uid, gid: uid });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', (error) => resolve({ code: -1, stderr: error.message }));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}
