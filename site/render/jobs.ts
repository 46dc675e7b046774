import { gzipSync } from 'node:zlib';
import type { CatalogueServer, CrawlStatusWithAttempt, ShownAttempt, ToolChangeRow } from '../../db/index.ts';
import { rebaseHtml } from './base-path.ts';
import { checkLastWritten, inputHash, readSearchable, type RestatedRecord, type ServerRecord } from './manifest.ts';
import { buildServerBundle, pageCrawlStatus, toolRow, type BundleInput, type ServerBundle, type ServerPageModel, type ServerRowModel } from './model.ts';
import { openDataRecords, restateServerJson } from './open-data.ts';
import type { OutputWriter, Renderer } from './render.ts';
import {
  crawlStatusOf,
  packServerPage,
  serverPageHash,
  serverPageState,
  spliceCrawlStatus,
  statusPageHash,
  unpackServerPage,
  type ServerPageState,
} from './server-page.ts';
import { rowDigest } from './lists.ts';
import { documentTerms, type DocumentTerms, type StoredDocument } from './search-index.ts';
import { urls } from './urls.ts';
import type { PageSpec, ViewName, ViewProps } from './views.ts';

/** A batch of servers to render: pages, policies and per-server JSON. */
export interface ServersJob {
  type: 'servers';
  /** The batch's place in the catalogue: its lines of catalogue.jsonl.gz go to `catalogue-parts/<seq>.jsonl.gz`. */
  seq: number;
  entries: CatalogueServer[];
  slugs: string[];
  fingerprints: string[];
  statuses: string[];
  /** Each server's files at the last build, with the hash of their inputs, as JSON: a file whose hash is unchanged is not written. */
  previous: string[];
  /** Each server's page as the last build's manifest keeps it ('' if it was not in that build): kept when its page is not rendered. */
  pages: string[];
  /** Each server's search documents and record at the last build (see PreviousManifest.searchable): a tool whose page is unchanged keeps its document. */
  searchable: Array<Uint8Array | null>;
  changes: ToolChangeRow[];
  /** Each server's latest crawl attempt, as its page shows it (null: none). */
  attempts: Array<ShownAttempt | null>;
  /** Absolute base URL of the site, for canonical links and badge snippets. */
  siteUrl: string;
  /** Per entry: the tools whose schema or annotations were cut before sending (see bounded.ts). */
  cutTools: string[][];
}

/**
 * Servers whose crawl status alone changed since the last build (see serverFingerprints): their new status is
 * spliced into the last build's server page and patched into its open data, and nothing else of theirs is read or rendered.
 */
export interface StatusJob {
  type: 'statuses';
  seq: number;
  servers: Array<{
    slug: string;
    status: CrawlStatusWithAttempt;
    /** Its server page as the last build's manifest keeps it (see ServerPageState), and its files then, as JSON. */
    page: string;
    previous: string;
  }>;
}

/** Pages whose props are ready, e.g. list pages. */
export interface PagesJob {
  type: 'pages';
  pages: PageSpec[];
}

export type Job = ServersJob | StatusJob | PagesJob;

/** What a render worker was started with. */
export interface WorkerSetup {
  viewsModule: string;
  outDir: string;
  /** The path the site is hosted under ("/" at the root). */
  base: string;
  /** Mixed into every input hash: changes whenever the templates or the renderer change. */
  salt: string;
}

/** A server's lines in its job's catalogue part: their length, and the length of the server line's gzip member. */
interface CatalogueBytes {
  catalogueBytes: number;
  catalogueHead: number;
}

export interface ServersResult {
  records: Array<Omit<ServerRecord, 'catalogue' | 'policy'> & CatalogueBytes>;
  /** Servers and tools skipped or shown cut, each naming the server. */
  warnings: string[];
  /** Pages rendered (pages whose inputs did not change are not). */
  pages: number;
  files: number;
}

/** Where a servers job leaves its gzip members of catalogue.jsonl.gz; the build joins the parts in order. */
export const CATALOGUE_PARTS = '/catalogue-parts/';
export function cataloguePart(seq: number): string {
  return `${CATALOGUE_PARTS}${seq}.jsonl.gz`;
}

export interface StatusResult {
  /** In the job's order; only its server line is in the job's catalogue part. */
  records: Array<Pick<RestatedRecord, 'page' | 'outputsJson'> & Pick<CatalogueBytes, 'catalogueHead'>>;
  pages: number;
  files: number;
}

export type JobResult = ServersResult | StatusResult | { pages: number; files: number };

export async function runJob(job: Job, renderer: Renderer, out: OutputWriter, setup: WorkerSetup): Promise<JobResult> {
  const filesBefore = out.files;
  if (job.type === 'pages') {
    for (const page of job.pages) out.write(page.url, await renderPage(renderer, page));
    return { pages: job.pages.length, files: out.files - filesBefore };
  }
  if (job.type === 'statuses') return restateServers(job, out, setup);
  const result: ServersResult = { records: [], warnings: [], pages: 0, files: 0 };
  const catalogue: Buffer[] = [];
  const changesBy = groupBy(job.changes, (c) => c.serverId);
  const base = setup.base;
  for (const [i, entry] of job.entries.entries()) {
    const id = entry.server.id;
    const previous = JSON.parse(job.previous[i]) as Record<string, string>;
    const input = {
      entry,
      serverSlug: job.slugs[i],
      changes: changesBy.get(id) ?? [],
      attempt: job.attempts[i],
      siteUrl: job.siteUrl,
      base,
      cutTools: job.cutTools[i],
    };
    for (const tool of input.cutTools)
      result.warnings.push(
        `Server ${JSON.stringify(id)}: the input schema or annotations of tool ${JSON.stringify(tool)} are nested too deep or too large; shown cut.`,
      );
    // One bad server costs only its own pages: it is skipped and reported, the rest of the site is built.
    let rendered: RenderedServer;
    try {
      rendered = await renderServer(input, renderer, result.warnings, { salt: setup.salt, previous });
    } catch (error) {
      result.warnings.push(`Server ${JSON.stringify(id)} skipped: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    const { bundle, files, outputs, serverPage } = rendered;
    /** Writes a file unless the hash of its content is the one it was last written with. */
    const file = (url: string, content: string) => {
      outputs[url] = inputHash(setup.salt, content);
      if (previous[url] !== outputs[url]) out.write(url, content);
    };
    const records = openDataRecords(entry, bundle, base);
    file(bundle.server.jsonUrl, records.json.text);
    // Gzip members concatenate into one valid gzip file, so the build can copy an unchanged server's bytes from the
    // last build's catalogue without compressing them again. The server line is a member of its own, so a new
    // crawl status replaces that member alone (see restateServers).
    const head = serverLineMember(records.json.line);
    const member = records.tools.length > 0 ? gzipSync(records.tools.map((r) => `${JSON.stringify(r)}\n`).join('')) : Buffer.alloc(0);
    catalogue.push(head, member);
    for (const [url, content] of files) {
      if (content.kind === 'page') {
        out.write(url, content.html);
        result.pages++;
      } else file(url, content.text);
    }
    if (serverPage) {
      out.write(bundle.server.url, serverPage.bytes);
      result.pages++;
    }
    // The server's search document, then its tools' (the rest of each document is its list row: see serverDocuments).
    // A tool's document is made of its name, title and description and its server's id, all of which its page's
    // inputs cover: where those are unchanged, so is the document the last build made.
    const kept = lastToolDocuments(job.searchable[i]);
    const search: ServerRecord['search'] = [
      stored(snippet(entry.server.description ?? entry.server.title), documentTerms(`${id} ${entry.server.title ?? ''}`, entry.server.description ?? '')),
      ...bundle.tools.map(
        (tool) =>
          (previous[tool.url] === outputs[tool.url] ? kept.get(tool.url) : undefined) ??
          stored(snippet(tool.description), documentTerms(`${tool.name} ${tool.title ?? ''}`, `${tool.description ?? ''} ${id}`)),
      ),
    ];
    const server = serverRow(bundle.server);
    const tools = bundle.tools.map(toolRow);
    result.records.push({
      id,
      fingerprint: job.fingerprints[i],
      status: job.statuses[i],
      slug: job.slugs[i],
      page: packServerPage({ ...(serverPage ? serverPage.state : unpackServerPage(job.pages[i])), json: records.json.regions }),
      outputs,
      server,
      tools,
      digests: [server, ...tools].map(rowDigest),
      search,
      catalogueBytes: head.byteLength + member.byteLength,
      catalogueHead: head.byteLength,
    });
  }
  out.write(cataloguePart(job.seq), Buffer.concat(catalogue));
  result.files = out.files - filesBefore - 1;
  return result;
}

/**
 * Patches each server's new crawl status into its server page and open data as the last build left them (both read
 * back from the site, and each must be the file that build wrote): the status is spliced into the page (see
 * server-page.ts) and into the JSON file (see restateServerJson), whose bytes up to its tools are its catalogue line.
 * The result is what rendering the server afresh writes.
 */
function restateServers(job: StatusJob, out: OutputWriter, setup: WorkerSetup): StatusResult {
  const filesBefore = out.files;
  const result: StatusResult = { records: [], pages: 0, files: 0 };
  const catalogue: Buffer[] = [];
  for (const { slug, status, page, previous: previousJson } of job.servers) {
    const previous = JSON.parse(previousJson) as Record<string, string>;
    const outputs = { ...previous };
    const url = urls.server(slug);
    const crawl = pageCrawlStatus(status, status.lastAttempt);
    let state = unpackServerPage(page);
    outputs[url] = statusPageHash(setup.salt, state.rest, crawl);
    if (outputs[url] !== previous[url]) {
      const spliced = spliceCrawlStatus(setup.salt, url, out.readBytes(url), state, crawl, setup.base);
      out.write(url, spliced.bytes);
      state = spliced.state;
      result.pages++;
    }
    const jsonUrl = urls.serverJson(slug);
    const last = out.readBytes(jsonUrl);
    checkLastWritten(setup.salt, jsonUrl, last, previous[jsonUrl], 'file');
    const json = restateServerJson(last, state.json, status);
    outputs[jsonUrl] = inputHash(setup.salt, json.bytes);
    if (outputs[jsonUrl] !== previous[jsonUrl]) out.write(jsonUrl, json.bytes);
    state = { ...state, json: json.regions };
    const head = serverLineMember(json.line);
    catalogue.push(head);
    result.records.push({ page: packServerPage(state), outputsJson: JSON.stringify(outputs), catalogueHead: head.byteLength });
  }
  out.write(cataloguePart(job.seq), Buffer.concat(catalogue));
  result.files = out.files - filesBefore - 1;
  return result;
}

/**
 * A server line's gzip member in catalogue.jsonl.gz: a nightly build compresses the line of every server it restates.
 * A line is short (≈ 1 KB), so deflate is set up for short input: a 1 KB window and a memLevel of 4 keep its state at
 * ≈ 12 KB instead of the defaults' ≈ 256 KB, whose setting up cost 76 µs a line on one machine (bench/RESULTS.md),
 * while a memLevel of 4 still holds a line's symbols in one block. (A memLevel of 1, used until 2026-12-06, ends a
 * block every 128 symbols, each with its own Huffman trees: 15% more bytes, and 41 µs a line against 22–24.)
 */
function serverLineMember(line: string | Uint8Array): Buffer {
  return gzipSync(line, { memLevel: 4, windowBits: 10 });
}

function renderPage<V extends ViewName>(renderer: Renderer, page: { view: V; props: ViewProps[V] }): Promise<string> {
  return renderer.render(page.view, page.props);
}

interface RenderedServer {
  bundle: ServerBundle;
  /** The server's pages whose inputs changed, rendered, and its other files but its JSON (policies, badge). */
  files: Array<[url: string, content: { kind: 'page'; html: string } | { kind: 'file'; text: string }]>;
  /** Every page's input hash, by URL (files are added by the caller as it writes them). */
  outputs: Record<string, string>;
  /** The server page unless its inputs are unchanged: the file's bytes (rebased), and its state for the manifest (see ServerPageState). */
  serverPage: { bytes: Buffer; state: Omit<ServerPageState, 'json'> } | null;
}

/**
 * Renders a server's pages in memory, except those whose input hash is the one they were last written with.
 * A tool whose page fails to render is left out (with a warning naming the server and the tool) and the
 * server is rendered again without it, so no page links to a missing one.
 */
async function renderServer(
  input: BundleInput,
  renderer: Renderer,
  warnings: string[],
  last: { salt: string; previous: Record<string, string> },
): Promise<RenderedServer> {
  let tools = input.entry.tools;
  for (;;) {
    const bundle = buildServerBundle({ ...input, entry: { ...input.entry, tools } });
    for (const s of bundle.skipped) warnings.push(`Server ${JSON.stringify(input.entry.server.id)}: tool ${JSON.stringify(s.tool)} left out: ${s.reason}.`);
    const files: RenderedServer['files'] = [];
    const outputs: Record<string, string> = {};
    const failed = new Set<string>();
    for (const tool of bundle.tools) {
      try {
        // The tool's policies are built on its page, not files of their own. Its input hash is of what its
        // model is made of (see bundledTool), so the model is made only for a page to render.
        outputs[tool.url] = inputHash(last.salt, 'ToolView', tool.pageInputs);
        if (last.previous[tool.url] !== outputs[tool.url])
          files.push([tool.url, { kind: 'page', html: await renderer.render('ToolView', { tool: tool.page() }) }]);
      } catch (error) {
        failed.add(tool.name);
        warnings.push(
          `Server ${JSON.stringify(input.entry.server.id)}: tool ${JSON.stringify(tool.name)} left out: its page failed to render: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    }
    if (failed.size > 0) {
      tools = tools.filter((t) => !failed.has(t.name));
      input = { ...input, entry: { ...input.entry, tools } };
      continue;
    }
    const server = bundle.server;
    const { rest, hash } = serverPageHash(last.salt, server);
    outputs[server.url] = hash;
    let serverPage: RenderedServer['serverPage'] = null;
    if (last.previous[server.url] !== hash) {
      // Rebased here rather than by the writer, so that its state describes the file as written.
      const base = input.base ?? '/';
      const written = rebaseHtml(await renderer.render('ServerView', { server }), base);
      const { bytes, state } = serverPageState(last.salt, rest, written, crawlStatusOf(server), base);
      serverPage = { bytes, state };
    }
    for (const p of server.policies) files.push([p.href, { kind: 'file', text: p.text }]);
    files.push([server.badge.url, { kind: 'file', text: server.badge.svg }]);
    return { bundle, files, outputs, serverPage };
  }
}

function serverRow(s: ServerPageModel): ServerRowModel {
  return {
    id: s.id,
    title: s.title,
    url: s.url,
    grade: s.grade,
    lethalTrifecta: s.lethalTrifecta,
    toolCount: s.toolCount,
    worstSeverity: s.worstSeverity,
    lastOutcome: s.lastOutcome,
  };
}

/** The last build's search documents of a server's tools, by page URL. */
function lastToolDocuments(searchable: Uint8Array | null): Map<string, StoredDocument> {
  if (!searchable) return new Map();
  const { tools, search } = readSearchable(searchable);
  return new Map(tools.map((tool, i) => [tool.url, search[i + 1]]));
}

function stored(snippet: string, terms: DocumentTerms): StoredDocument {
  return [snippet, terms.name, terms.description];
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
