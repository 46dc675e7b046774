import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { noDelaySockets } from '../../db/no-delay-socket.ts';

/** A loopback server that counts the connections it accepts. */
async function countingServer(listenOn: number | string): Promise<{ server: net.Server; port: number; accepted: () => number }> {
  let accepted = 0;
  const server = net.createServer((socket) => {
    accepted++;
    socket.end();
  });
  await new Promise<void>((resolve) => (typeof listenOn === 'string' ? server.listen(listenOn, resolve) : server.listen(listenOn, '127.0.0.1', resolve)));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0, accepted: () => accepted };
}

describe('the PostgreSQL socket factory (Nagle off)', () => {
  const cleanup: Array<() => void> = [];
  afterEach(() => {
    for (const c of cleanup.splice(0)) c();
  });

  it('connects to the hosts of a multi-host URL in turn, naming each socket after its host', async () => {
    const [a, b] = [await countingServer(0), await countingServer(0)];
    cleanup.push(
      () => a.server.close(),
      () => b.server.close(),
    );
    const connect = noDelaySockets();
    const options = { host: ['127.0.0.1', '127.0.0.1'], port: [a.port, b.port] };
    const first = await connect(options);
    const second = await connect(options);
    cleanup.push(
      () => first.destroy(),
      () => second.destroy(),
    );
    expect([first.remotePort, second.remotePort]).toEqual([a.port, b.port]);
    expect((first as net.Socket & { host?: string }).host).toBe('127.0.0.1');
    await expect.poll(() => [a.accepted(), b.accepted()]).toEqual([1, 1]);
  });

  it('connects to a Unix socket when the URL names one', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-socket-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const unix = await countingServer(path.join(dir, '.s.PGSQL.5432'));
    cleanup.push(() => unix.server.close());
    const socket = await noDelaySockets()({ host: ['localhost'], port: [5432], path: path.join(dir, '.s.PGSQL.5432') });
    cleanup.push(() => socket.destroy());
    await expect.poll(() => unix.accepted()).toBe(1);
  });

  it('rejects with the connection error when nothing listens', async () => {
    const closed = await countingServer(0);
    await new Promise((resolve) => closed.server.close(resolve));
    await expect(noDelaySockets()({ host: ['127.0.0.1'], port: [closed.port] })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
