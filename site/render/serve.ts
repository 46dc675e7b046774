import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { constants, createBrotliCompress, createGzip } from 'node:zlib';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.jsonl': 'application/jsonl; charset=utf-8',
  '.gz': 'application/gzip',
  '.yaml': 'application/yaml; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.atom': 'application/atom+xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** A static file server for a built site, for previews and tests. Listens on 127.0.0.1 only. */
export function serveSite(dir: string, port = 0): Promise<{ server: Server; url: string }> {
  const root = path.resolve(dir);
  const server = createServer((req, res) => {
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      res.writeHead(400).end('Bad request');
      return;
    }
    const file = path.join(root, pathname);
    if (file !== root && !file.startsWith(root + path.sep)) {
      res.writeHead(403).end('Forbidden');
      return;
    }
    const found = resolveFile(file);
    if (found === 'directory') {
      res.writeHead(301, { Location: `${pathname}/` }).end();
      return;
    }
    const target = found ?? path.join(root, '404.html');
    const type = TYPES[path.extname(target)] ?? 'application/octet-stream';
    // Known text types are compressed on the fly; .gz (the bulk catalogue) and unknown types go as they are.
    const encoding = TYPES[path.extname(target)] && path.extname(target) !== '.gz' ? chooseEncoding(req.headers) : null;
    res.writeHead(found ? 200 : 404, {
      'Content-Type': type,
      'X-Content-Type-Options': 'nosniff',
      Vary: 'Accept-Encoding',
      ...(encoding ? { 'Content-Encoding': encoding } : {}),
    });
    const body = createReadStream(target);
    if (!encoding) return void body.on('error', () => res.end()).pipe(res);
    const compress = encoding === 'br' ? createBrotliCompress({ params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }) : createGzip();
    pipeline(body, compress, res, () => {});
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolve({ server, url: `http://127.0.0.1:${actual}/` });
    });
  });
}

/** br when the client takes it, else gzip, else none (`identity`, or a zero q-value, refuses an encoding). */
export function chooseEncoding(headers: IncomingHttpHeaders): 'br' | 'gzip' | null {
  const accepted = new Map<string, number>();
  for (const part of String(headers['accept-encoding'] ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
    accepted.set(name, q ? Number(q[1]) : 1);
  }
  const allows = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (allows('br')) return 'br';
  if (allows('gzip')) return 'gzip';
  return null;
}

function resolveFile(file: string): string | 'directory' | null {
  try {
    const stat = statSync(file);
    if (stat.isFile()) return file;
    if (stat.isDirectory()) {
      if (!file.endsWith(path.sep)) return 'directory';
      const index = path.join(file, 'index.html');
      return statSync(index).isFile() ? index : null;
    }
  } catch {
    // not found
  }
  return null;
}
