import { linkSync, mkdirSync, readFileSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Who holds a lock: a PID, and that process's start time (so a reused PID is not mistaken for the holder). */
export interface LockOwner {
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks since boot); undefined where /proc is missing. */
  startTime?: string;
}

/** A lock another live process holds; its message says what the lock guards and what to do. */
export class LockHeldError extends Error {
  constructor(
    readonly lockPath: string,
    readonly owner: LockOwner,
    message: string,
  ) {
    super(message);
    this.name = 'LockHeldError';
  }
}

/** The embedded database's folder is locked by another live process. */
export class FolderLockedError extends LockHeldError {
  constructor(
    readonly folder: string,
    owner: LockOwner,
  ) {
    super(
      path.join(folder, 'toolrisk.lock'),
      owner,
      `the embedded database at ${folder} is in use by process ${describeOwner(owner)}; ` +
        'wait for it to finish, or set DATABASE_URL to use PostgreSQL, which many processes can share',
    );
    this.name = 'FolderLockedError';
  }
}

/** A lock owner's PID, saying so when it is this process. */
export function describeOwner(owner: LockOwner): string {
  return `${owner.pid}${owner.pid === process.pid ? ' (this one)' : ''}`;
}

/** A takeover folder older than this was left by a process that died in the middle of one. */
const TAKEOVER_STALE_MS = 10_000;

/**
 * PGlite keeps one PostgreSQL instance per folder and two processes on one folder corrupt it, so the
 * folder gets a lock file naming its owner (see lockFile).
 */
export function lockFolder(dataDir: string): () => void {
  return lockFile(path.join(dataDir, 'toolrisk.lock'), (owner) => new FolderLockedError(dataDir, owner));
}

/**
 * Takes the lock file at `lockPath` for this process; returns its release. The file is written whole under a
 * private name and then hard-linked into place, so it appears atomically with its content: a racing process never
 * reads a half-written lock. A lock whose owner is gone (no such PID, or the PID now belongs to a process started at
 * another time) is taken over, one taker at a time. A live owner's lock throws `held(owner)`.
 */
export function lockFile(lockPath: string, held: (owner: LockOwner) => LockHeldError): () => void {
  const me = currentOwner();
  const draft = `${lockPath}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(draft, formatOwner(me), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        linkSync(draft, lockPath);
        return () => releaseIfMine(lockPath, me);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = readOwner(lockPath);
      if (owner && isRunning(owner)) throw held(owner);
      if (!takeOverStale(lockPath, owner)) sleepSync(10);
    }
  } finally {
    rmSync(draft, { force: true });
  }
  const owner = readOwner(lockPath);
  if (owner) throw held(owner);
  throw new Error(`could not take the lock ${lockPath}: it keeps changing`);
}

/** This process as a lock owner. */
export function currentOwner(): LockOwner {
  return { pid: process.pid, startTime: processStartTime(process.pid) };
}

/** Whether the owner's process still runs: its PID exists and, where /proc tells, started when the lock says. */
export function isRunning(owner: LockOwner): boolean {
  if (!Number.isInteger(owner.pid) || owner.pid <= 0) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (owner.startTime === undefined) return true;
  const now = processStartTime(owner.pid);
  return now === undefined || now === owner.startTime;
}

/** Field 22 (starttime) of /proc/<pid>/stat; the command name before it may hold spaces and parentheses. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function formatOwner(owner: LockOwner): string {
  return owner.startTime === undefined ? `${owner.pid}\n` : `${owner.pid} ${owner.startTime}\n`;
}

export function parseOwner(text: string): LockOwner | undefined {
  const [pid, startTime] = text.trim().split(/\s+/);
  const n = Number(pid);
  return Number.isInteger(n) && n > 0 ? { pid: n, startTime } : undefined;
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    return parseOwner(readFileSync(lockPath, 'utf8'));
  } catch {
    return undefined;
  }
}

function sameOwner(a: LockOwner | undefined, b: LockOwner | undefined): boolean {
  return a?.pid === b?.pid && a?.startTime === b?.startTime;
}

/**
 * Removes a stale lock, unless it changed since it was read: two processes that both found the same
 * stale lock must not both remove it, or the second would remove the lock the first just took. A
 * `.takeover` folder (mkdir is atomic) lets one of them at a time look again and remove it.
 */
function takeOverStale(lockPath: string, seen: LockOwner | undefined): boolean {
  const guard = `${lockPath}.takeover`;
  try {
    mkdirSync(guard);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Another process is taking over; one that died in the middle leaves its folder behind.
    const age = Date.now() - (statMtime(guard) ?? Date.now());
    if (age > TAKEOVER_STALE_MS) rmSync(guard, { recursive: true, force: true });
    return false;
  }
  try {
    if (sameOwner(readOwner(lockPath), seen)) rmSync(lockPath, { force: true });
  } finally {
    rmdirSync(guard);
  }
  return true;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function statMtime(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function releaseIfMine(lockPath: string, me: LockOwner): void {
  if (!sameOwner(readOwner(lockPath), me)) return;
  try {
    unlinkSync(lockPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
