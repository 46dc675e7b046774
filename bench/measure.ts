import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const PAGE_BYTES = 4096;
const CLOCK_TICKS = 100;

/** The fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // the process ended while we looked
  }
}

/** CPU seconds (user + system) a live process has used so far; 0 if it is gone. */
export function processCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS : 0;
}

/**
 * The resident memory of a process and all its descendants, summed from /proc (Linux). Pages shared
 * between processes count once per process, so the sum slightly overstates the tree's real footprint.
 */
export function treeRssBytes(rootPid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (!fields) continue;
    const pid = Number(entry);
    const ppid = Number(fields[1]);
    rss.set(pid, Number(fields[21]) * PAGE_BYTES);
    children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  }
  let total = 0;
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    total += rss.get(pid) ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** Samples a process tree's resident memory until stopped, keeping the peak. */
export function samplePeakRss(rootPid: number, intervalMs = 250): { stop(): number } {
  let peak = treeRssBytes(rootPid);
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRssBytes(rootPid));
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, treeRssBytes(rootPid));
    },
  };
}

export interface CommandResult {
  exitCode: number | null;
  wallMs: number;
  /** Peak resident memory of the command's whole process tree. */
  peakRssBytes: number;
  /** Standard output (its last megabyte). */
  stdout: string;
  /** Standard output and error interleaved (the last 64 KB), for error messages. */
  output: string;
}

/** Runs a command to its end, measuring wall time and the peak RSS of its process tree.  */
export function runMeasured(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; echo?: boolean } = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const sampler = samplePeakRss(child.pid!);
    let output = '';
    let stdout = '';
    const keep = (chunk: Buffer) => {
      if (options.echo) process.stderr.write(chunk);
      output = (output + chunk.toString('utf8')).slice(-65536);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout = (stdout + chunk.toString('utf8')).slice(-1048576);
      keep(chunk);
    });
    child.stderr.on('data', keep);
    child.on('error', (error) => {
      sampler.stop();
      reject(error);
    });
    child.on('close', (exitCode) => {
      resolve({ exitCode, wallMs: performance.now() - started, peakRssBytes: sampler.stop(), stdout, output });
    });
  });
}

export function megabytes(bytes: number): number {
  return Math.round(bytes / 1048576);
}
