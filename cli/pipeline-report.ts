import { CATEGORIES, SEVERITIES } from '../classifier/types.ts';
import type { PipelineEvent, PipelineSummary } from '../pipeline/run.ts';
import { printable } from './output.ts';

/**
 * One progress display for the whole pipeline on stderr: on a terminal, one line redrawn in place per step
 * (crawl bar, classification count, build messages); otherwise a plain line per event worth logging.
 */
export function pipelineProgress(stream: NodeJS.WriteStream = process.stderr): { event(e: PipelineEvent): void; done(): void } {
  const tty = stream.isTTY === true;
  let drawn = false;
  let lastPlain = 0;
  const draw = (line: string) => {
    stream.write(`\r\x1b[2K${printable(line).slice(0, (stream.columns || 120) - 1)}`);
    drawn = true;
  };
  const print = (line: string) => {
    if (drawn) stream.write('\n');
    drawn = false;
    stream.write(`${printable(line)}\n`);
  };
  return {
    event(e) {
      if (e.kind === 'done') return print(`${e.step}: ${e.message}`);
      if (e.step === 'crawl' && e.kind === 'start') {
        const where = e.distributed ? 'through the workers' : 'in this process';
        return print(`crawl: ${e.servers} servers ${where}${e.fresh ? ` (${e.fresh} crawled recently, left alone)` : ''}`);
      }
      if (e.step === 'crawl' && e.kind === 'progress') {
        const line = `crawl ${bar(e.done, e.total)} ${e.done}/${e.total}  ${counts(e.counts)}  ETA ${eta(e.done, e.total, e.elapsedMs)}`;
        if (tty) return draw(line);
        // Plain output: a line every tenth of the way, not one per server.
        if (e.done === e.total || e.done - lastPlain >= Math.max(1, Math.ceil(e.total / 10))) {
          lastPlain = e.done;
          print(line);
        }
        return;
      }
      if (e.step === 'classify' && e.kind === 'progress') return tty ? draw(`classify: ${e.classified} definitions`) : undefined;
      if (e.step === 'build' && e.kind === 'start') return print('build: rendering the site');
      if (e.step === 'build' && e.kind === 'log') return tty ? draw(`build: ${e.message}`) : print(`build: ${e.message}`);
    },
    done() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}

/** The final summary, a few lines for a person. */
export function describeSummary(s: PipelineSummary): string[] {
  const lines: string[] = [];
  const crawl = s.crawl;
  if (crawl.status === 'skipped') lines.push(`Servers:  none crawled; all ${crawl.fresh} were crawled recently (--fresh-for 0 crawls them again)`);
  else {
    lines.push(
      `Servers:  run ${crawl.runId} ${crawl.status}, ${crawl.servers} crawled${crawl.fresh ? `, ${crawl.fresh} left alone (crawled recently)` : ''}: ${counts(crawl.outcomes) || 'none'}`,
    );
  }
  lines.push(`Changes:  since the last run: ${changes(crawl.changes)}`);
  lines.push(`Classify: ${s.classify.classified} new tool definitions classified (classifier ${s.classify.classifierVersion})`);
  lines.push(
    `Tools:    ${s.catalogue.tools} current tools on ${s.catalogue.servers} servers${s.catalogue.unclassified ? ` (${s.catalogue.unclassified} unclassified)` : ''}`,
  );
  lines.push(`          by category: ${ordered(s.catalogue.byCategory, CATEGORIES)}`);
  lines.push(`          by severity: ${ordered(s.catalogue.bySeverity, SEVERITIES)}`);
  if (s.site.outDir) lines.push(`Site:     ${s.site.outDir} (${s.site.built ? `built, ${s.site.pages} pages` : `not rebuilt: ${s.site.reason}`})`);
  else lines.push('Site:     not built (--no-build)');
  lines.push(`Done in ${(s.durationMs / 1000).toFixed(1)}s.`);
  return lines;
}

/** One line for the schedule's log. */
export function oneLineSummary(s: PipelineSummary): string {
  const crawl =
    s.crawl.status === 'skipped' ? 'nothing to crawl' : `run ${s.crawl.runId} ${s.crawl.status}, ${s.crawl.servers} servers (${counts(s.crawl.outcomes)})`;
  const site = s.site.built ? `site rebuilt (${s.site.pages} pages)` : `site not rebuilt (${s.site.reason})`;
  return `${crawl}; changes: ${changes(s.crawl.changes)}; ${s.classify.classified} classified; ${s.catalogue.tools} tools; ${site}`;
}

function counts(byKey: Record<string, number>): string {
  return Object.entries(byKey)
    .filter(([, n]) => n > 0)
    .sort(([, a], [, b]) => b - a)
    .map(([key, n]) => `${key} ${n}`)
    .join(' · ');
}

function ordered(byKey: Record<string, number>, keys: readonly string[]): string {
  return keys.map((key) => `${key} ${byKey[key] ?? 0}`).join(' · ');
}

function changes(byKind: Record<string, number>): string {
  const total = Object.values(byKind).reduce((a, b) => a + b, 0);
  if (total === 0) return 'no tool changes';
  return ['added', 'removed', 'changed'].map((kind) => `${byKind[kind] ?? 0} ${kind}`).join(', ');
}

function bar(done: number, total: number, width = 24): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

function eta(done: number, total: number, elapsedMs: number): string {
  if (done === 0) return '?';
  const seconds = ((total - done) * elapsedMs) / done / 1000;
  return seconds < 60 ? `${Math.ceil(seconds)}s` : `${Math.floor(seconds / 60)}m${Math.round(seconds % 60)}s`;
}
