// Starts one sandboxed server and waits forever, so a test can SIGKILL this process and check that
// the server died with it. Run: node --import tsx test/hostile/sandbox-holder.ts <auto|none> <mark>
import { launchSandboxed } from '../../crawler/sandbox/index.ts';
import { RUN_MARK } from './cases.ts';

const [isolation, mark] = process.argv.slice(2);
const sandbox = launchSandboxed(
  { command: '/bin/sh', args: ['-c', 'exec sleep 1000'], env: { [RUN_MARK]: mark } },
  { maxMessageBytes: 1024 },
  { isolation: isolation as 'auto' | 'none', warn: () => {} },
);
await sandbox.transport.start();
console.log(`started ${sandbox.pid}`);
setInterval(() => {}, 1000);
