import { getEventListeners } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlTarget } from '../../crawler/index.ts';
import { listAllTools } from '../../crawler/connect/listing.ts';
import { resolveLimits } from '../../crawler/limits.ts';
import { fetchRegistry } from '../../crawler/sources/registry.ts';
import { startStreamableHttp } from '../fixtures/servers/http.ts';
import { buildListingServer, tool } from '../fixtures/servers/listing-server.ts';
import { startRegistry } from '../fixtures/servers/registry.ts';

const PAGES = 300;
const pages = Array.from({ length: PAGES }, (_, i) => [tool(`t${i}`)]);
const abortListeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

/** MaxListenersExceededWarning events emitted while `work` runs. */
async function listenerWarnings(work: () => Promise<unknown>): Promise<string[]> {
  const warnings: string[] = [];
  const onWarning = (warning: Error) => {
    if (warning.name === 'MaxListenersExceededWarning') warnings.push(warning.message);
  };
  process.on('warning', onWarning);
  try {
    await work();
    await new Promise((resolve) => setTimeout(resolve, 50)); // warnings are emitted on the next tick
  } finally {
    process.off('warning', onWarning);
  }
  return warnings;
}

describe('long paginated listings keep the abort listeners bounded', () => {
  it(`tools/list over ${PAGES} pages leaves no listener on the attempt's signal`, async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await buildListingServer({ pages }).connect(serverSide);
    const client = new Client({ name: 'test', version: '1' });
    await client.connect(clientSide);
    const controller = new AbortController();
    const listing = await listAllTools(client, resolveLimits({ maxPages: PAGES + 1 }), controller.signal);
    expect(listing.pages).toBe(PAGES);
    expect(abortListeners(controller.signal)).toBe(0);
    await client.close();
  });

  it(`a remote server's ${PAGES}-page listing through the guarded fetch prints no MaxListeners warning`, async () => {
    const server = await startStreamableHttp(() => buildListingServer({ pages }));
    try {
      const target = { kind: 'remote', serverId: 'pages', url: server.url, transport: 'streamable-http', headers: {} } as const;
      const outer = new AbortController();
      let outcome = '';
      const warnings = await listenerWarnings(async () => {
        const result = await crawlTarget(target, { network: { allowPrivateNetwork: true }, limits: { maxPages: PAGES + 1 }, signal: outer.signal });
        outcome = result.outcome;
      });
      expect(outcome).toBe('ok');
      expect(warnings).toEqual([]);
      expect(abortListeners(outer.signal)).toBe(0);
    } finally {
      await server.close();
    }
  });

  describe('registry paging', () => {
    let registry: Awaited<ReturnType<typeof startRegistry>>;
    beforeAll(async () => {
      const entries = Array.from({ length: PAGES }, (_, i) => ({ server: { name: `io.example/s${i}`, description: 'x', version: '1.0.0' } }));
      registry = await startRegistry(() => entries);
    });
    afterAll(() => registry.close());

    it(`${PAGES} registry pages with one long-lived signal leave no listener on it`, async () => {
      const controller = new AbortController();
      const warnings = await listenerWarnings(async () => {
        const listing = await fetchRegistry({ baseUrl: registry.url, pageSize: 1, signal: controller.signal });
        expect(listing.pages).toBe(PAGES);
      });
      expect(abortListeners(controller.signal)).toBe(0);
      expect(warnings).toEqual([]);
    });
  });
});
