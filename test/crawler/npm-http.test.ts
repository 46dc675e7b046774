import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlTarget, mapRegistryEntry, type NpmTarget } from '../../crawler/index.ts';
import { probeBwrap } from '../../crawler/sandbox/command.ts';
import { httpServerSource, startNpmRegistry, type LoopbackNpmRegistry } from '../fixtures/servers/npm-registry.ts';
import { readableTempDir } from './helpers.ts';

const pkg = (name: string, transport: 'streamable-http' | 'sse') => ({
  manifest: { name, version: '1.0.0', bin: { [name]: 'index.js' } },
  files: { 'index.js': httpServerSource(transport) },
});

let registry: LoopbackNpmRegistry;
let probe: Server;
let probed = 0;
const cacheDir = readableTempDir('toolrisk-npm-http-');
beforeAll(async () => {
  registry = await startNpmRegistry([pkg('fixture-streamable', 'streamable-http'), pkg('fixture-sse', 'sse')]);
  // A listener on the host's loopback: a sandboxed server must not reach it.
  probe = createServer((socket) => {
    probed += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
}, 60_000);
afterAll(async () => {
  await registry?.close();
  await new Promise((resolve) => probe?.close(resolve));
  rmSync(cacheDir, { recursive: true, force: true });
});

/** The registry entry of an npm package that serves HTTP, as real ones are published. */
function entry(identifier: string, transport: 'streamable-http' | 'sse', url: string) {
  return mapRegistryEntry({
    server: {
      name: `test/${identifier}`,
      packages: [
        {
          registryType: 'npm',
          identifier,
          version: '1.0.0',
          transport: { type: transport, url },
          packageArguments: [{ type: 'named', name: 'port', format: 'number' }],
          environmentVariables: [{ name: 'PROBE_PORT', default: String((probe.address() as AddressInfo).port) }],
        },
      ],
    },
  });
}

describe('npm packages that serve Streamable HTTP or SSE', () => {
  it.each([
    ['fixture-streamable', 'streamable-http', 'http://localhost:{port}/mcp'],
    ['fixture-sse', 'sse', 'http://127.0.0.1:{port}/sse'],
  ] as const)('%s: started in the sandbox on a port we choose, its tools listed over %s through the relay', async (name, transport, url) => {
    const [target] = entry(name, transport, url).targets;
    expect(target).toMatchObject({ kind: 'npm', http: { transport, port: 8080, path: url.endsWith('/sse') ? '/sse' : '/mcp' }, args: ['--port', '8080'] });
    const result = await crawlTarget(target, { npm: { cacheDir, registryUrl: registry.url } });
    expect(result.error).toBeUndefined();
    expect(result.outcome).toBe('ok');
    expect(result.server).toMatchObject({ name: 'http-fixture', version: '2.0.0' });
    const description = result.tools![0].description!;
    expect(description).toContain(`transport=${transport}`);
    expect(description).toContain('args=--port 8080');
    expect(result.details.http).toMatchObject({ transport, via: 'relay' });
    const bwrap = await probeBwrap(process.getuid?.() === 0 ? 1_500_000_000 : undefined);
    if (bwrap.ok) {
      // Its loopback is its own: the host's listener was not reachable.
      expect(description).toMatch(/probe=blocked: ECONNREFUSED/);
      expect(probed).toBe(0);
    }
  });

  it('a server that never listens fails with what the relay saw, not a hang', async () => {
    const target = entry('fixture-streamable', 'streamable-http', 'http://localhost:{port}/mcp').targets[0] as NpmTarget;
    // It listens on 8081; the relay waits on 8080.
    const result = await crawlTarget(
      { ...target, env: { ...target.env, PORT: '8081' } },
      {
        npm: { cacheDir, registryUrl: registry.url },
        limits: { deadlineMs: 4_000 },
      },
    );
    expect(result.outcome).not.toBe('ok');
    expect(['deadline_exceeded', 'crashed', 'timeout']).toContain(result.outcome);
  });
});
