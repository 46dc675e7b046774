import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateFile, loadLabelledTools, type EvalReport } from '../../classifier/eval/index.ts';
import { DEV_SET, UNSEEN_BATCH_3, UNSEEN_SET } from './paths.ts';

describe('evaluation on the labelled dev set (998 real tools)', () => {
  let report: EvalReport;
  beforeAll(async () => {
    report = await evaluateFile(DEV_SET);
  });

  it('reads every record, preferring annotator_label over label', async () => {
    expect(report.count).toBe(998);
    const tools = await loadLabelledTools(DEV_SET);
    const overridden = tools.filter((t) => t.tool.name === 'vm_clone');
    expect(overridden[0]?.label).toBe('write'); // label says destructive, the annotator says write
  });

  it('meets the three-way targets: accuracy ≥ 95%, destructive→read ≤ 1%, unknown ≤ 3%', () => {
    expect(report.threeWay.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(report.threeWay.destructiveAsRead).toBeLessThanOrEqual(0.01);
    expect(report.threeWay.unknownRate).toBeLessThanOrEqual(0.03);
  });

  it('beats both baselines', () => {
    expect(report.threeWay.accuracy).toBeGreaterThan(report.baselines.annotations.accuracy);
    expect(report.threeWay.accuracy).toBeGreaterThan(report.baselines.nameVerb.accuracy);
  });

  it('reports the five-way comparison, a consistent confusion matrix and per-label figures', () => {
    expect(report.fiveWay.count).toBe(998);
    expect(report.fiveWay.accuracy).toBeGreaterThanOrEqual(0.9);
    const cells = Object.values(report.threeWay.confusion).flatMap((row) => Object.values(row));
    expect(cells.reduce((a, b) => a + b, 0)).toBe(998);
    for (const label of ['read', 'write', 'destructive']) {
      const p = report.threeWay.perLabel[label];
      expect(p.precision).toBeGreaterThan(0.75);
      expect(p.recall).toBeGreaterThan(0.85);
    }
    expect(report.misclassified.length).toBe(998 - report.threeWay.correct);
    expect(report.misclassified[0].evidence.length).toBeGreaterThan(0);
  });
});

describe('evaluation on hand-written tools from unseen domains', () => {
  it.each([UNSEEN_SET, UNSEEN_BATCH_3])('classifies %s about as well (five-way ≥ 90%) and better than the baselines', async (file) => {
    const report = await evaluateFile(file);
    expect(report.count).toBeGreaterThanOrEqual(40);
    expect(report.fiveWay.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(report.threeWay.accuracy).toBeGreaterThan(report.baselines.nameVerb.accuracy);
    expect(report.threeWay.accuracy).toBeGreaterThan(report.baselines.annotations.accuracy);
    expect(report.threeWay.destructiveAsRead).toBe(0);
  });
});

describe('labelled file errors', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-eval-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the line of a record that is not JSON or has no valid label', async () => {
    const file = path.join(dir, 'bad.jsonl');
    writeFileSync(file, `{"name":"a","label":"read"}\n\n{"name":"b","label":"maybe"}\n`);
    await expect(evaluateFile(file)).rejects.toThrow(/bad\.jsonl:3: not a labelled tool: label/);
    writeFileSync(file, '{"name":"a","label":"read"}\n{nope\n');
    await expect(evaluateFile(file)).rejects.toThrow(/bad\.jsonl:2: not JSON/);
  });
});
