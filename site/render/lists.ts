import { createHash } from 'node:crypto';
import { CATEGORIES, FLAGS, SEVERITIES } from '../../classifier/types.ts';
import { severityRank } from '../../classifier/index.ts';
import { fnv1a } from './fnv1a.ts';
import type { ServerRowModel, ToolRowModel } from './model.ts';
import type { PagesJob } from './jobs.ts';
import { viewInputs } from './manifest.ts';
import type { PageSpec } from './views.ts';
import { urls } from './urls.ts';

/** A list page holds at least MIN_PAGE rows and at most MAX_PAGE (about 110 on average), see pageBreaks. */
export const MIN_PAGE = 50;
export const MAX_PAGE = 200;
const GRADES = ['A', 'B', 'C', 'D', 'F'] as const;

export interface Chip {
  label: string;
  href: string;
  on: boolean;
  count?: number;
}
/** The filter chips of the list at `base`, with each list's count or without. */
export type Filters = (base: string, counts?: boolean) => FilterGroup[];

export interface FilterGroup {
  label: string;
  chips: Chip[];
}

interface ListSpec<T> {
  base: string;
  title: string;
  description: string;
  intro: string;
  rows: T[];
  /** The column every row of this list has the same value in (a category's or severity's list): not shown. */
  hide?: 'category' | 'severity';
}

/** What decides a row's page break: the same row always gets the same key. */
const rowKey = (row: ToolRowModel | ServerRowModel) => ('serverId' in row ? `${row.serverId}\0${row.name}` : row.id);

/**
 * Where a list's pages end. Content-defined, as in rsync: a page ends after a row whose key hashes to 0
 * modulo 64 (once the page has MIN_PAGE rows), or at MAX_PAGE rows. A row added, removed or moved then
 * changes only the page it lands on or leaves (and a break it carries); with fixed-size pages every later
 * page would shift and be rewritten by an incremental build.
 */
export function pageBreaks<T extends ToolRowModel | ServerRowModel>(rows: readonly T[]): T[][] {
  const pages: T[][] = [];
  let page: T[] = [];
  for (const row of rows) {
    page.push(row);
    if (page.length >= MAX_PAGE || (page.length >= MIN_PAGE && fnv1a(rowKey(row)) % 64 === 0)) {
      pages.push(page);
      page = [];
    }
  }
  if (page.length > 0 || pages.length === 0) pages.push(page);
  return pages;
}

/** The tool lists: everything, and by category, severity and flag; each sorted worst first. */
export function toolLists(tools: ToolRowModel[]): { lists: Array<ListSpec<ToolRowModel>>; filters: Filters } {
  tools.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || cmp(a.serverId, b.serverId) || cmp(a.name, b.name));
  // Every row onto its category's, severity's and flags' lists in one pass, in sorted order: thirteen filters, one a
  // list, took 0.17 s of the main thread at 100,000 tools in every build, incremental ones included.
  const byCategory = new Map(CATEGORIES.map((c) => [c as string, [] as ToolRowModel[]]));
  const bySeverity = new Map(SEVERITIES.map((s) => [s as string, [] as ToolRowModel[]]));
  const byFlag = new Map(FLAGS.map((f) => [f as string, [] as ToolRowModel[]]));
  for (const t of tools) {
    byCategory.get(t.category)?.push(t);
    bySeverity.get(t.severity)?.push(t);
    for (const f of t.flags) {
      const list = byFlag.get(f);
      if (list && list.at(-1) !== t) list.push(t);
    }
  }
  const lists: Array<ListSpec<ToolRowModel>> = [
    {
      base: urls.toolsIndex,
      title: 'All tools',
      description: 'Every catalogued MCP tool, worst severity first.',
      intro: 'Every catalogued MCP tool, worst severity first.',
      rows: tools,
    },
    ...CATEGORIES.map((c) => ({
      base: urls.byCategory(c),
      title: `Category: ${c}`,
      description: `MCP tools classified ${c}, worst severity first.`,
      intro: `Tools classified ${c}.`,
      rows: byCategory.get(c)!,
      hide: 'category' as const,
    })),
    ...SEVERITIES.map((s) => ({
      base: urls.bySeverity(s),
      title: `Severity: ${s}`,
      description: `MCP tools of ${s} severity.`,
      intro: `Tools of ${s} severity.`,
      rows: bySeverity.get(s)!,
      hide: 'severity' as const,
    })),
    ...FLAGS.map((f) => ({
      base: urls.byFlag(f),
      title: `Flag: ${f.replaceAll('_', ' ')}`,
      description: `MCP tools flagged ${f.replaceAll('_', ' ')}.`,
      intro: `Tools flagged ${f.replaceAll('_', ' ')}.`,
      rows: byFlag.get(f)!,
    })),
  ];
  const chip = chipMaker(lists);
  const filters: Filters = (base, counts = true) => [
    { label: 'Category', chips: [chip('all', urls.toolsIndex, base, counts), ...CATEGORIES.map((c) => chip(c, urls.byCategory(c), base, counts))] },
    { label: 'Severity', chips: SEVERITIES.map((s) => chip(s, urls.bySeverity(s), base, counts)) },
    { label: 'Flag', chips: FLAGS.map((f) => chip(f.replaceAll('_', ' '), urls.byFlag(f), base, counts)) },
  ];
  return { lists, filters };
}

/** The server lists: everything by name, by grade, and those with the lethal trifecta. */
export function serverLists(servers: ServerRowModel[]): { lists: Array<ListSpec<ServerRowModel>>; filters: Filters } {
  servers.sort((a, b) => cmp(a.id, b.id));
  const lists: Array<ListSpec<ServerRowModel>> = [
    {
      base: urls.serversIndex,
      title: 'All servers',
      description: 'Every catalogued MCP server with its grade.',
      intro: 'Every catalogued MCP server, by name.',
      rows: servers,
    },
    ...GRADES.map((g) => ({
      base: urls.byGrade(g),
      title: `Grade ${g} servers`,
      description: `MCP servers graded ${g}.`,
      intro: `Servers graded ${g}.`,
      rows: servers.filter((s) => s.grade === g),
    })),
    {
      base: urls.trifecta,
      title: 'Servers with the lethal trifecta',
      description: 'MCP servers whose tools together read private data, take in untrusted content and communicate externally.',
      intro: 'Servers whose tools together read private data, take in untrusted content and communicate externally.',
      rows: servers.filter((s) => s.lethalTrifecta),
    },
  ];
  const chip = chipMaker(lists);
  const filters: Filters = (base, counts = true) => [
    {
      label: 'Grade',
      chips: [
        chip('all', urls.serversIndex, base, counts),
        ...GRADES.map((g) => chip(g, urls.byGrade(g), base, counts)),
        chip('lethal trifecta', urls.trifecta, base, counts),
      ],
    },
  ];
  return { lists, filters };
}

/**
 * The list pages as render jobs of a few pages each. Only a list's first page shows counts (its total and
 * the filters'), so a tool added elsewhere does not rewrite every page of every list.
 */
export function* listPageJobs<T extends ToolRowModel | ServerRowModel>(
  kind: 'tools' | 'servers',
  lists: Array<ListSpec<T>>,
  filters: Filters,
  pagesPerJob = 10,
): Generator<PagesJob> {
  let job: PagesJob = { type: 'pages', pages: [] };
  for (const list of lists) {
    const chunks = pageBreaks(list.rows);
    const pages = chunks.length;
    const url = pageAnchors(chunks).map((anchor) => urls.page(list.base, anchor));
    for (let i = 0; i < pages; i++) {
      const first = i === 0;
      job.pages.push({
        url: url[i],
        view: 'ListView',
        props: {
          title: list.title,
          description: list.description,
          intro: list.intro,
          base: list.base,
          pages: first ? pages : null,
          last: first ? url[pages - 1] : null,
          from: first ? null : rowName(chunks[i][0]),
          previous: url[i - 1] ?? null,
          next: url[i + 1] ?? null,
          total: first ? list.rows.length : null,
          filters: filters(list.base, first),
          ...(list.hide && { hide: list.hide }),
          [kind]: chunks[i],
        },
      });
      if (job.pages.length >= pagesPerJob) {
        yield job;
        job = { type: 'pages', pages: [] };
      }
    }
  }
  if (job.pages.length > 0) yield job;
}

/**
 * The text a page's input hash covers: its view's props as JSON, but a list page's rows each as its digest (see
 * rowDigest), made once a build (a row is on four or five lists) or, for a server carried over, kept from the last
 * build (`digests`: by row). Serialising every list page whole made 130 MB of JSON at 100,000 tools, most of the
 * time an incremental build spent deciding which list pages changed.
 */
export function pageInputs(digests = new WeakMap<object, string>()): (page: PageSpec) => string[] {
  const digest = (row: object) => {
    let text = digests.get(row);
    if (text === undefined) digests.set(row, (text = rowDigest(row)));
    return text;
  };
  return (page) => {
    if (page.view !== 'ListView') return viewInputs(page.view, page.props);
    const { tools, servers, ...rest } = page.props;
    const rows: readonly object[] = tools ?? servers ?? [];
    return [page.view, JSON.stringify(rest), tools ? 'tools' : 'servers', rows.map(digest).join(',')];
  };
}

/** A list row's digest: of its JSON. */
export function rowDigest(row: object): string {
  return createHash('sha1').update(JSON.stringify(row)).digest('base64url');
}

/**
 * Each page's anchor, the last part of its URL: '' for the first page, else a hash of the row that ended the
 * page before it. Numbered pages would all move when a page is added or removed before them; an anchor stays
 * while that row ends a page. Two pages of one list never share an anchor (a repeat gets "-2", "-3", …).
 */
function pageAnchors(chunks: ReadonlyArray<ReadonlyArray<ToolRowModel | ServerRowModel>>): string[] {
  const seen = new Map<string, number>();
  return chunks.map((_, i) => {
    if (i === 0) return '';
    const hash = createHash('sha256')
      .update(rowKey(chunks[i - 1].at(-1)!))
      .digest();
    const anchor = hash.readUIntBE(0, 6).toString(36).padStart(10, '0');
    const n = (seen.get(anchor) ?? 0) + 1;
    seen.set(anchor, n);
    return n === 1 ? anchor : `${anchor}-${n}`;
  });
}

function rowName(row: ToolRowModel | ServerRowModel): string {
  return 'serverId' in row ? row.name : row.id;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A filter chip for one list: on when it is the page's own list, with the list's row count where counts show. */
function chipMaker(lists: ReadonlyArray<{ base: string; rows: readonly unknown[] }>) {
  const count = new Map(lists.map((l) => [l.base, l.rows.length]));
  return (label: string, href: string, base: string, counts: boolean): Chip => ({
    label,
    href,
    on: href === base,
    count: counts ? count.get(href) : undefined,
  });
}
