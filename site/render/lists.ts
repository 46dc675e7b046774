import { CATEGORIES, FLAGS, SEVERITIES } from '../../classifier/types.ts';
import { severityRank } from '../../classifier/index.ts';
import type { ServerRowModel, ToolRowModel } from './model.ts';
import type { PagesJob } from './jobs.ts';
import { urls } from './urls.ts';

export const PAGE_SIZE = 100;
const GRADES = ['A', 'B', 'C', 'D', 'F'] as const;

export interface Chip {
  label: string;
  href: string;
  on: boolean;
  count?: number;
}
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
}

/** The tool lists: everything, and by category, severity and flag; each sorted worst first. */
export function toolLists(tools: ToolRowModel[]): { lists: Array<ListSpec<ToolRowModel>>; filters: (base: string) => FilterGroup[] } {
  tools.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || cmp(a.serverId, b.serverId) || cmp(a.name, b.name));
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
      rows: tools.filter((t) => t.category === c),
    })),
    ...SEVERITIES.map((s) => ({
      base: urls.bySeverity(s),
      title: `Severity: ${s}`,
      description: `MCP tools of ${s} severity.`,
      intro: `Tools of ${s} severity.`,
      rows: tools.filter((t) => t.severity === s),
    })),
    ...FLAGS.map((f) => ({
      base: urls.byFlag(f),
      title: `Flag: ${f.replaceAll('_', ' ')}`,
      description: `MCP tools flagged ${f.replaceAll('_', ' ')}.`,
      intro: `Tools flagged ${f.replaceAll('_', ' ')}.`,
      rows: tools.filter((t) => t.flags.includes(f)),
    })),
  ];
  const count = new Map(lists.map((l) => [l.base, l.rows.length]));
  const chip = (label: string, href: string, base: string): Chip => ({ label, href, on: href === base, count: count.get(href) });
  const filters = (base: string): FilterGroup[] => [
    { label: 'Category', chips: [chip('all', urls.toolsIndex, base), ...CATEGORIES.map((c) => chip(c, urls.byCategory(c), base))] },
    { label: 'Severity', chips: SEVERITIES.map((s) => chip(s, urls.bySeverity(s), base)) },
    { label: 'Flag', chips: FLAGS.map((f) => chip(f.replaceAll('_', ' '), urls.byFlag(f), base)) },
  ];
  return { lists, filters };
}

/** The server lists: everything by name, by grade, and those with the lethal trifecta. */
export function serverLists(servers: ServerRowModel[]): { lists: Array<ListSpec<ServerRowModel>>; filters: (base: string) => FilterGroup[] } {
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
  const count = new Map(lists.map((l) => [l.base, l.rows.length]));
  const chip = (label: string, href: string, base: string): Chip => ({ label, href, on: href === base, count: count.get(href) });
  const filters = (base: string): FilterGroup[] => [
    {
      label: 'Grade',
      chips: [chip('all', urls.serversIndex, base), ...GRADES.map((g) => chip(g, urls.byGrade(g), base)), chip('lethal trifecta', urls.trifecta, base)],
    },
  ];
  return { lists, filters };
}

/** The list pages as render jobs of a few pages each. */
export function* listPageJobs<T>(
  kind: 'tools' | 'servers',
  lists: Array<ListSpec<T>>,
  filters: (base: string) => FilterGroup[],
  pagesPerJob = 10,
): Generator<PagesJob> {
  let job: PagesJob = { type: 'pages', pages: [] };
  for (const list of lists) {
    const pages = Math.max(1, Math.ceil(list.rows.length / PAGE_SIZE));
    for (let page = 1; page <= pages; page++) {
      job.pages.push({
        url: urls.page(list.base, page),
        view: 'ListView',
        props: {
          title: list.title,
          description: list.description,
          intro: list.intro,
          base: list.base,
          page,
          pages,
          total: list.rows.length,
          filters: filters(list.base),
          [kind]: list.rows.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE),
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

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
