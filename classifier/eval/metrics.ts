/** Accuracy, confusion matrix and per-label precision/recall for one set of predictions. */
export interface Metrics {
  count: number;
  correct: number;
  accuracy: number;
  /** confusion[expected][predicted] = count */
  confusion: Record<string, Record<string, number>>;
  perLabel: Record<string, { precision: number; recall: number; support: number }>;
  /** Share of predictions that were `unknown`. */
  unknownRate: number;
}

export function measure(labels: readonly string[], pairs: ReadonlyArray<readonly [expected: string, predicted: string]>): Metrics {
  const predictedLabels = [...labels, 'unknown'];
  const confusion = Object.fromEntries(labels.map((e) => [e, Object.fromEntries(predictedLabels.map((p) => [p, 0]))])) as Metrics['confusion'];
  let correct = 0;
  let unknown = 0;
  for (const [expected, predicted] of pairs) {
    confusion[expected][predicted] = (confusion[expected][predicted] ?? 0) + 1;
    if (expected === predicted) correct++;
    if (predicted === 'unknown') unknown++;
  }
  const perLabel: Metrics['perLabel'] = {};
  for (const label of labels) {
    const truePositive = confusion[label][label];
    const predicted = labels.reduce((sum, e) => sum + (confusion[e][label] ?? 0), 0);
    const support = Object.values(confusion[label]).reduce((a, b) => a + b, 0);
    perLabel[label] = { precision: ratio(truePositive, predicted), recall: ratio(truePositive, support), support };
  }
  return { count: pairs.length, correct, accuracy: ratio(correct, pairs.length), confusion, perLabel, unknownRate: ratio(unknown, pairs.length) };
}

export function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10000) / 10000;
}
