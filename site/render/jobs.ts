import type { CatalogueServer, CrawlAttemptRow, ToolChangeRow } from '../../db/index.ts';
import { buildServerBundle, toolRow, type ServerPageModel, type ServerRowModel, type ToolRowModel } from './model.ts';
import { openDataRecords } from './open-data.ts';
import type { OutputWriter, Renderer, ViewName } from './render.ts';
import { documentTerms, type DocumentTerms, type SearchDoc } from './search-index.ts';

/** A batch of servers to render: pages, policies and per-server JSON. */
export interface ServersJob {
  type: 'servers';
  /** The batch's place in the catalogue: its lines of catalogue.jsonl go to `catalogue-parts/<seq>.jsonl`. */
  seq: number;
  entries: CatalogueServer[];
  slugs: string[];
  changes: ToolChangeRow[];
  attempts: CrawlAttemptRow[];
  classifierVersion: string;
}

/** Pages whose props are ready, e.g. list pages. */
export interface PagesJob {
  type: 'pages';
  pages: Array<{ url: string; view: ViewName; props: Record<string, unknown> }>;
}

export type Job = ServersJob | PagesJob;

export interface ServersResult {
  servers: ServerRowModel[];
  tools: ToolRowModel[];
  search: Array<{ doc: SearchDoc; terms: DocumentTerms }>;
  pages: number;
  files: number;
}

/** Where a servers job leaves its lines of catalogue.jsonl; the build joins the parts in order. */
export const CATALOGUE_PARTS = '/catalogue-parts/';
export function cataloguePart(seq: number): string {
  return `${CATALOGUE_PARTS}${seq}.jsonl`;
}

export type JobResult = ServersResult | { pages: number; files: number };

export async function runJob(job: Job, renderer: Renderer, out: OutputWriter): Promise<JobResult> {
  const filesBefore = out.files;
  if (job.type === 'pages') {
    for (const page of job.pages) out.write(page.url, await renderer.render(page.view, page.props));
    return { pages: job.pages.length, files: out.files - filesBefore };
  }
  const result: ServersResult = { servers: [], tools: [], search: [], pages: 0, files: 0 };
  let catalogue = '';
  const changesBy = groupBy(job.changes, (c) => c.serverId);
  const attemptBy = new Map(job.attempts.map((a) => [a.serverId, a]));
  for (const [i, entry] of job.entries.entries()) {
    const id = entry.server.id;
    const bundle = buildServerBundle({
      entry,
      serverSlug: job.slugs[i],
      changes: changesBy.get(id) ?? [],
      attempt: attemptBy.get(id) ?? null,
      classifierVersion: job.classifierVersion,
    });
    const records = openDataRecords(entry, bundle);
    out.write(bundle.server.jsonUrl, `${JSON.stringify({ ...records.server, tools: records.tools }, null, 2)}\n`);
    catalogue += [records.server, ...records.tools].map((r) => `${JSON.stringify(r)}\n`).join('');
    out.write(bundle.server.url, await renderer.render('ServerView', { server: bundle.server }));
    for (const p of bundle.server.policies) out.write(p.href, p.text);
    result.servers.push(serverRow(bundle.server));
    result.search.push({
      doc: { kind: 'server', name: id, server: id, url: bundle.server.url, category: '', severity: bundle.server.worstSeverity ?? '', snippet: snippet(entry.server.description ?? entry.server.title) },
      terms: documentTerms(`${id} ${entry.server.title ?? ''}`, entry.server.description ?? ''),
    });
    for (const tool of bundle.tools) {
      out.write(tool.url, await renderer.render('ToolView', { tool }));
      for (const p of tool.policies) out.write(p.href, p.text);
      result.tools.push(toolRow(tool));
      result.search.push({
        doc: { kind: 'tool', name: tool.name, server: id, url: tool.url, category: tool.classification.category, severity: tool.classification.severity, snippet: snippet(tool.description) },
        terms: documentTerms(`${tool.name} ${tool.title ?? ''}`, `${tool.description ?? ''} ${id}`),
      });
    }
    result.pages += 1 + bundle.tools.length;
  }
  out.write(cataloguePart(job.seq), catalogue);
  result.files = out.files - filesBefore - 1;
  return result;
}

function serverRow(s: ServerPageModel): ServerRowModel {
  return { id: s.id, title: s.title, url: s.url, grade: s.grade, lethalTrifecta: s.lethalTrifecta, toolCount: s.toolCount, worstSeverity: s.worstSeverity, lastOutcome: s.lastOutcome };
}

function snippet(text: string | null | undefined): string {
  if (!text) return '';
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 160 ? `${flat.slice(0, 159)}…` : flat;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
