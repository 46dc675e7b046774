import type { CatalogueServer, CrawlAttemptRow, ToolChangeRow } from '../../db/index.ts';
import { rebaseUrl } from './base-path.ts';
import { inputHash, type ServerRecord } from './manifest.ts';
import { buildServerBundle, toolRow, type ServerPageModel, type ServerRowModel } from './model.ts';
import { openDataRecords } from './open-data.ts';
import type { OutputWriter, Renderer, ViewName } from './render.ts';
import { documentTerms } from './search-index.ts';

/** A batch of servers to render: pages and per-server JSON and policies. */
export interface ServersJob {
  type: 'servers';
  /** The batch's place in the catalogue: its lines of catalogue.jsonl go to `catalogue-parts/<seq>.jsonl`. */
  seq: number;
  entries: CatalogueServer[];
  slugs: string[];
  fingerprints: string[];
  /** Each server's files at the last build, with the hash of their inputs: a file whose hash is unchanged is not written. */
  previous: Array<Record<string, string>>;
  changes: ToolChangeRow[];
  attempts: CrawlAttemptRow[];
  classifierVersion: string;
}

/** A page whose props are ready, e.g. a list page. */
export interface PageSpec {
  url: string;
  view: ViewName;
  props: Record<string, unknown>;
}

/** Pages whose props are ready. */
export interface PagesJob {
  type: 'pages';
  pages: PageSpec[];
}

export type Job = ServersJob | PagesJob;

/** What a render worker was started with. */
export interface WorkerSetup {
  viewsModule: string;
  outDir: string;
  /** The path the site is hosted under ("/" at the root). */
  base: string;
  /** Mixed into every input hash: changes whenever the templates or the renderer change. */
  salt: string;
}

export interface ServersResult {
  records: Array<Omit<ServerRecord, 'catalogue'> & { catalogueBytes: number }>;
  /** Pages rendered (pages whose inputs did not change are not). */
  pages: number;
  files: number;
}

/** Where a servers job leaves its lines of catalogue.jsonl; the build joins the parts in order. */
export const CATALOGUE_PARTS = '/catalogue-parts/';
export function cataloguePart(seq: number): string {
  return `${CATALOGUE_PARTS}${seq}.jsonl`;
}

export type JobResult = ServersResult | { pages: number; files: number };

export async function runJob(job: Job, renderer: Renderer, out: OutputWriter, setup: WorkerSetup): Promise<JobResult> {
  const filesBefore = out.files;
  if (job.type === 'pages') {
    for (const page of job.pages) out.write(page.url, await renderer.render(page.view, page.props));
    return { pages: job.pages.length, files: out.files - filesBefore };
  }
  const result: ServersResult = { records: [], pages: 0, files: 0 };
  let catalogue = '';
  const changesBy = groupBy(job.changes, (c) => c.serverId);
  const attemptBy = new Map(job.attempts.map((a) => [a.serverId, a]));
  const base = setup.base;
  for (const [i, entry] of job.entries.entries()) {
    const id = entry.server.id;
    const previous = job.previous[i];
    const outputs: Record<string, string> = {};
    /** Writes a file unless the hash of its inputs is the one it was last written with. */
    const file = (url: string, content: string) => {
      outputs[url] = inputHash(setup.salt, content);
      if (previous[url] !== outputs[url]) out.write(url, content);
    };
    const page = async (url: string, view: ViewName, props: Record<string, unknown>) => {
      outputs[url] = inputHash(setup.salt, view, JSON.stringify(props));
      if (previous[url] === outputs[url]) return;
      out.write(url, await renderer.render(view, props));
      result.pages++;
    };
    const bundle = buildServerBundle({
      entry,
      serverSlug: job.slugs[i],
      changes: changesBy.get(id) ?? [],
      attempt: attemptBy.get(id) ?? null,
      classifierVersion: job.classifierVersion,
    });
    const records = openDataRecords(entry, bundle, base);
    file(bundle.server.jsonUrl, `${JSON.stringify({ ...records.server, tools: records.tools }, null, 2)}\n`);
    const lines = [records.server, ...records.tools].map((r) => `${JSON.stringify(r)}\n`).join('');
    catalogue += lines;
    await page(bundle.server.url, 'ServerView', { server: bundle.server });
    for (const p of bundle.server.policies) file(p.href, p.text);
    const search: ServerRecord['search'] = [
      {
        doc: { kind: 'server', name: id, server: id, url: rebaseUrl(bundle.server.url, base), category: '', severity: bundle.server.worstSeverity ?? '', snippet: snippet(entry.server.description ?? entry.server.title) },
        terms: documentTerms(`${id} ${entry.server.title ?? ''}`, entry.server.description ?? ''),
      },
    ];
    for (const tool of bundle.tools) {
      await page(tool.url, 'ToolView', { tool });
      search.push({
        doc: { kind: 'tool', name: tool.name, server: id, url: rebaseUrl(tool.url, base), category: tool.classification.category, severity: tool.classification.severity, snippet: snippet(tool.description) },
        terms: documentTerms(`${tool.name} ${tool.title ?? ''}`, `${tool.description ?? ''} ${id}`),
      });
    }
    result.records.push({
      id,
      fingerprint: job.fingerprints[i],
      slug: job.slugs[i],
      outputs,
      server: serverRow(bundle.server),
      tools: bundle.tools.map(toolRow),
      search,
      catalogueBytes: Buffer.byteLength(lines),
    });
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
