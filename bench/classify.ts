import { classify, CLASSIFIER_VERSION, type Category } from '../classifier/index.ts';
import { generateCatalogue } from './generate.ts';
import { batches } from './seed.ts';
import { round } from './store.ts';
import type { Figures } from './types.ts';

export interface ClassifyParams {
  tools: number;
}

/**
 * classify() over a synthetic catalogue on one core (this process's only thread). Tools are generated in
 * batches between timed sections, so only classification is timed; CPU time is reported beside wall time
 * because other work on a shared machine slows the wall clock, not the CPU seconds.
 */
export async function benchClassify(params: ClassifyParams, log: (line: string) => void): Promise<Figures> {
  let tools = 0;
  let wallMs = 0;
  let cpuMicros = 0;
  const categories: Partial<Record<Category, number>> = {};
  for (const servers of batches(generateCatalogue({ tools: params.tools }), 2000)) {
    const batch = servers.flatMap((entry) => entry.tools);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (const tool of batch) {
      const { category } = classify(tool);
      categories[category] = (categories[category] ?? 0) + 1;
    }
    wallMs += performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    cpuMicros += cpu.user + cpu.system;
    tools += batch.length;
    log(`${tools} tools classified, ${Math.round(tools / (wallMs / 1000))}/s`);
  }
  return {
    'classifier version': CLASSIFIER_VERSION,
    tools,
    'classify seconds (wall)': round(wallMs / 1000, 2),
    'tools/s (wall)': Math.round(tools / (wallMs / 1000)),
    'tools/s per CPU second': Math.round(tools / (cpuMicros / 1e6)),
    'µs per tool (mean, wall)': round((wallMs * 1000) / tools, 1),
    categories: Object.entries(categories)
      .sort((a, b) => b[1] - a[1])
      .map(([category, n]) => `${category} ${((100 * n) / tools).toFixed(1)}%`)
      .join(', '),
  };
}
