import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlTarget, type RemoteTarget } from '../../crawler/index.ts';
import { startLegacySse, startStreamableHttp, type RunningHttpServer } from '../fixtures/servers/http.ts';
import { buildNotesServer } from '../fixtures/servers/notes-server.ts';
import { LOOPBACK_ONLY } from './helpers.ts';

const remote = (url: string, transport: RemoteTarget['transport']): RemoteTarget => ({ kind: 'remote', serverId: 'notes', url, transport, headers: {} });

describe('crawling servers over HTTP on 127.0.0.1', () => {
  let streamable: RunningHttpServer;
  let sse: RunningHttpServer;
  beforeAll(async () => {
    streamable = await startStreamableHttp(() => buildNotesServer());
    sse = await startLegacySse(() => buildNotesServer({ addNoteDescription: 'Adds a note over SSE.' }));
  });
  afterAll(async () => {
    await streamable.close();
    await sse.close();
  });

  it('lists a Streamable HTTP server with transport auto', async () => {
    const result = await crawlTarget(remote(streamable.url, 'auto'), LOOPBACK_ONLY);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ outcome: 'ok', transport: 'streamable-http', label: `auto:${streamable.url}` });
    expect(result.server).toMatchObject({
      name: 'fixture-notes',
      version: '1.0.0',
      instructions: 'Keeps notes for tests.',
      protocolVersion: expect.any(String),
    });
    expect(result.tools!.map((t) => t.name)).toEqual(['list_notes', 'add_note', 'delete_note']);
    expect(result.tools![0]).toMatchObject({ title: 'List notes', annotations: { readOnlyHint: true } });
    expect(result.details.fallback).toBeUndefined();
  });

  it('does not open the optional standalone SSE stream: POSTs only, the listing unchanged', async () => {
    streamable.requests.length = 0;
    const result = await crawlTarget(remote(streamable.url, 'streamable-http'), LOOPBACK_ONLY);
    expect(result.outcome).toBe('ok');
    expect(result.tools!.map((t) => t.name)).toEqual(['list_notes', 'add_note', 'delete_note']);
    // initialize, the initialized notification, tools/list; the SDK alone would also GET the endpoint.
    expect(streamable.requests.map((r) => r.split(' ')[0])).toEqual(['POST', 'POST', 'POST']);
  });

  it("closes the attempt's connections when it ends, not when they time out", async () => {
    expect((await crawlTarget(remote(streamable.url, 'streamable-http'), LOOPBACK_ONLY)).outcome).toBe('ok');
    await expect.poll(() => streamable.openConnections(), { timeout: 1_000 }).toBe(0);
  });

  it('falls back to the legacy SSE transport with auto', async () => {
    sse.requests.length = 0;
    const result = await crawlTarget(remote(sse.url, 'auto'), LOOPBACK_ONLY);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ outcome: 'ok', transport: 'sse' });
    expect(result.details.fallback).toMatch(/HTTP 404/);
    expect(result.tools!.find((t) => t.name === 'add_note')!.description).toBe('Adds a note over SSE.');
    expect(sse.requests[0]).toBe('POST /sse');
    expect(sse.requests).toContain('GET /sse');
  });

  it('uses the named transport when told, and reports the HTTP error of the wrong one', async () => {
    expect((await crawlTarget(remote(sse.url, 'sse'), LOOPBACK_ONLY)).outcome).toBe('ok');
    const wrong = await crawlTarget(remote(sse.url, 'streamable-http'), LOOPBACK_ONLY);
    expect(wrong).toMatchObject({ outcome: 'http_error', details: { httpStatus: 404 }, transient: false });
  });

  it('refuses hosts outside the allowlist without connecting', async () => {
    streamable.requests.length = 0;
    const result = await crawlTarget(remote(streamable.url, 'auto'), { network: { allowHosts: ['example.org'], allowPrivateNetwork: true } });
    expect(result).toMatchObject({ outcome: 'refused_by_policy' });
    expect(result.error).toMatch(/127\.0\.0\.1 is not on the host allowlist/);
    const denied = await crawlTarget(remote(streamable.url, 'auto'), { network: { ...LOOPBACK_ONLY.network, denyHosts: ['127.0.0.1'] } });
    expect(denied.outcome).toBe('refused_by_policy');
    // Without allowPrivateNetwork, loopback is refused whatever the lists say.
    const loopback = await crawlTarget(remote(streamable.url, 'auto'), { network: { allowHosts: ['127.0.0.1'] } });
    expect(loopback).toMatchObject({ outcome: 'refused_by_policy', error: expect.stringMatching(/loopback/) });
    expect(streamable.requests).toEqual([]);
  });

  it('reports a closed port as unreachable', async () => {
    const gone = await startStreamableHttp(() => buildNotesServer());
    await gone.close();
    const result = await crawlTarget(remote(gone.url, 'streamable-http'), LOOPBACK_ONLY);
    expect(result.outcome).toBe('unreachable');
    expect(result.error).toMatch(/ECONNREFUSED|fetch failed/);
  });
});
