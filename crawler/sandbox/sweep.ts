import { readFileSync } from 'node:fs';
import { lstat, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isThrowawayUid, killAllOfUid } from './processes.ts';

export const SANDBOX_PREFIX = 'toolrisk-sandbox-';
/** `toolrisk-sandbox-<pid>-<start time in clock ticks>-<random>`: the crawler that owns the folder. */
const OWNED = /^toolrisk-sandbox-(\d+)-(\d+)-[^-]+$/;

/** The PID and its start time: together they name one process, even after the PID is reused. */
export function ownerTag(pid: number): string {
  return `${pid}-${startTimeOf(pid) ?? 0}`;
}

/** The start time of a live process (field 22 of /proc/<pid>/stat), or undefined when it is gone. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Removes the sandbox folders in `parent` whose owning crawler is gone (killed with SIGKILL, or the machine
 * lost power): folders of live crawlers, and folders without an owner in their name, are left alone. As root,
 * every process of a removed folder's throwaway uid is killed first: whatever the dead crawler's server left.
 * Returns the folders removed.
 */
export async function sweepStaleSandboxDirs(parent: string): Promise<string[]> {
  const removed: string[] = [];
  let entries: string[];
  try {
    entries = await readdir(parent);
  } catch {
    return removed;
  }
  for (const entry of entries) {
    const owner = OWNED.exec(entry);
    if (!owner || startTimeOf(Number(owner[1])) === owner[2]) continue;
    const folder = join(parent, entry);
    await killLeftovers(folder);
    await rm(folder, { recursive: true, force: true }).then(
      () => removed.push(folder),
      () => undefined, // another user's folder, or one being removed by another crawler
    );
  }
  return removed;
}

/**
 * As root: SIGKILL to every process of the uid that owns the folder's home/ (its server's throwaway uid; the folder
 * itself is root's), when that uid is a throwaway one. Not as another user: its servers share its own uid.
 */
async function killLeftovers(folder: string): Promise<void> {
  if (process.getuid?.() !== 0) return;
  const uid = await lstat(join(folder, 'home')).then(
    (home) => (home.isDirectory() ? home.uid : undefined),
    () => undefined,
  );
  if (uid !== undefined && isThrowawayUid(uid)) killAllOfUid(uid);
}

const swept = new Map<string, Promise<string[]>>();

/** Sweeps `parent` once per process, before its first sandbox folder is made there. */
export function sweepOnce(parent: string): Promise<string[]> {
  let sweep = swept.get(parent);
  if (!sweep) swept.set(parent, (sweep = sweepStaleSandboxDirs(parent)));
  return sweep;
}
