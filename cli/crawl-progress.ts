import type { CrawlProgress } from '../crawler/index.ts';
import { printable } from './output.ts';

/**
 * Shows a crawl's progress on stderr: a bar redrawn in place on a terminal (done/total, counts by outcome,
 * rate, ETA), one plain line per server otherwise.
 */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): { update(p: CrawlProgress): void; done(): void } {
  const tty = stream.isTTY === true;
  let drawn = false;
  return {
    update(p) {
      if (!tty) {
        stream.write(`${p.done}/${p.total} ${p.outcome} ${printable(p.serverId)}${p.error ? `: ${printable(p.error).slice(0, 200)}` : ''}\n`);
        return;
      }
      const width = 24;
      const filled = p.total === 0 ? width : Math.round((p.done / p.total) * width);
      const rate = p.done / Math.max(p.elapsedMs / 1000, 0.001);
      const eta = rate > 0 ? (p.total - p.done) / rate : 0;
      const counts = Object.entries(p.counts)
        .sort(([, a], [, b]) => b! - a!)
        .map(([outcome, n]) => `${outcome} ${n}`)
        .join(' · ');
      const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${p.done}/${p.total}  ${counts}  ${rate.toFixed(1)}/s  ETA ${duration(eta)}`;
      stream.write(`\r\x1b[2K${line.slice(0, (stream.columns || 120) - 1)}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\n');
    },
  };
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m${Math.round(seconds % 60)}s` : `${Math.floor(minutes / 60)}h${minutes % 60}m`;
}
