import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Makes a folder and everything in it private to the crawler's user: folders 0700, files 0600. PGlite
 * creates its files 0666 whatever the umask, and a crawled server running as another user must neither
 * read nor overwrite the catalogue. Symbolic links are left alone (chmod would follow them).
 */
export function makePrivate(folder: string): void {
  const stat = lstatSync(folder);
  if (stat.isSymbolicLink()) return;
  if (stat.isDirectory()) {
    if ((stat.mode & 0o777) !== 0o700) chmodSync(folder, 0o700);
    for (const entry of readdirSync(folder)) makePrivate(path.join(folder, entry));
  } else if ((stat.mode & 0o777) !== 0o600) chmodSync(folder, 0o600);
}
