import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, statfsSync } from 'node:fs';
import path from 'node:path';
import { findOnPath, probeBwrap } from '../crawler/sandbox/command.ts';
import { defaultDataDir, describeDatabaseError, openDatabase } from '../db/index.ts';

/** One thing the crawler needs, checked: what was found, and when it is missing, the command that fixes it. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** How to fix it, e.g. `apt-get install bubblewrap`. */
  fix?: string;
}

/** The Node version the code needs (package.json engines). */
const MIN_NODE: [number, number] = [20, 19];
/** Below this much free space a crawl of the registry can run out mid-run. */
const MIN_FREE_BYTES = 1024 ** 3;

function tool(name: string, what: string, fix: string, path = process.env.PATH ?? ''): Check {
  const found = findOnPath(name, path);
  return found ? { name, ok: true, detail: found } : { name, ok: false, detail: `${name} is not installed: ${what}`, fix };
}

function nodeVersion(): Check {
  const [major, minor] = process.versions.node.split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return {
    name: 'node',
    ok,
    detail: ok ? `v${process.versions.node}` : `Node v${process.versions.node} is older than ${MIN_NODE.join('.')}`,
    fix: ok ? undefined : 'install Node 20.19 or later (https://nodejs.org, or nvm install 20)',
  };
}

async function bwrapCheck(): Promise<Check> {
  const missing = tool('bwrap', 'stdio servers from the registry or npm cannot be isolated', 'apt-get install bubblewrap');
  if (!missing.ok) return missing;
  const probe = await probeBwrap(process.getuid?.() === 0 ? 65534 : undefined);
  return probe.ok
    ? {
        name: 'bwrap namespaces',
        ok: true,
        detail: `bwrap can create its user, mount, PID and network namespaces${
          probe.ownPidNamespace
            ? ', inside a PID namespace that dies with the crawler (unshare)'
            : '; unshare cannot wrap it, so a crawler killed by SIGKILL while a server starts may leave that server running'
        }`,
      }
    : {
        name: 'bwrap namespaces',
        ok: false,
        detail: probe.reason,
        fix: 'allow unprivileged user namespaces: sysctl -w kernel.unprivileged_userns_clone=1 (and kernel.apparmor_restrict_unprivileged_userns=0 on Ubuntu 24.04)',
      };
}

function pythonCheck(): Check[] {
  const python = tool('python3', 'PyPI servers cannot be run', 'apt-get install python3 python3-venv');
  if (!python.ok) return [python];
  const venv = spawnSync('python3', ['-m', 'venv', '--help'], { stdio: 'ignore' });
  return [
    python,
    venv.status === 0
      ? { name: 'python3 venv', ok: true, detail: 'python3 -m venv works' }
      : { name: 'python3 venv', ok: false, detail: 'python3 has no venv module: PyPI servers cannot be installed', fix: 'apt-get install python3-venv' },
  ];
}

/** The nearest folder of `dir` that exists (the data folder may not be made yet). */
function existingAncestor(dir: string): string {
  let at = path.resolve(dir);
  while (!existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  return at;
}

function dataFolderChecks(dataDir: string): Check[] {
  const at = existingAncestor(dataDir);
  const checks: Check[] = [];
  try {
    accessSync(at, constants.W_OK);
    checks.push({ name: 'data folder', ok: true, detail: `${dataDir} is writable` });
  } catch (error) {
    checks.push({
      name: 'data folder',
      ok: false,
      detail: `${at} is not writable by this user (${(error as NodeJS.ErrnoException).code})`,
      fix: `chown -R $(id -u) ${at}, or set TOOLRISK_DATA_DIR to a writable folder`,
    });
  }
  const stats = statfsSync(at);
  const free = Number(stats.bavail) * Number(stats.bsize);
  const gib = (free / 1024 ** 3).toFixed(1);
  checks.push(
    free >= MIN_FREE_BYTES
      ? { name: 'free space', ok: true, detail: `${gib} GiB free for ${dataDir}` }
      : {
          name: 'free space',
          ok: false,
          detail: `only ${gib} GiB free on the disk that holds ${dataDir}`,
          fix: 'free some space, or set TOOLRISK_DATA_DIR to a folder on a larger disk',
        },
  );
  return checks;
}

async function databaseCheck(): Promise<Check> {
  try {
    const db = await openDatabase({ brief: true });
    const where = `${db.backend === 'postgres' ? 'PostgreSQL' : 'embedded PGlite'} at ${db.location}`;
    await db.close();
    return { name: 'database', ok: true, detail: `${where} opens and is migrated` };
  } catch (error) {
    return {
      name: 'database',
      ok: false,
      detail: error instanceof Error ? error.message : describeDatabaseError(error, { backend: 'pglite', location: defaultDataDir() }),
      fix: process.env.DATABASE_URL ? 'fix DATABASE_URL, or unset it to use the embedded database' : undefined,
    };
  }
}

/** Everything the crawler needs, checked in order. `database: false` skips opening the database. */
export async function runChecks(options: { database?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Check[]> {
  const env = options.env ?? process.env;
  const checks: Check[] = [nodeVersion(), await bwrapCheck()];
  checks.push(tool('prlimit', 'stdio servers run without resource limits', 'apt-get install util-linux'));
  checks.push(tool('setpriv', 'a server can outlive a crawler that is killed', 'apt-get install util-linux'));
  checks.push(tool('npm', 'npm servers cannot be installed', 'apt-get install npm'));
  checks.push(...pythonCheck());
  checks.push(...dataFolderChecks(path.join(defaultDataDir(env), 'db')));
  if (options.database !== false) checks.push(await databaseCheck());
  return checks;
}

/** The report: every check, or (quiet) only the problems. */
export function formatChecks(checks: readonly Check[], quiet = false): string[] {
  const shown = quiet ? checks.filter((c) => !c.ok) : checks;
  return shown.map((c) => `${c.ok ? 'ok     ' : 'MISSING'} ${c.name}: ${c.detail}${c.fix ? `\n        fix: ${c.fix}` : ''}`);
}
