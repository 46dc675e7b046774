// A process that races for the PGlite folder lock when its parent says so (test/db/folder-lock.test.ts).
import { FolderLockedError, lockFolder } from '../../db/folder-lock.ts';

let release: (() => void) | undefined;
process.on('message', (message: { op: 'take' | 'release'; folder: string }) => {
  if (message.op === 'release') {
    release?.();
    release = undefined;
    process.send!({ released: true });
    return;
  }
  try {
    release = lockFolder(message.folder);
    process.send!({ got: true });
  } catch (error) {
    process.send!({ got: false, locked: error instanceof FolderLockedError, error: (error as Error).message });
  }
});
process.send!({ ready: true });
