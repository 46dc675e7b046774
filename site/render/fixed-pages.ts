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
  ctx: { tools: ToolRowModel[]; servers: ServerRowModel[]; now: Date; classifierVersion: string; toolFilters: FilterGroup[]; serverFilters: FilterGroup[] },
) {
  const totals = await siteTotals(db.orm);
  const toolUrls = new Map(ctx.tools.map((t) => [`${t.serverId}\0${t.name}`, t.url]));
  const serverUrls = new Map(ctx.servers.map((s) => [s.id, s.url]));
  const changes = (await recentToolChanges(db.orm, RECENT_CHANGES)).map((c) => ({
    toolName: c.toolName,
    toolUrl: toolUrls.get(`${c.serverId}\0${c.toolName}`) ?? null,
    kind: c.kind,
    fields: c.fields,
    detectedAt: c.detectedAt.toISOString(),
    serverId: c.serverId,
    serverUrl: serverUrls.get(c.serverId) ?? urls.serversIndex,
  }));
  const countOf = (key: (t: ToolRowModel) => string, value: string) => ctx.tools.reduce((n, t) => n + (key(t) === value ? 1 : 0), 0);
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
          categoryBars: CATEGORIES.map((c) => ({ label: c, value: countOf((t) => t.category, c), href: urls.byCategory(c), color: COLORS[c] })),
          severityBars: SEVERITIES.map((s) => ({ label: s, value: countOf((t) => t.severity, s), href: urls.bySeverity(s), color: COLORS[s] })),
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
