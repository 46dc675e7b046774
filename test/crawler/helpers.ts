import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StdioTarget } from '../../crawler/index.ts';
import { NOTES_SERVER } from '../helpers/fixtures.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A published server from node_modules, started with node. */
export function publishedServer(pkg: string, serverId: string, args: string[] = []): StdioTarget {
  return {
    kind: 'stdio',
    serverId,
    command: process.execPath,
    args: [path.join(ROOT, 'node_modules', '@modelcontextprotocol', pkg, 'dist', 'index.js'), ...args],
    env: {},
    cwd: ROOT,
  };
}

/** The notes fixture over stdio (bundled by the test set-up: test/helpers/fixtures.ts). */
export function notesServer(serverId: string, env: Record<string, string> = {}): StdioTarget {
  return {
    kind: 'stdio',
    serverId,
    command: process.execPath,
    args: [NOTES_SERVER],
    env,
    cwd: ROOT,
  };
}

/** A temporary folder the sandboxed server (possibly another uid) can read. */
export function readableTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/** Crawl options for the loopback servers tests start: 127.0.0.1 only, and loopback allowed for it. */
export const LOOPBACK_ONLY = { network: { allowHosts: ['127.0.0.1'], allowPrivateNetwork: true } };
