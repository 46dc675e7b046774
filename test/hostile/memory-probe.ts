// Crawls one hostile fixture with the crawler's default limits in a process of its own and prints the
// attempt's outcome and the peak growth of heap + array buffers over the idle baseline, as JSON.
// Run: node --expose-gc --import tsx test/hostile/memory-probe.ts <mode> [argument]
import { crawlTarget } from '../../crawler/index.ts';
import { stdioTarget } from './cases.ts';

const [mode, argument] = process.argv.slice(2);
const used = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
globalThis.gc?.();
const baseline = used();
let peak = baseline;
const sampler = setInterval(() => (peak = Math.max(peak, used())), 2);
const result = await crawlTarget(stdioTarget(`probe:${mode}`, mode, 'memory-probe', argument));
peak = Math.max(peak, used());
clearInterval(sampler);
process.stdout.write(`${JSON.stringify({ outcome: result.outcome, error: result.error, tools: result.tools?.length, peakGrowthBytes: peak - baseline })}\n`);
