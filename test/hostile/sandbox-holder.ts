// Starts one sandboxed server and waits forever, so a test can SIGKILL this process and check that
// the server died with it. With a third argument this process SIGKILLs itself while bwrap may still be
// setting the sandbox up: `<n>ms` after the spawn, or `<n>below` as soon as n processes run below the
// spawned one (for bwrap alone: 1 is its sandbox's first process, 2 that one's child).
// Run: node --import tsx test/hostile/sandbox-holder.ts <auto|none> <mark> [<n>ms|<n>below]
import { readFileSync } from 'node:fs';
import { launchSandboxed } from '../../crawler/sandbox/index.ts';
import { RUN_MARK } from './cases.ts';

const [isolation, mark, dieWhen] = process.argv.slice(2);
const sandbox = launchSandboxed(
  { command: '/bin/sh', args: ['-c', 'exec sleep 1000'], env: { [RUN_MARK]: mark } },
  { maxMessageBytes: 1024 },
  { isolation: isolation as 'auto' | 'none', warn: () => {} },
);
await sandbox.transport.start();
console.log(`started ${sandbox.pid} ${sandbox.uid ?? ''}`);
const die = () => process.kill(process.pid, 'SIGKILL');
const [, count, unit] = /^(\d+)(ms|below)$/.exec(dieWhen ?? '') ?? [];
if (unit === 'ms') setTimeout(die, Number(count));
if (unit === 'below') {
  const until = Date.now() + 5000;
  while (descendants(sandbox.pid!) < Number(count) && Date.now() < until);
  die();
}
setInterval(() => {}, 1000);

function descendants(pid: number): number {
  let children: number[];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return 0;
  }
  return children.reduce((sum, child) => sum + 1 + descendants(child), 0);
}
