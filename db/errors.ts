import { statfsSync } from 'node:fs';
import { FolderLockedError } from './folder-lock.ts';

/** PGlite's file system is Emscripten's, whose errors carry Emscripten's errno numbers and no message. */
const EMSCRIPTEN_ERRNO: Record<number, string> = { 2: 'EACCES', 19: 'EDQUOT', 29: 'EIO', 33: 'EMFILE', 44: 'ENOENT', 51: 'ENOSPC', 63: 'EPERM', 69: 'EROFS' };

/** PostgreSQL SQLSTATEs a user can act on. */
const SQLSTATE: Record<string, string> = {
  '53100': 'ENOSPC', // disk_full
  '28P01': 'wrong password',
  '28000': 'not authorized',
  '3D000': 'no such database',
  '57P03': 'not accepting connections',
  '53300': 'too many connections',
};

/**
 * An error and those it wraps (each one's `cause`), outermost first, at most `depth` of them: drizzle wraps a failed
 * query's, fetch and the MCP SDK a refused connection's. A cause that is not an object (a string) ends the chain.
 */
export function* causes(error: unknown, depth = 8): Generator<unknown> {
  for (let e = error, at = 0; e && at < depth; e = typeof e === 'object' ? (e as { cause?: unknown }).cause : undefined, at++) yield e;
}

/** The system error code behind an error, however it is wrapped (Node, Emscripten, PostgreSQL, postgres.js). */
export function errorCode(error: unknown): string | undefined {
  for (const e of causes(error)) {
    if (typeof e !== 'object' || e === null) continue;
    const { code, errno, name, message } = e as { code?: unknown; errno?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    if (typeof code === 'string' && SQLSTATE[code]) return code;
    if (name === 'ErrnoError' && typeof errno === 'number') return EMSCRIPTEN_ERRNO[errno] ?? `errno ${errno}`;
    if (typeof message === 'string' && /No space left on device/i.test(message)) return 'ENOSPC';
    if (typeof message === 'string' && /Read-only file system/i.test(message)) return 'EROFS';
  }
  return undefined;
}

/** Whether the error is the disk (or quota) running full. */
export function isNoSpace(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOSPC' || code === 'EDQUOT' || code === '53100';
}

/** A clear sentence for why the embedded database in `folder` failed, naming the cause and the folder. */
export function describeFolderError(error: unknown, folder: string): string {
  if (error instanceof FolderLockedError) return error.message;
  const code = errorCode(error);
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
    case '53100':
      return `no space left on the device that holds ${folder}${freeSpace(folder)}: free some space or set TOOLRISK_DATA_DIR to a folder on a larger disk`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on ${folder}: this user (uid ${process.getuid?.() ?? '?'}) cannot write there; fix its owner or mode, or set TOOLRISK_DATA_DIR`;
    case 'EROFS':
      return `${folder} is on a read-only file system; set TOOLRISK_DATA_DIR to a writable folder`;
    case 'EMFILE':
      return `too many open files while opening ${folder}; raise the limit (ulimit -n)`;
    case 'EIO':
      return `an I/O error from the disk that holds ${folder}`;
  }
  return `${messageOf(error)}${code ? ` (${code})` : ''}`;
}

/** A clear sentence for why PostgreSQL at `location` (a URL, password masked) could not be used. */
export function describePostgresError(error: unknown, location: string): string {
  const code = errorCode(error);
  const where = (() => {
    try {
      const url = new URL(location);
      return { host: `${url.hostname}:${url.port || 5432}`, user: decodeURIComponent(url.username) || '(default user)', db: url.pathname.slice(1) };
    } catch {
      return { host: location, user: '?', db: '?' };
    }
  })();
  switch (code) {
    case 'ECONNREFUSED':
      return `nothing accepts connections at ${where.host} (connection refused). Check that PostgreSQL is running and DATABASE_URL is right, or unset DATABASE_URL to use the embedded database`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the host of ${where.host} is unknown (DNS lookup failed)`;
    case 'ETIMEDOUT':
      return `no answer from ${where.host} (connection timed out)`;
    case '28P01':
      return `PostgreSQL at ${where.host} refused the password of user ${where.user} (wrong password)`;
    case '28000':
      return `PostgreSQL at ${where.host} does not let user ${where.user} in: ${messageOf(error)}`;
    case '3D000':
      return `PostgreSQL at ${where.host} has no database ${where.db}: create it (createdb ${where.db}) or fix DATABASE_URL`;
    case '53100':
      return `PostgreSQL at ${where.host} has no space left on its disk`;
  }
  return `${messageOf(error)}${code ? ` (${code})` : ''}`;
}

/** An error's message; Emscripten errors and thrown non-errors have none worth showing. */
export function messageOf(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  const code = errorCode(error);
  if (code) return code;
  if (error && typeof error === 'object') return JSON.stringify(error) ?? String(error);
  return String(error);
}

function freeSpace(folder: string): string {
  for (let dir = folder; ; dir = dir.slice(0, Math.max(dir.lastIndexOf('/'), 1))) {
    try {
      const stats = statfsSync(dir);
      return ` (${Number(stats.bavail) * Number(stats.bsize)} bytes free)`;
    } catch {
      if (dir === '/' || dir === '') return '';
    }
  }
}
