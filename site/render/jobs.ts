import type { CatalogueServer, CrawlAttemptRow, ToolChangeRow } from '../../db/index.ts';
import { buildServerBundle, toolRow, type BundleInput, type ServerBundle, type ServerPageModel, type ServerRowModel, type ToolRowModel } from './model.ts';
import { openDataRecords } from './open-data.ts';
import type { OutputWriter, Renderer } from './render.ts';
import { documentTerms, type DocumentTerms, type SearchDoc } from './search-index.ts';
import type { PageSpec, ViewName, ViewProps } from './views.ts';

/** A batch of servers to render: pages, policies and per-server JSON. */
export interface ServersJob {
  type: 'servers';
  /** The batch's place in the catalogue: its lines of catalogue.jsonl go to `catalogue-parts/<seq>.jsonl`. */
  seq: number;
  entries: CatalogueServer[];
  slugs: string[];
  changes: ToolChangeRow[];
  attempts: CrawlAttemptRow[];
  /** Absolute base URL of the site, for canonical links and badge snippets. */
  siteUrl: string;
  /** Per entry: the tools whose schema or annotations were cut before sending (see bounded.ts). */
  cutTools: string[][];
}

/** Pages whose props are ready, e.g. list pages. */
export interface PagesJob {
  type: 'pages';
  pages: PageSpec[];
}

export type Job = ServersJob | PagesJob;

export interface ServersResult {
  servers: ServerRowModel[];
  tools: ToolRowModel[];
  search: Array<{ doc: SearchDoc; terms: DocumentTerms }>;
  /** Servers and tools skipped or shown cut, each naming the server. */
  warnings: string[];
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
    for (const page of job.pages) out.write(page.url, await renderPage(renderer, page));
    return { pages: job.pages.length, files: out.files - filesBefore };
  }
  const result: ServersResult = { servers: [], tools: [], search: [], warnings: [], pages: 0, files: 0 };
  let catalogue = '';
  const changesBy = groupBy(job.changes, (c) => c.serverId);
  const attemptBy = new Map(job.attempts.map((a) => [a.serverId, a]));
  for (const [i, entry] of job.entries.entries()) {
    const id = entry.server.id;
    const input = { entry, serverSlug: job.slugs[i], changes: changesBy.get(id) ?? [], attempt: attemptBy.get(id) ?? null, siteUrl: job.siteUrl, cutTools: job.cutTools[i] };
    for (const tool of input.cutTools) result.warnings.push(`Server ${JSON.stringify(id)}: the input schema or annotations of tool ${JSON.stringify(tool)} are nested too deep or too large; shown cut.`);
    // One bad server costs only its own pages: it is skipped and reported, the rest of the site is built.
    let rendered: RenderedServer;
    try {
      rendered = await renderServer(input, renderer, result.warnings);
    } catch (error) {
      result.warnings.push(`Server ${JSON.stringify(id)} skipped: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const { bundle, files } = rendered;
    const records = openDataRecords(entry, bundle);
    out.write(bundle.server.jsonUrl, `${JSON.stringify({ ...records.server, tools: records.tools }, null, 2)}\n`);
    catalogue += [records.server, ...records.tools].map((r) => `${JSON.stringify(r)}\n`).join('');
    for (const [url, content] of files) out.write(url, content);
    result.servers.push(serverRow(bundle.server));
    result.search.push({
      doc: { kind: 'server', name: id, server: id, url: bundle.server.url, category: '', severity: bundle.server.worstSeverity ?? '', flags: [], snippet: snippet(entry.server.description ?? entry.server.title) },
      terms: documentTerms(`${id} ${entry.server.title ?? ''}`, entry.server.description ?? ''),
    });
    for (const tool of bundle.tools) {
      result.tools.push(toolRow(tool));
      result.search.push({
        doc: { kind: 'tool', name: tool.name, server: id, url: tool.url, category: tool.classification.category, severity: tool.classification.severity, flags: tool.classification.flags, snippet: snippet(tool.description) },
        terms: documentTerms(`${tool.name} ${tool.title ?? ''}`, `${tool.description ?? ''} ${id}`),
      });
    }
    result.pages += 1 + bundle.tools.length;
  }
  out.write(cataloguePart(job.seq), catalogue);
  result.files = out.files - filesBefore - 1;
  return result;
}

function renderPage<V extends ViewName>(renderer: Renderer, page: { view: V; props: ViewProps[V] }): Promise<string> {
  return renderer.render(page.view, page.props);
}

interface RenderedServer {
  bundle: ServerBundle;
  /** Every file of the server but its JSON: pages, policies, badge. */
  files: Array<[url: string, content: string]>;
}

/**
 * Renders a server's pages in memory. A tool whose page fails to render is left out (with a warning naming
 * the server and the tool) and the server is rendered again without it, so no page links to a missing one.
 */
async function renderServer(input: BundleInput, renderer: Renderer, warnings: string[]): Promise<RenderedServer> {
  let tools = input.entry.tools;
  for (;;) {
    const bundle = buildServerBundle({ ...input, entry: { ...input.entry, tools } });
    for (const s of bundle.skipped) warnings.push(`Server ${JSON.stringify(input.entry.server.id)}: tool ${JSON.stringify(s.tool)} left out: ${s.reason}.`);
    const files: RenderedServer['files'] = [];
    const failed = new Set<string>();
    for (const tool of bundle.tools) {
      try {
        files.push([tool.url, await renderer.render('ToolView', { tool })]);
        for (const p of tool.policies) files.push([p.href, p.text]);
      } catch (error) {
        failed.add(tool.name);
        warnings.push(`Server ${JSON.stringify(input.entry.server.id)}: tool ${JSON.stringify(tool.name)} left out: its page failed to render: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    if (failed.size > 0) {
      tools = tools.filter((t) => !failed.has(t.name));
      input = { ...input, entry: { ...input.entry, tools } };
      continue;
    }
    files.push([bundle.server.url, await renderer.render('ServerView', { server: bundle.server })]);
    for (const p of bundle.server.policies) files.push([p.href, p.text]);
    files.push([bundle.server.badge.url, bundle.server.badge.svg]);
    return { bundle, files };
  }
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
