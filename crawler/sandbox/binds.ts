import { lstatSync, readdirSync, statSync } from 'node:fs';
import { chmod, cp, lstat, mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CrawlError } from '../errors.ts';
import { offLimitsPaths, unbindableReason } from './readable.ts';

/** How the host's paths appear inside bwrap, in mount order. */
export interface BindPlan {
  /** Empty writable folders mounted where a directory argument was. */
  scratchDirs: string[];
  /** Path arguments that are files: an empty read-only file in their place. */
  scratchFiles: Array<{ source: string; dest: string }>;
  /** Read-only binds of the server's code (source differs from dest when a copy is bound). */
  binds: Array<{ source: string; dest: string }>;
  /** Unix sockets inside bound folders: /dev/null is bound over each, so no host service is reachable. */
  masks: string[];
}

/** A copy of code the sandbox's user cannot reach stays below these, or the launch is refused. */
const MAX_COPY_BYTES = 256 * 1024 * 1024;
const MAX_COPY_ENTRIES = 50_000;
/** A bound folder is searched for sockets; one with more entries than this is refused rather than half-checked. */
const MAX_SCANNED_ENTRIES = 300_000;

function refuse(message: string): CrawlError {
  return new CrawlError('refused_by_policy', message);
}

/**
 * Checks every path the server may read and plans the mounts: a path that must never be bound is refused; code
 * the throwaway uid cannot reach (inside a 0700 folder such as /root) is copied into the sandbox's own folder and
 * bound at its original path; every unix socket inside is covered.
 */
export async function planBinds(
  readablePaths: readonly string[],
  scratchPaths: readonly string[],
  options: { uid: number | undefined; sandboxRoot: string },
): Promise<BindPlan> {
  const offLimits = offLimitsPaths();
  const plan: BindPlan = { scratchDirs: [], scratchFiles: [], binds: [], masks: [] };
  for (const [index, dest] of readablePaths.entries()) {
    const reason = unbindableReason(dest, offLimits);
    if (reason) throw refuse(`The sandbox will not show ${dest} to the server: ${reason}.`);
    let source = dest;
    const blocked = options.uid === undefined ? undefined : unreachableAncestor(dest);
    if (blocked) {
      source = path.join(options.sandboxRoot, 'code', String(index));
      await copyReadable(dest, source, blocked);
    }
    plan.binds.push({ source, dest });
    plan.masks.push(...socketsUnder(source).map((socket) => path.join(dest, path.relative(source, socket))));
  }
  const empty = path.join(options.sandboxRoot, 'empty');
  for (const scratch of scratchPaths) {
    if (scratch === '/') continue;
    if (statSync(scratch).isDirectory()) plan.scratchDirs.push(scratch);
    else {
      if (plan.scratchFiles.length === 0) await writeFile(empty, '', { mode: 0o444 });
      plan.scratchFiles.push({ source: empty, dest: scratch });
    }
  }
  const byDepth = (a: string, b: string) => a.split('/').length - b.split('/').length;
  plan.scratchDirs.sort(byDepth);
  return plan;
}

/**
 * Without bwrap the server reads the code at its real path: refuse, with the reason, when the throwaway uid
 * cannot reach it (bwrap would bind a copy instead).
 */
export function assertReachable(paths: readonly string[], uid: number | undefined): void {
  if (uid === undefined) return;
  for (const target of paths) {
    const blocked = unreachableAncestor(target);
    if (blocked) {
      throw refuse(
        `The server's code at ${target} is inside ${blocked}, which its throwaway user cannot enter (mode ${modeOf(blocked)}), and without bwrap ` +
          'it cannot be given a copy at the same path: move the code to a folder other users can read (such as /opt or /srv), or install bubblewrap (apt-get install bubblewrap).',
      );
    }
  }
}

/** The first folder on the way to `target` (or `target` itself) that a user who is neither owner nor group cannot pass. */
function unreachableAncestor(target: string): string | undefined {
  const parts = path.resolve(target).split(path.sep).filter(Boolean);
  for (let depth = 0; depth <= parts.length; depth++) {
    const dir = `/${parts.slice(0, depth).join('/')}`;
    const stat = statSync(dir);
    const needed = stat.isDirectory() ? (depth === parts.length ? 0o005 : 0o001) : 0o004;
    if ((stat.mode & needed) !== needed) return dir;
  }
  return undefined;
}

function modeOf(file: string): string {
  return `0${(statSync(file).mode & 0o777).toString(8)}`;
}

/** Copies code into the sandbox's folder, readable by everyone, without sockets, devices or FIFOs; capped in size. */
async function copyReadable(source: string, dest: string, blocked: string): Promise<void> {
  let bytes = 0;
  let entries = 0;
  const tooBig = () =>
    refuse(
      `The server's code at ${source} is inside ${blocked} (mode ${modeOf(blocked)}), which the sandbox's throwaway user cannot enter, and it is too large ` +
        `to copy into the sandbox (over ${MAX_COPY_BYTES / 1024 / 1024} MB or ${MAX_COPY_ENTRIES} files): move it to a folder other users can read (such as /opt or /srv).`,
    );
  await mkdir(path.dirname(dest), { recursive: true, mode: 0o755 });
  await cp(source, dest, {
    recursive: true,
    verbatimSymlinks: true,
    filter: async (from) => {
      const stat = await lstat(from);
      entries += 1;
      bytes += stat.isFile() ? stat.size : 0;
      if (entries > MAX_COPY_ENTRIES || bytes > MAX_COPY_BYTES) throw tooBig();
      return stat.isFile() || stat.isDirectory() || stat.isSymbolicLink();
    },
  });
  await makeReadable(dest);
}

async function makeReadable(target: string): Promise<void> {
  const stat = await lstat(target);
  if (stat.isSymbolicLink()) return;
  await chmod(target, stat.isDirectory() ? 0o755 : stat.mode & 0o111 ? 0o755 : 0o644);
  if (stat.isDirectory()) for (const entry of await readdir(target)) await makeReadable(path.join(target, entry));
}

/** Every unix socket under `root` (not following symlinks). */
function socketsUnder(root: string): string[] {
  const found: string[] = [];
  const stat = lstatSync(root);
  if (stat.isSocket()) return [root];
  if (!stat.isDirectory()) return [];
  const pending = [root];
  let scanned = 0;
  while (pending.length > 0) {
    const dir = pending.pop()!;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (++scanned > MAX_SCANNED_ENTRIES)
        throw refuse(`The sandbox will not show ${root} to the server: it holds more than ${MAX_SCANNED_ENTRIES} entries to check for unix sockets.`);
      const full = path.join(dir, entry.name);
      if (entry.isSocket()) found.push(full);
      else if (entry.isDirectory()) pending.push(full);
    }
  }
  return found;
}
