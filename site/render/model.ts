import { summarizeServer } from '../../classifier/index.ts';
import { severityRank } from '../../classifier/index.ts';
import { POLICY_FORMATS, renderPolicy, type PolicyFormat } from '../../classifier/policy/index.ts';
import { CATEGORIES, SEVERITIES, type Classification } from '../../classifier/types.ts';
import { classificationFromRow } from '../../db/classification-row.ts';
import type { CatalogueServer, CurrentTool, ServerCrawlStatus, ShownAttempt, ToolChangeRow } from '../../db/index.ts';
import { attackPatterns } from './attack-patterns.ts';
import { rebaseUrl } from './base-path.ts';
import { gradeBadgeSvg } from './badge.ts';
import { groupHistory, historyEntry } from './history.ts';
import { installOptions } from './install.ts';
import { schemaTable } from './schema-table.ts';
import { assignSlugs } from './slug.ts';
import { RESERVED_TOOL_SLUGS, safeHttpUrl, urls } from './urls.ts';
import { policyEffect, serverPolicySummary, verdictSentence } from './verdict.ts';
import type {
  BundledTool,
  PolicyView,
  ServerRef,
  AnnotationRow,
  HistoryEntry,
  ToolPageModel,
  ToolRowModel,
  ServerPageModel,
  ServerBundle,
} from './view-models.ts';

export { groupHistory } from './history.ts';
export type * from './view-models.ts';

const MAX_HISTORY = 200;
const HINTS = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const;

export interface BundleInput {
  entry: CatalogueServer;
  serverSlug: string;
  changes: ToolChangeRow[];
  attempt: ShownAttempt | null;
  /** Absolute base URL of the site, for canonical links and the badge snippet. */
  siteUrl: string;
  /** The path the site is hosted under (default "/"); absolute links honour it. */
  base?: string;
  /** Tools whose stored JSON was cut to render (see bounded.ts). */
  cutTools?: readonly string[];
}

const bySeverityThenName = (a: ToolRowModel, b: ToolRowModel) =>
  severityRank(b.severity) - severityRank(a.severity) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Everything the site shows about one server and its tools. */
export function buildServerBundle(input: BundleInput): ServerBundle {
  const { entry, serverSlug, siteUrl } = input;
  const s = entry.server;
  const ref: ServerRef = { id: s.id, slug: serverSlug, url: urls.server(serverSlug), title: s.title };
  const skipped: ServerBundle['skipped'] = [];
  const classifiedTools = entry.tools.filter((tool) => {
    if (tool.classification) return true;
    skipped.push({ tool: tool.name, reason: 'no stored classification for this classifier version' });
    return false;
  });
  const slugs = assignSlugs(
    classifiedTools.map((t) => t.name),
    RESERVED_TOOL_SLUGS,
  );
  const classified = classifiedTools.map((tool) => ({ tool, slug: slugs.get(tool.name)!, classification: classificationFromRow(tool.classification!) }));
  const toolUrls = new Map(classified.map((t) => [t.tool.name, urls.tool(serverSlug, t.slug)]));
  const history = groupHistory(input.changes.slice(0, MAX_HISTORY).map((c) => historyEntry(c, toolUrls)));

  const historyByTool = new Map<string, HistoryEntry[]>();
  for (const change of input.changes) {
    const list = historyByTool.get(change.toolName) ?? [];
    if (list.length < MAX_HISTORY) list.push(historyEntry(change, toolUrls));
    historyByTool.set(change.toolName, list);
  }
  const rows = classified
    .map(({ tool, slug, classification }) => toolRowOf(tool.name, urls.tool(serverSlug, slug), ref, classification))
    .sort(bySeverityThenName);
  const cut = new Set(input.cutTools ?? []);
  const pageSiteUrl = new URL(input.base ?? '/', siteUrl).href;
  const tools = classified.map(({ tool, slug, classification }) =>
    bundledTool({
      tool,
      slug,
      classification,
      server: ref,
      history: historyByTool.get(tool.name) ?? [],
      siteUrl: pageSiteUrl,
      jsonCut: cut.has(tool.name),
    }),
  );
  const summary = summarizeServer(classified.map((t) => ({ name: t.tool.name, classification: t.classification })));
  const policyTools = classified.map((t) => policyTool(t.tool.name, t.classification));
  const known = classified.length > 0 || s.lastSuccessAt !== null;
  const grade = known ? summary.grade : '?';
  const badgeUrl = urls.badge(serverSlug);
  const absolute = (path: string) => new URL(rebaseUrl(path, input.base ?? '/'), siteUrl).href;
  const server: ServerPageModel = {
    id: s.id,
    slug: serverSlug,
    title: s.title,
    url: ref.url,
    description: s.description,
    grade,
    gradeReason: known ? summary.gradeReason : 'Not graded: no successful crawl has listed this server’s tools yet.',
    lethalTrifecta: summary.lethalTrifecta,
    toolCount: classified.length,
    worstSeverity: rows[0]?.severity ?? null,
    ...pageCrawlStatus(s, input.attempt),
    packageFacts: packageFacts(s),
    install: installOptions(s.id, s.packages, s.remotes),
    links: serverLinks(s.repository, s.website),
    status: s.status,
    categoryCounts: countBy(rows, (r) => r.category, CATEGORIES),
    severityCounts: countBy(rows, (r) => r.severity, [...SEVERITIES].reverse()),
    tools: rows,
    policies: classified.length > 0 ? policyViews(policyTools, (f, ext) => urls.serverPolicy(serverSlug, f, ext), `${serverSlug}-server`) : [],
    policySummary: serverPolicySummary(policyTools),
    history,
    jsonUrl: urls.serverJson(serverSlug),
    badge: {
      url: badgeUrl,
      svg: gradeBadgeSvg(grade),
      markdown: `[![toolrisk grade](${absolute(badgeUrl)})](${absolute(ref.url)})`,
      html: `<a href="${absolute(ref.url)}"><img src="${absolute(badgeUrl)}" alt="toolrisk grade ${grade}"></a>`,
    },
    meta: { canonical: absolute(ref.url) },
  };
  return { server, tools, skipped };
}

/**
 * What a server page shows of the server's crawl status. Nothing else on the site depends on it but its list row's
 * `lastOutcome` and its open data (see crawlStatusRecord), so a crawl that changed nothing else is spliced into the
 * last build's page (see server-page.ts and restateServers in jobs.ts). Whether the server is graded depends on whether it ever
 * had a success: serverFingerprints counts that as content.
 */
export function pageCrawlStatus(s: Pick<ServerCrawlStatus, 'lastOutcome' | 'lastSuccessAt'>, attempt: ShownAttempt | null) {
  return {
    lastOutcome: s.lastOutcome ?? null,
    lastAttempt: attempt
      ? {
          outcome: attempt.outcome,
          at: attempt.startedAt.toISOString(),
          durationMs: attempt.durationMs ?? null,
          toolCount: attempt.toolCount ?? null,
          error: attempt.error,
        }
      : null,
    lastSuccessAt: s.lastSuccessAt?.toISOString() ?? null,
  } satisfies Pick<ServerPageModel, 'lastOutcome' | 'lastAttempt' | 'lastSuccessAt'>;
}

interface ToolPageInput {
  tool: CurrentTool;
  slug: string;
  classification: Classification;
  server: ServerRef;
  history: HistoryEntry[];
  siteUrl: string;
  jsonCut: boolean;
}

/**
 * A tool as its server's files list it, with its page's inputs and, made only when the page is rendered, its model.
 * `pageInputs` is everything the model is made of: the definition by its hash (a stored definition is keyed by the
 * hash of its name, title, description, schemas and annotations, so they need not be written out again) and whether
 * its description was cut, which the hash leaves out; the classification, the tool's slug and server, its history,
 * the site's URL and whether its JSON was cut. A page is rendered when
 * these (and the renderer's hash, in the salt) differ from the last build's, as when its model would: the model is a
 * function of them. Hashing them instead of the model spares an incremental build the model of every unchanged tool
 * of a changed server (its schema table, verdict, annotations and attack patterns) and its hashing.
 */
function bundledTool(input: ToolPageInput): BundledTool {
  const { tool, slug, classification, server, history, siteUrl, jsonCut } = input;
  const d = tool.definition;
  const since = tool.since.toISOString();
  return {
    name: d.name,
    title: d.title,
    description: d.description,
    url: urls.tool(server.slug, slug),
    since,
    server,
    classification,
    pageInputs: JSON.stringify([d.hash, d.descriptionTruncated, since, slug, server, classification, history, siteUrl, jsonCut]),
    page: () => toolPage(input),
  };
}

/**
 * A tool page's model: from the tool, its server's own fields and its URL only, never from the server's other
 * tools, so a tool added, removed or changed on the server leaves its siblings' pages (and their input hashes)
 * as they were. The server page lists and counts the tools.
 */
function toolPage({ tool, slug, classification, server, history, siteUrl, jsonCut }: ToolPageInput): ToolPageModel {
  const d = tool.definition;
  const url = urls.tool(server.slug, slug);
  return {
    name: d.name,
    title: d.title,
    slug,
    url,
    description: d.description,
    descriptionTruncated: d.descriptionTruncated,
    hash: d.hash,
    since: tool.since.toISOString(),
    server,
    classification,
    verdict: verdictSentence(classification),
    policyEffect: policyEffect(policyTool(d.name, classification)),
    meta: { canonical: new URL(url.slice(1), siteUrl).href }, // siteUrl here ends with the base path
    annotations: annotationRows(d.annotations, classification),
    schema: schemaTable(d.inputSchema),
    jsonCut,
    attackPatterns: attackPatterns(classification.category, classification.flags),
    history,
  };
}

export function policyTool(name: string, c: Classification) {
  return { name, category: c.category, severity: c.severity, flags: c.flags };
}

function policyViews(
  tools: ReturnType<typeof policyTool>[],
  href: (format: PolicyFormat, extension: string, text: string, mediaType: string) => string,
  baseName: string,
): PolicyView[] {
  return (Object.keys(POLICY_FORMATS) as PolicyFormat[]).map((format) => {
    const { extension, mediaType, label } = POLICY_FORMATS[format];
    const text = renderPolicy(tools, format);
    return { format, label, mediaType, text, href: href(format, extension, text, mediaType), filename: `${baseName}.${format}.${extension}` };
  });
}

export function toolRow(tool: Pick<BundledTool, 'name' | 'url' | 'server' | 'classification'>): ToolRowModel {
  return toolRowOf(tool.name, tool.url, tool.server, tool.classification);
}

function toolRowOf(name: string, url: string, server: ServerRef, c: Classification): ToolRowModel {
  return { name, url, serverId: server.id, serverUrl: server.url, category: c.category, severity: c.severity, flags: c.flags };
}

/** Counts in the order of `keys`, leaving out keys with none. */
function countBy<T>(items: readonly T[], key: (item: T) => string, keys: readonly string[]): Array<{ key: string; count: number }> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return keys.filter((k) => counts.has(k)).map((k) => ({ key: k, count: counts.get(k)! }));
}

/**
 * Each MCP hint the server declares, next to what our classification implies. Hints it does not declare are left
 * out: what we imply for them follows from the category and flags the page shows, and there is nothing to compare.
 */
function annotationRows(declared: Record<string, unknown> | null, c: Classification): AnnotationRow[] {
  const implied: Record<(typeof HINTS)[number], string> = {
    readOnlyHint: String(c.category === 'read'),
    destructiveHint: String(c.category === 'destructive'),
    idempotentHint: '—',
    openWorldHint: String(c.flags.includes('untrusted_content') || c.flags.includes('external_comm')),
  };
  return HINTS.filter((hint) => declared && hint in declared).map((hint) => {
    const conflict = c.annotationConflicts.find((x) => x.annotation === hint);
    return {
      hint,
      declared: JSON.stringify(declared![hint]),
      ours: implied[hint],
      conflict: conflict ? conflict.message : null,
    };
  });
}

/** The package as the registry describes it and as the crawler found it installed. Links only for http(s). */
function packageFacts(s: CatalogueServer['server']): ServerPageModel['packageFacts'] {
  const facts: ServerPageModel['packageFacts'] = [];
  const info = s.packageInfo;
  if (info) {
    facts.push({ label: 'Package', value: `${info.identifier} (${info.registryType})` });
    facts.push({ label: 'Installed version', value: info.version });
    if (info.description) facts.push({ label: 'Package description', value: info.description });
    if (info.license) facts.push({ label: 'Licence', value: info.license });
    if (info.publishedAt) facts.push({ label: 'Published', value: info.publishedAt.slice(0, 10) });
    if (info.repository) facts.push(linkFact('Package repository', info.repository));
    if (info.homepage) facts.push(linkFact('Homepage', info.homepage));
  }
  if (s.version) facts.push({ label: 'Registry version', value: s.version });
  return facts.map((f) => ({ ...f, value: f.value.length > 300 ? `${f.value.slice(0, 299)}…` : f.value }));
}

function linkFact(label: string, url: string): { label: string; value: string; href?: string } {
  return safeHttpUrl(url) ? { label, value: url, href: url } : { label, value: url };
}

/** Only http(s) links are kept; anything else (javascript:, data:) is dropped. */
function serverLinks(repository: Record<string, unknown> | null, website: string | null): Array<{ label: string; href: string }> {
  const links: Array<{ label: string; href: string }> = [];
  const repo = repository && typeof repository.url === 'string' ? repository.url : null;
  if (repo && safeHttpUrl(repo)) links.push({ label: 'Repository', href: repo });
  if (website && safeHttpUrl(website)) links.push({ label: 'Website', href: website });
  return links;
}
