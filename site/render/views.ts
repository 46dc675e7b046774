import type { PolicyFormat } from '../../classifier/policy/index.ts';
import type { FilterGroup } from './lists.ts';
import type { HistoryEntry, ServerPageModel, ServerRowModel, ToolPageModel, ToolRowModel } from './model.ts';

/** A bar of a home-page chart. */
export interface Bar {
  label: string;
  value: number;
  href: string;
  color: string;
}

export type SiteChange = HistoryEntry & { serverId?: string; serverUrl?: string };

export interface ListViewProps {
  title: string;
  description: string;
  intro: string;
  base: string;
  /** Pages in the whole list, and the last one's URL: on the first page only (with the counts). */
  pages: number | null;
  last: string | null;
  /** A later page's first row, for its title (null on the first page). */
  from: string | null;
  /** The neighbouring pages' URLs (null at either end). */
  previous: string | null;
  next: string | null;
  /** Rows in the whole list: on the first page only. */
  total: number | null;
  filters: FilterGroup[];
  tools?: ToolRowModel[];
  servers?: ServerRowModel[];
  /** A tool column the page leaves out because every row has the same value in it (the list's own filter). */
  hide?: 'category' | 'severity';
}

/** The props of ShellView: a page's title and description, and its body as HTML made in TypeScript (site/src/html.ts). */
export interface ShellProps {
  title: string;
  description: string;
  body: string;
}

/**
 * The props of every view, by view name: the one contract between the renderer and the Astro components. A list page
 * (`ListView`) is made as a string inside the ShellView component (see site/render/render.ts).
 */
export interface ViewProps {
  ToolView: { tool: ToolPageModel };
  ServerView: { server: ServerPageModel };
  HomeView: {
    totals: { servers: number; crawledServers: number; tools: number; lastCrawl: string | null; lastCrawlStatus: string | null };
    categoryBars: Bar[];
    severityBars: Bar[];
    changes: SiteChange[];
    classifierVersion: string;
    builtAt: string;
  };
  ListView: ListViewProps;
  BrowseView: { groups: FilterGroup[] };
  ChangesView: { changes: SiteChange[] };
  SearchView: { categories: string[]; severities: string[]; flags: string[] };
  ApiView: { formats: Array<{ format: PolicyFormat; extension: string; label: string; mediaType: string }>; example: { server: string; tool: string } | null };
  NotFoundView: Record<string, never>;
  PolicyConfigView: { formats: Array<{ format: string; label: string; extension: string }>; indexUrl: string; script: string };
}

export type ViewName = keyof ViewProps;

/** A page to render: a URL, a view and that view's props. */
export type PageSpec = { [V in ViewName]: { url: string; view: V; props: ViewProps[V] } }[ViewName];
