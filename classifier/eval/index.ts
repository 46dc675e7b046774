import { classify } from '../classify.ts';
import type { Category, Evidence } from '../types.ts';
import { annotationsBaseline, nameVerbBaseline, toThreeWay } from './baselines.ts';
import { loadLabelledTools, type LabelledTool } from './dataset.ts';
import { measure, ratio, type Metrics } from './metrics.ts';

export { loadLabelledTools, type LabelledTool } from './dataset.ts';
export type { Metrics } from './metrics.ts';

export interface Misclassified {
  line: number;
  server: string | undefined;
  name: string;
  expected: string;
  predicted: Category;
  /** The five-way human category, where given. */
  category: string | undefined;
  explanation: string;
  evidence: Evidence[];
}

export interface ServerScore {
  server: string;
  count: number;
  /** Three-way accuracy (execute and financial count as destructive). */
  threeWay: number;
  /** Five-way accuracy against `category`, on the records that have one. */
  fiveWay: number;
  /** Tools labelled destructive, execute or financial that were classified read. */
  dangerousAsRead: number;
}

export interface EvalReport {
  count: number;
  /** Three-way, from `category` where given (else the annotator's label, else `label`). */
  threeWay: Metrics & { destructiveAsRead: number };
  /** Against the human five-way `category`, on the records that have one. */
  fiveWay: Metrics;
  baselines: { annotations: Metrics; nameVerb: Metrics };
  /** Three-way mistakes, with the evidence behind each. */
  misclassified: Misclassified[];
  poisoningFlagged: Array<{ line: number; name: string; evidence: Evidence[] }>;
  /** Per risk flag, against the human flags on the records that have them. */
  flags: Record<string, { precision: number; recall: number; support: number }>;
  /** Per source server, in the order they first appear. */
  servers: ServerScore[];
}

const THREE = ['read', 'write', 'destructive'];
const FIVE = ['read', 'write', 'execute', 'destructive', 'financial'];

/** Classifies every labelled tool and compares with the labels, and the two baselines likewise. */
export function evaluate(tools: readonly LabelledTool[]): EvalReport {
  const three: Array<[string, string]> = [];
  const five: Array<[string, string]> = [];
  const misclassified: Misclassified[] = [];
  const poisoningFlagged: EvalReport['poisoningFlagged'] = [];
  const flagCounts = new Map<string, { truePositive: number; predicted: number; support: number }>();
  const servers = new Map<string, { count: number; three: number; fiveCount: number; five: number; dangerousAsRead: number }>();
  for (const t of tools) {
    const c = classify(t.tool);
    if (t.flags) countFlags(flagCounts, t.flags, c.flags);
    const predicted = toThreeWay(c.category);
    three.push([t.label, predicted]);
    if (t.category) five.push([t.category, c.category]);
    const key = t.server ?? '(no server)';
    let s = servers.get(key);
    if (!s) {
      s = { count: 0, three: 0, fiveCount: 0, five: 0, dangerousAsRead: 0 };
      servers.set(key, s);
    }
    s.count++;
    if (predicted === t.label) s.three++;
    if (t.category) {
      s.fiveCount++;
      if (c.category === t.category) s.five++;
    }
    if (t.label === 'destructive' && c.category === 'read') s.dangerousAsRead++;
    if (predicted !== t.label) {
      misclassified.push({
        line: t.line,
        server: t.server,
        name: t.tool.name,
        expected: t.label,
        predicted: c.category,
        category: t.category,
        explanation: c.explanation,
        evidence: c.evidence,
      });
    }
    if (c.flags.includes('poisoning_suspect'))
      poisoningFlagged.push({ line: t.line, name: t.tool.name, evidence: c.evidence.filter((e) => e.points === 'poisoning_suspect') });
  }
  const threeWay = measure(THREE, three);
  const destructiveTotal = threeWay.perLabel.destructive.support;
  return {
    count: tools.length,
    threeWay: { ...threeWay, destructiveAsRead: ratio(threeWay.confusion.destructive.read, destructiveTotal) },
    fiveWay: measure(FIVE, five),
    baselines: {
      annotations: measure(
        THREE,
        tools.map((t) => [t.label, annotationsBaseline(t.tool)] as const),
      ),
      nameVerb: measure(
        THREE,
        tools.map((t) => [t.label, nameVerbBaseline(t.tool)] as const),
      ),
    },
    misclassified,
    poisoningFlagged,
    flags: Object.fromEntries(
      [...flagCounts]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([flag, n]) => [flag, { precision: ratio(n.truePositive, n.predicted), recall: ratio(n.truePositive, n.support), support: n.support }]),
    ),
    servers: [...servers].map(([server, s]) => ({
      server,
      count: s.count,
      threeWay: ratio(s.three, s.count),
      fiveWay: ratio(s.five, s.fiveCount),
      dangerousAsRead: s.dangerousAsRead,
    })),
  };
}

function countFlags(
  counts: Map<string, { truePositive: number; predicted: number; support: number }>,
  expected: readonly string[],
  predicted: readonly string[],
): void {
  const entry = (flag: string) => {
    let n = counts.get(flag);
    if (!n) {
      n = { truePositive: 0, predicted: 0, support: 0 };
      counts.set(flag, n);
    }
    return n;
  };
  for (const flag of expected) entry(flag).support++;
  for (const flag of predicted) {
    if (flag === 'poisoning_suspect') continue; // not a label in the data
    const n = entry(flag);
    n.predicted++;
    if (expected.includes(flag)) n.truePositive++;
  }
}

export async function evaluateFile(file: string): Promise<EvalReport> {
  return evaluate(await loadLabelledTools(file));
}
