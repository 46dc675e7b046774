import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compiledFixture } from '../helpers/fixtures.ts';

const probe = compiledFixture('test/hostile/memory-probe.ts');
const MB = 1024 * 1024;

async function crawlInOwnProcess(mode: string, argument?: string) {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', probe, mode, ...(argument ? [argument] : [])], {
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { outcome: string; error?: string; peakGrowthBytes: number };
}

// Each case runs in a process of its own, so the measurement is the crawler's and nobody else's.
// Holding the listing whole would cost at least its size (50 MB, or ~10 MB of JSON for 100,000 tools, several
// times that once parsed); the limits keep the crawler's growth far below.
describe('the crawler’s memory stays bounded with default limits', () => {
  it('while a server sends a 50 MB description', async () => {
    const result = await crawlInOwnProcess('huge-description');
    expect(result.outcome).toBe('listing_too_large');
    expect(result.peakGrowthBytes).toBeLessThan(32 * MB);
  });

  it('while a server lists 100,000 tools in one page', async () => {
    const result = await crawlInOwnProcess('many-tools');
    expect(result.outcome).toBe('listing_too_large');
    expect(result.peakGrowthBytes).toBeLessThan(32 * MB);
  });

  it('while a server lists 100,000 tools a thousand a page', async () => {
    const result = await crawlInOwnProcess('many-tools', '1000');
    expect(result.outcome).toBe('too_many_tools');
    expect(result.peakGrowthBytes).toBeLessThan(32 * MB);
  });
});
