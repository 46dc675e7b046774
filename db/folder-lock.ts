import { openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import path from 'node:path';

/**
 * PGlite keeps one PostgreSQL instance per folder and two processes on one folder corrupt it, so the
 * folder gets a lock file holding the owner's PID. A lock whose process is gone is taken over.
 */
export function lockFolder(dataDir: string): () => void {
  const lockPath = path.join(dataDir, 'toolrisk.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (isAlive(owner)) {
        throw new Error(
          `the embedded database at ${dataDir} is in use by process ${owner}${owner === process.pid ? ' (this one)' : ''}; ` +
            'wait for it to finish, or set DATABASE_URL to use PostgreSQL, which many processes can share',
        );
      }
      rmSync(lockPath, { force: true });
    }
  }
  throw new Error(`could not lock the embedded database at ${dataDir}`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
