import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateFile, loadLabelledTools, type EvalReport } from '../../classifier/eval/index.ts';
import {
  DEV_SET,
  UNSEEN_BATCH_3,
  UNSEEN_CRAWLED,
  UNSEEN_FINAL,
  UNSEEN_FRESH_3,
  UNSEEN_FRESH_4,
  UNSEEN_FRESH_5,
  UNSEEN_FRESH_6,
  UNSEEN_FRESH_7,
  UNSEEN_FRESH_8,
  UNSEEN_FRESH_9,
  UNSEEN_SERVICES,
  UNSEEN_SET,
} from './paths.ts';

describe('evaluation on the labelled dev set (998 real tools)', () => {
  let report: EvalReport;
  beforeAll(async () => {
    report = await evaluateFile(DEV_SET);
  });

  it('reads every record and scores three-way from the human category, not from the annotation-derived label', async () => {
    expect(report.count).toBe(998);
    const tools = await loadLabelledTools(DEV_SET);
    const vmClone = tools.find((t) => t.tool.name === 'vm_clone');
    expect(vmClone?.label).toBe('write'); // label says destructive; the category says write
    const query = tools.find((t) => t.tool.name === 'd1_database_query');
    expect(query?.category).toBe('execute');
    expect(query?.label).toBe('destructive'); // execute counts as destructive three-way
  });

  it('meets the targets: three-way ≥ 96%, five-way ≥ 94%, unknown ≤ 3%, no dangerous tool classified read', () => {
    expect(report.threeWay.accuracy).toBeGreaterThanOrEqual(0.969);
    expect(report.fiveWay.accuracy).toBeGreaterThanOrEqual(0.94);
    expect(report.threeWay.unknownRate).toBeLessThanOrEqual(0.03);
    expect(report.threeWay.destructiveAsRead).toBe(0);
    expect(report.servers.reduce((n, s) => n + s.dangerousAsRead, 0)).toBe(0);
  });

  it('reports per-flag precision and recall: every flag meets the 80%/60% bar', () => {
    for (const flag of ['bulk', 'credential_admin', 'freeform_input', 'external_comm', 'private_data', 'untrusted_content']) {
      expect(report.flags[flag].precision, flag).toBeGreaterThanOrEqual(0.8);
      expect(report.flags[flag].recall, flag).toBeGreaterThanOrEqual(0.6);
    }
  });

  it('reports a per-server table that adds up to the whole', () => {
    expect(report.servers.reduce((n, s) => n + s.count, 0)).toBe(998);
    const filesystem = report.servers.find((s) => s.server === 'modelcontextprotocol/servers#filesystem');
    expect(filesystem?.count).toBe(14);
    expect(filesystem?.threeWay).toBeGreaterThan(0.9);
  });

  it('beats both baselines', () => {
    expect(report.threeWay.accuracy).toBeGreaterThan(report.baselines.annotations.accuracy);
    expect(report.threeWay.accuracy).toBeGreaterThan(report.baselines.nameVerb.accuracy);
  });

  it('reports the five-way comparison, a consistent confusion matrix and per-label figures', () => {
    expect(report.fiveWay.count).toBe(998);
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

describe('the crawled unseen set (252 tools from 16 npm servers, labelled blind)', () => {
  it('holds as a regression set: scored 84.1% three-way once before any rule change, now ≥ 97%', async () => {
    const report = await evaluateFile(UNSEEN_CRAWLED);
    expect(report.count).toBe(252);
    expect(report.servers.length).toBe(16);
    expect(report.threeWay.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(report.fiveWay.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(report.threeWay.destructiveAsRead).toBe(0);
  });
});

describe('the fresh set crawled after the rule changes (31 tools, 5 npm servers), scored once', () => {
  it('keeps its first score: 90.3% three-way and five-way, nothing dangerous read', async () => {
    const report = await evaluateFile(UNSEEN_FINAL);
    expect(report.count).toBe(31);
    expect(report.threeWay.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(report.fiveWay.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(report.threeWay.destructiveAsRead).toBe(0);
  });
});

/**
 * The fresh sets labelled blind and scored once, each with the classifier version of its day (`scored`: three-way
 * correct once), then kept as regression sets: each floor is what the set must keep (raised where a later version
 * fixed its patterns as general rules, never lowered).
 */
const FRESH_SETS = [
  {
    name: 'second',
    file: UNSEEN_SERVICES,
    count: 356,
    servers: 11,
    scored: '94.7% (337) with 2.1.0',
    threeWay: 352,
    fiveWay: 351,
    unknownRate: 0.003,
    dangerousAsRead: 0,
  },
  // `open-session` on a remote host, read as opening a session; see docs/classifier.md's disagreements
  {
    name: 'third',
    file: UNSEEN_FRESH_3,
    count: 707,
    servers: 20,
    scored: '90.2% (638) with 2.2.0',
    threeWay: 677,
    fiveWay: 676,
    unknownRate: 0.003,
    dangerousAsRead: 1,
  },
  {
    name: 'fourth',
    file: UNSEEN_FRESH_4,
    count: 775,
    servers: 15,
    scored: '88.9% (689) with 2.3.0',
    threeWay: 750,
    fiveWay: 750,
    unknownRate: 0.003,
    dangerousAsRead: 0,
  },
  {
    name: 'fifth',
    file: UNSEEN_FRESH_5,
    count: 715,
    servers: 39,
    scored: '89.5% (640) with 2.4.0',
    threeWay: 669,
    fiveWay: 666,
    unknownRate: 0.0028,
    dangerousAsRead: 4,
  },
  {
    name: 'sixth',
    file: UNSEEN_FRESH_6,
    count: 337,
    servers: 18,
    scored: '91.1% (307) with 2.5.0',
    threeWay: 333,
    fiveWay: 333,
    unknownRate: 0,
    dangerousAsRead: 0,
  },
  {
    name: 'seventh',
    file: UNSEEN_FRESH_7,
    count: 449,
    servers: 34,
    scored: '89.3% (401) with 2.6.0',
    threeWay: 423,
    fiveWay: 418,
    unknownRate: 0,
    dangerousAsRead: 0,
  },
  {
    name: 'eighth',
    file: UNSEEN_FRESH_8,
    count: 400,
    servers: 15,
    scored: '92.3% (369) with 2.7.0',
    threeWay: 381,
    fiveWay: 379,
    unknownRate: 0,
    dangerousAsRead: 0,
  },
  {
    name: 'ninth',
    file: UNSEEN_FRESH_9,
    count: 331,
    servers: 15,
    scored: '95.8% (317) with 2.8.0',
    threeWay: 317,
    fiveWay: 317,
    unknownRate: 0.006,
    dangerousAsRead: 0,
  },
];

describe('the fresh sets, labelled blind and scored once, kept as regression sets', () => {
  it.each(FRESH_SETS)('the $name set ($count tools, $servers npm servers), scored $scored, keeps ≥ $threeWay three-way', async (set) => {
    const report = await evaluateFile(set.file);
    expect(report.count).toBe(set.count);
    expect(report.servers.length).toBe(set.servers);
    expect(report.threeWay.correct).toBeGreaterThanOrEqual(set.threeWay);
    expect(report.fiveWay.correct).toBeGreaterThanOrEqual(set.fiveWay);
    expect(report.threeWay.unknownRate).toBeLessThanOrEqual(set.unknownRate);
    expect(report.servers.reduce((n, s) => n + s.dangerousAsRead, 0)).toBeLessThanOrEqual(set.dangerousAsRead);
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
    writeFileSync(file, `{"name":"a","category":"execute"}\n{"name":"b"}\n`);
    await expect(evaluateFile(file)).rejects.toThrow(/bad\.jsonl:2: not a labelled tool: category: needs a category/);
    writeFileSync(file, '{"name":"a","label":"read"}\n{nope\n');
    await expect(evaluateFile(file)).rejects.toThrow(/bad\.jsonl:2: not JSON/);
  });
});
