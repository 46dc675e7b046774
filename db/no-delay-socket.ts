import net from 'node:net';

/** What postgres.js hands a socket factory: its parsed options. */
interface SocketOptions {
  host: string[];
  port: number[];
  /** A Unix socket's path, when the URL names one. */
  path?: string | false;
  connect_timeout?: number;
}

/**
 * A socket factory for postgres.js that connects with Nagle's algorithm off (TCP_NODELAY), as libpq does.
 * postgres.js writes each message as it comes; a small one written after a large one (a COPY's CopyDone after
 * its data) otherwise waits for the server's ACK of the data, which the server delays by about 40 ms because it
 * has nothing to send back. postgres.js still negotiates TLS on the socket and reconnects through the factory;
 * like postgres.js, each connection tries the next host of a multi-host URL.
 */
export function noDelaySockets(): (options: SocketOptions) => Promise<net.Socket> {
  let next = 0;
  return (options) =>
    new Promise((resolve, reject) => {
      const socket = new net.Socket();
      const timeoutMs = (options.connect_timeout ?? 30) * 1000;
      const fail = (error: Error) => {
        socket.destroy();
        reject(error);
      };
      socket.setTimeout(timeoutMs, () =>
        fail(Object.assign(new Error(`connecting to PostgreSQL timed out after ${timeoutMs / 1000} s`), { code: 'CONNECT_TIMEOUT' })),
      );
      socket.once('error', fail);
      socket.once('connect', () => {
        socket.setTimeout(0);
        socket.off('error', fail);
        resolve(socket);
      });
      if (options.path) {
        socket.connect(options.path);
        return;
      }
      const i = next++ % options.host.length;
      socket.setNoDelay(true);
      socket.connect(options.port[i] ?? options.port[0], options.host[i]);
      // postgres.js names the TLS server after this, as it does for the sockets it opens itself.
      Object.assign(socket, { host: options.host[i], port: options.port[i] });
    });
}
