import type { Command } from 'commander';
import { evaluateFile, type Metrics } from '../../classifier/eval/index.ts';
import { formatTable, printable, printJson } from '../output.ts';

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description(
      'Measure the classifier against labelled tools (JSONL with the human `category`, or a three-way label): three-way and five-way accuracy, per-flag precision/recall, per-server figures, two baselines.',
    )
    .argument('<file>', 'labelled tools, one JSON object per line (e.g. tools-dev.jsonl)')
    .option('--json', 'print the whole report as JSON')
    .option('--limit <n>', 'misclassified tools to list (default 50; all with --json)', '50')
    .action(async (file: string, options: { json?: boolean; limit: string }) => {
      const report = await evaluateFile(file);
      if (options.json) return printJson(report);
      const limit = Math.max(0, Number.parseInt(options.limit, 10) || 0);
      const t = report.threeWay;
      const lines = [
        `${report.count} labelled tools in ${printable(file)}`,
        '',
        'Three-way from the human category (read / write / destructive; execute and financial count as destructive):',
        `  accuracy ${percent(t.accuracy)} (${t.correct}/${t.count}), unknown ${percent(t.unknownRate)}, labelled destructive/execute/financial classified read ${percent(t.destructiveAsRead)}`,
        indent(confusionTable(t)),
        indent(perLabelTable(t)),
        '',
        `Five-way against the human category (${report.fiveWay.count} tools): accuracy ${percent(report.fiveWay.accuracy)} (${report.fiveWay.correct}/${report.fiveWay.count}), unknown ${percent(report.fiveWay.unknownRate)}`,
        indent(confusionTable(report.fiveWay)),
        indent(perLabelTable(report.fiveWay)),
        '',
        'Baselines, three-way:',
        indent(
          formatTable(
            ['classifier', 'accuracy', 'unknown', 'destructive recall'],
            [
              ['toolrisk', percent(t.accuracy), percent(t.unknownRate), percent(t.perLabel.destructive.recall)],
              ...(
                [
                  ['annotations only (MCP defaults)', report.baselines.annotations],
                  ['name verb only', report.baselines.nameVerb],
                ] as const
              ).map(([name, m]) => [name, percent(m.accuracy), percent(m.unknownRate), percent(m.perLabel.destructive.recall)]),
            ],
          ),
        ),
        '',
        'Risk flags against the human flags:',
        indent(
          formatTable(
            ['flag', 'precision', 'recall', 'support'],
            Object.entries(report.flags).map(([flag, f]) => [flag, percent(f.precision), percent(f.recall), f.support]),
          ),
        ),
        '',
        'Per server:',
        indent(
          formatTable(
            ['server', 'tools', 'three-way', 'five-way', 'dangerous as read'],
            report.servers.map((s) => [printable(s.server), s.count, percent(s.threeWay), percent(s.fiveWay), s.dangerousAsRead]),
          ),
        ),
        '',
        `Poisoning suspects: ${report.poisoningFlagged.length} of ${report.count}`,
        ...report.poisoningFlagged.map(
          (p) => `  line ${p.line} ${printable(p.name)}: ${p.evidence.map((e) => `${e.rule} “${printable(e.match)}”`).join(', ')}`,
        ),
        '',
        `Misclassified three-way: ${report.misclassified.length}${report.misclassified.length > limit ? ` (first ${limit}; --limit or --json for all)` : ''}`,
      ];
      for (const m of report.misclassified.slice(0, limit)) {
        lines.push(
          `  line ${m.line} ${printable(m.server ?? '')} ${printable(m.name)}: labelled ${m.expected}${m.category ? ` (${m.category})` : ''}, classified ${m.predicted}`,
        );
        lines.push(`    ${printable(m.explanation)}`);
        for (const e of m.evidence) lines.push(`    - ${e.rule} [${e.field}] “${printable(e.match)}” → ${e.points} ${e.weight.toFixed(2)}`);
      }
      console.log(lines.join('\n'));
    });
}

function confusionTable(m: Metrics): string {
  const labels = Object.keys(m.confusion);
  const columns = [...labels, 'unknown'];
  return formatTable(
    ['label \\ classified', ...columns],
    labels.map((label) => [label, ...columns.map((c) => m.confusion[label][c] ?? 0)]),
  );
}

function perLabelTable(m: Metrics): string {
  return formatTable(
    ['label', 'precision', 'recall', 'support'],
    Object.entries(m.perLabel).map(([label, p]) => [label, percent(p.precision), percent(p.recall), p.support]),
  );
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

function indent(text: string): string {
  return text.replace(/^/gm, '  ');
}
