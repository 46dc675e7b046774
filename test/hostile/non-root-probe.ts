// Runs the sandbox as an ordinary user would (the test starts this script under an unprivileged uid):
// lists the well-behaved fixture in both isolation modes and reports what the server got, as JSON.
// Run: node --import tsx test/hostile/non-root-probe.ts
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { launchSandboxed, livingProcesses } from '../../crawler/sandbox/index.ts';
import { FIXTURES, stdioTarget } from './cases.ts';

const report: Record<string, unknown> = { uid: process.getuid?.() };
for (const isolation of ['auto', 'none'] as const) {
  const { command, args } = stdioTarget('probe', 'ok', 'non-root');
  const sandbox = launchSandboxed(
    { command, args, env: {}, readablePaths: [FIXTURES] },
    { maxMessageBytes: 1024 * 1024, maxProcesses: 100 },
    { isolation, warn: () => {} },
  );
  const client = new Client({ name: 'non-root-probe', version: '1' });
  await client.connect(sandbox.transport);
  const { tools } = await client.listTools();
  await client.close();
  await sandbox.kill();

  const limits = launchSandboxed(
    { command: '/bin/sh', args: ['-c', 'cat /proc/self/limits >&2'], env: {} },
    { maxMessageBytes: 1024, maxProcesses: 100 },
    { isolation, warn: () => {} },
  );
  await limits.transport.start();
  await new Promise((resolve) => (limits.transport.onclose = () => resolve(undefined)));
  report[isolation] = {
    isolation: sandbox.isolation,
    serverUid: sandbox.uid ?? null,
    tools: tools.map((t) => t.name),
    left: livingProcesses({ pgid: sandbox.pid }).length,
    maxProcesses: /Max processes\s+(\S+)/.exec(limits.stderr())?.[1],
  };
}
console.log(JSON.stringify(report));
