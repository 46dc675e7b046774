import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateCatalogue, generateServer, RATES } from '../../bench/generate.ts';
import { loadVocabulary } from '../../bench/vocabulary.ts';

function digest(options: Parameters<typeof generateCatalogue>[0]): string {
  const hash = createHash('sha256');
  for (const entry of generateCatalogue(options)) hash.update(JSON.stringify(entry));
  return hash.digest('hex');
}

describe('synthetic catalogue', () => {
  it('is identical for the same seed and different for another', () => {
    expect(digest({ servers: 300, seed: 'a' })).toBe(digest({ servers: 300, seed: 'a' }));
    expect(digest({ servers: 300, seed: 'a' })).not.toBe(digest({ servers: 300, seed: 'b' }));
  });

  it('regenerates any server alone exactly as the stream yields it', () => {
    const streamed = [...generateCatalogue({ servers: 700, seed: 's' })];
    const vocabulary = loadVocabulary();
    for (const index of [0, 1, 499, 500, 650, 699]) expect(generateServer(index, 's', vocabulary)).toEqual(streamed[index]);
  });

  it('stops at exactly the requested number of tools', () => {
    const servers = [...generateCatalogue({ tools: 5000 })];
    expect(servers.reduce((sum, s) => sum + s.tools.length, 0)).toBe(5000);
  });

  it('has unique server ids and unique tool names per server, and a heavy-tailed tool count', () => {
    const servers = [...generateCatalogue({ servers: 3000 })];
    expect(new Set(servers.map((s) => s.server.id)).size).toBe(servers.length);
    for (const { tools } of servers) expect(new Set(tools.map((t) => t.name)).size).toBe(tools.length);
    const counts = servers.map((s) => s.tools.length);
    const share = (test: (n: number) => boolean) => counts.filter(test).length / counts.length;
    expect(share((n) => n <= 10)).toBeGreaterThan(0.6);
    expect(share((n) => n >= 50)).toBeGreaterThan(0.01);
    expect(Math.max(...counts)).toBeLessThanOrEqual(200);
  });

  it('includes long descriptions, big schemas, empty descriptions and copies of popular servers', () => {
    const servers = [...generateCatalogue({ servers: 3000 })];
    const tools = servers.flatMap((s) => s.tools);
    const share = (test: (t: (typeof tools)[number]) => boolean) => tools.filter(test).length / tools.length;
    expect(share((t) => (t.description ?? '').length > 2000)).toBeGreaterThan(RATES.longDescription);
    expect(share((t) => JSON.stringify(t.inputSchema).length > 5000)).toBeGreaterThan(RATES.bigSchema);
    expect(share((t) => !t.description)).toBeGreaterThan(RATES.emptyDescription / 2);
    const toolSets = new Set(servers.map((s) => JSON.stringify(s.tools)));
    expect(toolSets.size).toBeLessThan(servers.length * (1 - RATES.exactCopy / 2));
  });
});
