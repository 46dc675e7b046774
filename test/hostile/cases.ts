import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Outcome } from '../../db/index.ts';
import type { RemoteTarget, SourcedServer, StdioTarget } from '../../crawler/index.ts';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/hostile');
const STDIO_SERVER = join(FIXTURES, 'stdio-server.mjs');

/**
 * Limits small enough that every hostile case ends in seconds, with room for a loaded machine: a well-behaved
 * server's start and handshake must fit well inside one request timeout (at load 10+ a sandboxed node server
 * took over 6 s), and the deadline is twice the request timeout so a hang after a slow start still ends as a
 * timeout.
 */
export const SUITE_LIMITS = {
  requestTimeoutMs: 10_000,
  deadlineMs: 20_000,
  maxPages: 20,
  maxTools: 2_000,
  maxMessageBytes: 2 * 1024 * 1024,
  maxStderrBytes: 16 * 1024,
};

/** A line of `toolrisk crawl`'s progress on stderr: one server done (`3/5 ok id`). */
export const PROGRESS_LINE = /^\d+\/\d+ /;

/** Every sandboxed process of a run carries this variable, so the test can find any left behind. */
export const RUN_MARK = 'TOOLRISK_HOSTILE_RUN';

export function stdioTarget(serverId: string, mode: string, mark: string, argument?: string, env: Record<string, string> = {}): StdioTarget {
  return {
    kind: 'stdio',
    serverId,
    command: process.execPath,
    args: [STDIO_SERVER, mode, ...(argument === undefined ? [] : [argument])],
    env: { ...env, [RUN_MARK]: mark },
    cwd: FIXTURES,
  };
}

export function remoteTarget(serverId: string, url: string, transport: RemoteTarget['transport'] = 'auto'): RemoteTarget {
  return { kind: 'remote', serverId, url, transport, headers: {} };
}

export function sourced(serverId: string, target: StdioTarget | RemoteTarget): SourcedServer {
  return { server: { id: serverId, title: serverId, sources: ['hostile-suite'] }, targets: [target] };
}

export interface HostileCase {
  id: string;
  target: (mark: string) => StdioTarget | RemoteTarget;
  outcome: Outcome;
  /** What the stored error must say. */
  error: RegExp;
}

/** Processes still alive whose environment carries `mark` (bwrap, the server, anything it spawned). */
export function processesMarked(mark: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      if (/^State:\s+Z/m.test(status)) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(`${RUN_MARK}=${mark}`)) found.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}
