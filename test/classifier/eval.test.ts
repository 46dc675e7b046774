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

describe('the second fresh set (356 tools, 11 npm servers of mail, CRM, e-commerce, devops, search), scored once', () => {
  it('scored 94.7% once (337/356); as a regression set now 98.9% three-way (352/356), 98.6% five-way, nothing dangerous read', async () => {
    const report = await evaluateFile(UNSEEN_SERVICES);
    expect(report.count).toBe(356);
    expect(report.servers.length).toBe(11);
    expect(report.threeWay.correct).toBeGreaterThanOrEqual(352);
    expect(report.fiveWay.correct).toBeGreaterThanOrEqual(351);
    expect(report.threeWay.unknownRate).toBeLessThanOrEqual(0.003);
    expect(report.servers.reduce((n, s) => n + s.dangerousAsRead, 0)).toBe(0);
  });
});

describe('the third fresh set (707 tools, 20 npm servers), scored once with 2.2.0', () => {
  it('scored 90.2% once (638/707); as a regression set now 95.8% three-way (677/707), 95.6% five-way, one dangerous tool read', async () => {
    const report = await evaluateFile(UNSEEN_FRESH_3);
    expect(report.count).toBe(707);
    expect(report.servers.length).toBe(20);
    expect(report.threeWay.correct).toBeGreaterThanOrEqual(677);
    expect(report.fiveWay.correct).toBeGreaterThanOrEqual(676);
    expect(report.threeWay.unknownRate).toBeLessThanOrEqual(0.003);
    // `open-session` on a remote host, read as opening a session; see docs/classifier.md's disagreements
    expect(report.servers.reduce((n, s) => n + s.dangerousAsRead, 0)).toBeLessThanOrEqual(1);
  });
});

describe('the fourth fresh set (775 tools, 15 npm servers), scored once with 2.3.0', () => {
  it('scored 88.9% once (689/775); as a regression set since 2.4.0: 96.8% three-way (750/775) since 2.6.0, 96.8% five-way, nothing dangerous read', async () => {
    const report = await evaluateFile(UNSEEN_FRESH_4);
    expect(report.count).toBe(775);
    expect(report.servers.length).toBe(15);
    expect(report.threeWay.correct).toBeGreaterThanOrEqual(750);
    expect(report.fiveWay.correct).toBeGreaterThanOrEqual(750);
    expect(report.threeWay.unknownRate).toBeLessThanOrEqual(0.003);
    expect(report.servers.reduce((n, s) => n + s.dangerousAsRead, 0)).toBe(0);
  });
});

describe('the fifth fresh set (715 tools, 39 npm servers), scored once with 2.4.0', () => {
  it('scored 89.5% once (640/715); as a regression set since 2.5.0, with 2.7.0: 93.6% three-way (669/715), 93.2% five-way (666/715), unknown 0.3%', async () => {
    const report = await evaluateFile(UNSEEN_FRESH_5);
    expect(report.count).toBe(715);
    expect(report.servers.length).toBe(39);
    expect(report.threeWay.correct).toBeGreaterThanOrEqual(669);
    expect(report.fiveWay.correct).toBeGreaterThanOrEqual(666);
    expect(report.threeWay.unknownRate).toBeLessThanOrEqual(0.0028); // 2 of 715 (6 as scored)
  });
});

describe('the sixth fresh set (337 tools, 18 npm servers), scored once with 2.5.0', () => {
  it('scored 91.1% once (307/337); as a regression set since 2.6.0: 98.8% three-way (333/337), 98.8% five-way, nothing unknown', async () => {
    const report = await evaluateFile(UNSEEN_FRESH_6);
    expect(report.count).toBe(337);
    expect(report.servers.length).toBe(18);
    expect(report.threeWay.correct).toBeGreaterThanOrEqual(333);
    expect(report.fiveWay.correct).toBeGreaterThanOrEqual(333);
    expect(report.threeWay.unknownRate).toBe(0); // 5 of 337 as scored
    expect(report.servers.reduce((n, s) => n + s.dangerousAsRead, 0)).toBe(0); // 1 as scored
  });
});

describe('the seventh fresh set (449 tools, 34 npm servers), scored once with 2.6.0', () => {
  it('scored 89.3% once (401/449); as a regression set since 2.7.0: 94.2% three-way (423/449), 93.1% five-way (418/449), nothing unknown, nothing dangerous read', async () => {
    const report = await evaluateFile(UNSEEN_FRESH_7);
    expect(report.count).toBe(449);
    expect(report.servers.length).toBe(34);
    expect(report.threeWay.correct).toBeGreaterThanOrEqual(423);
    expect(report.fiveWay.correct).toBeGreaterThanOrEqual(418);
    expect(report.threeWay.unknownRate).toBe(0); // 12 of 449 as scored
    expect(report.servers.reduce((n, s) => n + s.dangerousAsRead, 0)).toBe(0);
  });
});

describe('the eighth fresh set (400 tools, 15 npm servers), scored once with 2.7.0', () => {
  it('scored 92.3% once (369/400); as a regression set since 2.8.0: 95.3% three-way (381/400), 94.8% five-way (379/400), nothing unknown, nothing dangerous read', async () => {
    const report = await evaluateFile(UNSEEN_FRESH_8);
    expect(report.count).toBe(400);
    expect(report.servers.length).toBe(15);
    expect(report.threeWay.correct).toBeGreaterThanOrEqual(381);
    expect(report.fiveWay.correct).toBeGreaterThanOrEqual(379);
    expect(report.threeWay.unknownRate).toBe(0); // 4 of 400 as scored
    expect(report.servers.reduce((n, s) => n + s.dangerousAsRead, 0)).toBe(0); // 1 as scored
  });
});

describe('the ninth fresh set (331 tools, 15 npm servers), scored once with 2.8.0', () => {
  it('keeps its first score: 95.8% three-way and five-way (317/331), unknown 0.6%, nothing dangerous read', async () => {
    const report = await evaluateFile(UNSEEN_FRESH_9);
    expect(report.count).toBe(331);
    expect(report.servers.length).toBe(15);
    expect(report.threeWay.correct).toBeGreaterThanOrEqual(317);
    expect(report.fiveWay.correct).toBeGreaterThanOrEqual(317);
    expect(report.threeWay.unknownRate).toBeLessThanOrEqual(0.006); // 2 of 331
    expect(report.servers.reduce((n, s) => n + s.dangerousAsRead, 0)).toBe(0);
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
