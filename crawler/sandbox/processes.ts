import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgid: number;
  uid: number;
  state: string;
}

/** Processes visible in /proc (Linux), zombies included. Empty where /proc is missing. */
export function listProcesses(): ProcessInfo[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const found: ProcessInfo[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name sits in parentheses and may itself contain spaces or parentheses.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? -1);
      found.push({ pid: Number(entry), state: fields[0], ppid: Number(fields[1]), pgid: Number(fields[2]), uid });
    } catch {
      // The process ended while we were reading it.
    }
  }
  return found;
}

/** Live (non-zombie) processes in a process group or owned by a uid. */
export function livingProcesses(match: { pgid?: number; uid?: number }): ProcessInfo[] {
  return listProcesses().filter(
    (p) => p.state !== 'Z' && ((match.pgid !== undefined && p.pgid === match.pgid) || (match.uid !== undefined && p.uid === match.uid)),
  );
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Kills every process owned by `uid` by running `kill -KILL -1` as that uid: the kernel then signals
 * exactly the processes that uid may signal, which includes children that left the process group
 * (setsid, double fork). Only meaningful for a uid used by nothing but one sandbox.
 */
export function killAllOfUid(uid: number): void {
  spawnSync('/bin/sh', ['-c', 'kill -KILL -1'], { uid, gid: uid, stdio: 'ignore', env: {}, cwd: '/' });
}

const THROWAWAY_UIDS = { min: 1_000_000_000, max: 2_000_000_000 };

/** A uid no account uses, for one sandboxed server when the crawler runs as root. */
export function pickThrowawayUid(): number {
  return randomInt(THROWAWAY_UIDS.min, THROWAWAY_UIDS.max);
}

/**
 * Whether `uid` is one pickThrowawayUid picks (never 0 or a system account) and no account of this machine has,
 * as `getent passwd` says (directory services such as sssd may map real accounts that high).
 */
export function isThrowawayUid(uid: number): boolean {
  if (!Number.isInteger(uid) || uid < THROWAWAY_UIDS.min || uid >= THROWAWAY_UIDS.max) return false;
  // getent exits 2 when no account has the key; anything else (found, or no getent) is not proof.
  return spawnSync('getent', ['passwd', String(uid)], { stdio: 'ignore' }).status === 2;
}
