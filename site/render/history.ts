import type { ToolChangeRow } from '../../db/index.ts';
import type { HistoryEntry } from './model.ts';

export function historyEntry(change: ToolChangeRow, toolUrls: Map<string, string>): HistoryEntry {
  return {
    toolName: change.toolName,
    toolUrl: toolUrls.get(change.toolName) ?? null,
    kind: change.kind,
    fields: change.fields,
    detectedAt: change.detectedAt.toISOString(),
  };
}

const GROUP_OVER = 5;

/**
 * Folds runs of more than five changes of one kind at one moment (a server's first crawl adds all its
 * tools at once) into one line, so the history shows the changes worth reading.
 */
export function groupHistory<T extends HistoryEntry>(entries: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < entries.length; ) {
    let j = i;
    while (j < entries.length && entries[j].detectedAt === entries[i].detectedAt && entries[j].kind === entries[i].kind && sameServer(entries[j], entries[i]))
      j++;
    if (j - i > GROUP_OVER) out.push({ ...entries[i], toolName: `${j - i} tools`, toolUrl: null, fields: [] });
    else out.push(...entries.slice(i, j));
    i = j;
  }
  return out;
}

function sameServer(a: HistoryEntry, b: HistoryEntry): boolean {
  return (a as { serverId?: string }).serverId === (b as { serverId?: string }).serverId;
}
