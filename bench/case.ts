/**
 * Runs one benchmark case in this process and prints its figures as the last line, `RESULT <json>`.
 * bench/index.ts starts one such process per case, so each case's peak memory is its own.
 * Usage: node --import tsx bench/case.ts <store|classify|crawl|site> '<json parameters>'
 */
import { benchClassify } from './classify.ts';
import { benchCrawl } from './crawl.ts';
import { benchSite } from './site.ts';
import { benchStore } from './store.ts';
import type { Figures } from './types.ts';

const BENCHMARKS: Record<string, (params: never, log: (line: string) => void) => Promise<Figures>> = {
  store: benchStore,
  classify: benchClassify,
  crawl: benchCrawl,
  site: benchSite,
};

const [name, json = '{}'] = process.argv.slice(2);
const benchmark = BENCHMARKS[name];
if (!benchmark) {
  console.error(`Usage: bench/case.ts <${Object.keys(BENCHMARKS).join('|')}> '<json parameters>'`);
  process.exit(2);
}
const log = (line: string) => console.error(`  [${name}] ${line}`);
try {
  const figures = await benchmark(JSON.parse(json) as never, log);
  console.log(`RESULT ${JSON.stringify({ ...figures, 'peak RSS of this process, MB': Math.round(process.resourceUsage().maxRSS / 1024) })}`);
  process.exit(0);
} catch (error) {
  console.error((error as Error).stack ?? String(error));
  process.exit(1);
}
