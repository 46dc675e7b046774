import { classify, CLASSIFIER_VERSION, type Category, type ToolInput } from '../classifier/index.ts';
import { generateCatalogue } from './generate.ts';
import { batches } from './seed.ts';
import { round } from './store.ts';
import type { Figures } from './types.ts';

export interface ClassifyParams {
  tools: number;
}

/** CPU microseconds (user + system) that `work` took in this process. */
function cpuMicros(work: () => void): number {
  const before = process.cpuUsage();
  work();
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

/**
 * classify() over a synthetic catalogue on one core (this process's only thread), side by side with
 * JSON.parse of the same definitions (issue 15's machine-independent target: classify ≤ 3× JSON.parse).
 * Tools are generated and serialised in batches between timed sections, so only parsing and classifying
 * are timed; each batch is parsed and classified in alternating order so that drift in the machine's load
 * falls on both. CPU time is the measure: other work on a shared machine slows the wall clock, not the
 * CPU seconds.
 */
export async function benchClassify(params: ClassifyParams, log: (line: string) => void): Promise<Figures> {
  let tools = 0;
  let wallMs = 0;
  let classifyMicros = 0;
  let parseMicros = 0;
  let batchIndex = 0;
  const categories: Partial<Record<Category, number>> = {};
  for (const servers of batches(generateCatalogue({ tools: params.tools }), 2000)) {
    const json = servers.flatMap((entry) => entry.tools).map((tool) => JSON.stringify(tool));
    let parsed: ToolInput[] = [];
    const parse = () => {
      parsed = json.map((text) => JSON.parse(text) as ToolInput);
    };
    const run = () => {
      for (const tool of parsed) {
        const { category } = classify(tool);
        categories[category] = (categories[category] ?? 0) + 1;
      }
    };
    // The first batch's order cannot alternate with anything: parse first, so there is something to classify.
    if (batchIndex++ % 2 === 0) {
      parseMicros += cpuMicros(parse);
      const started = performance.now();
      classifyMicros += cpuMicros(run);
      wallMs += performance.now() - started;
    } else {
      const previous = parsed;
      parsed = json.map((text) => JSON.parse(text) as ToolInput); // untimed: the tools to classify first
      const started = performance.now();
      classifyMicros += cpuMicros(run);
      wallMs += performance.now() - started;
      parsed = previous;
      parseMicros += cpuMicros(parse);
    }
    tools += json.length;
    log(`${tools} tools classified, ${Math.round(tools / (wallMs / 1000))}/s`);
  }
  return {
    'classifier version': CLASSIFIER_VERSION,
    tools,
    'classify seconds (wall)': round(wallMs / 1000, 2),
    'tools/s (wall)': Math.round(tools / (wallMs / 1000)),
    'tools/s per CPU second': Math.round(tools / (classifyMicros / 1e6)),
    'JSON.parse CPU seconds': round(parseMicros / 1e6, 3),
    'classify CPU seconds': round(classifyMicros / 1e6, 3),
    'classify CPU / JSON.parse CPU (target ≤ 3)': round(classifyMicros / parseMicros, 2),
    'µs per tool (mean, wall)': round((wallMs * 1000) / tools, 1),
    categories: Object.entries(categories)
      .sort((a, b) => b[1] - a[1])
      .map(([category, n]) => `${category} ${((100 * n) / tools).toFixed(1)}%`)
      .join(', '),
  };
}
