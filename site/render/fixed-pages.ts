import { POLICY_FORMATS, type PolicyFormat } from '../../classifier/policy/index.ts';
import { CATEGORIES, FLAGS, SEVERITIES } from '../../classifier/types.ts';
import { recentToolChanges, siteTotals, type Database } from '../../db/index.ts';
import type { PagesJob } from './jobs.ts';
import type { FilterGroup } from './lists.ts';
import { groupHistory, type ServerRowModel, type ToolRowModel } from './model.ts';
import { policyPage } from './policy-page.ts';
import { urls } from './urls.ts';

const RECENT_CHANGES = 200;
const HOME_CHANGES = 15;

const COLORS: Record<string, string> = {
  read: '#5b8def',
  write: '#d4a017',
  execute: '#e8772e',
  destructive: '#c0392b',
  financial: '#8e44ad',
  unknown: '#95a5a6',
  low: '#1f7a3d',
  medium: '#d4a017',
  high: '#e8772e',
  critical: '#b91c1c',
};

/** Home, browse, changes, search, API and 404: the pages that are not one server's nor a list. */
export async function fixedPages(
  db: Database,
  ctx: {
    tools: ToolRowModel[];
    servers: ServerRowModel[];
    /** The tool lists (see toolLists): the charts count each category's and severity's list. */
    toolLists: ReadonlyArray<{ base: string; rows: readonly unknown[] }>;
    now: Date;
    classifierVersion: string;
    toolFilters: FilterGroup[];
    serverFilters: FilterGroup[];
  },
) {
  const totals = await siteTotals(db.orm);
  const recent = await recentToolChanges(db.orm, RECENT_CHANGES);
  // The URLs of the few tools the recent changes name, found by server, then name (a key string made for every row
  // was 80 ms of every build at 100,000 tools).
  const toolUrls = new Map<string, Map<string, string | null>>();
  for (const c of recent) toolUrls.set(c.serverId, (toolUrls.get(c.serverId) ?? new Map()).set(c.toolName, null));
  for (const t of ctx.tools) {
    const named = toolUrls.get(t.serverId);
    if (named?.has(t.name)) named.set(t.name, t.url);
  }
  const listSize = new Map(ctx.toolLists.map((l) => [l.base, l.rows.length]));
  const serverUrls = new Map(ctx.servers.map((s) => [s.id, s.url]));
  const changes = recent.map((c) => ({
    toolName: c.toolName,
    toolUrl: toolUrls.get(c.serverId)?.get(c.toolName) ?? null,
    kind: c.kind,
    fields: c.fields,
    detectedAt: c.detectedAt.toISOString(),
    serverId: c.serverId,
    serverUrl: serverUrls.get(c.serverId) ?? urls.serversIndex,
  }));
  const formats = (Object.keys(POLICY_FORMATS) as PolicyFormat[]).map((format) => ({ format, ...POLICY_FORMATS[format] }));
  const exampleTool = ctx.tools.find((t) => t.url);
  const job: PagesJob = {
    type: 'pages',
    pages: [
      {
        url: urls.home,
        view: 'HomeView',
        props: {
          totals: {
            servers: totals.servers,
            crawledServers: totals.crawledServers,
            tools: ctx.tools.length,
            lastCrawl: (totals.lastRun?.finishedAt ?? totals.lastRun?.startedAt)?.toISOString() ?? null,
            lastCrawlStatus: totals.lastRun?.status ?? null,
          },
          categoryBars: CATEGORIES.map((c) => ({ label: c, value: listSize.get(urls.byCategory(c)) ?? 0, href: urls.byCategory(c), color: COLORS[c] })),
          severityBars: SEVERITIES.map((s) => ({ label: s, value: listSize.get(urls.bySeverity(s)) ?? 0, href: urls.bySeverity(s), color: COLORS[s] })),
          changes: groupHistory(changes).slice(0, HOME_CHANGES),
          classifierVersion: ctx.classifierVersion,
          builtAt: ctx.now.toISOString(),
        },
      },
      { url: urls.browse, view: 'BrowseView', props: { groups: [...ctx.toolFilters, ...ctx.serverFilters] } },
      { url: urls.changes, view: 'ChangesView', props: { changes: groupHistory(changes) } },
      { url: urls.search, view: 'SearchView', props: { categories: [...CATEGORIES], severities: [...SEVERITIES], flags: [...FLAGS] } },
      {
        url: urls.api,
        view: 'ApiView',
        props: { formats, example: exampleTool ? { server: exampleTool.serverUrl.split('/')[2], tool: exampleTool.url.split('/')[3] } : null },
      },
      { url: urls.notFound, view: 'NotFoundView', props: {} },
      policyPage(),
    ],
  };
  return { job, changes };
}
