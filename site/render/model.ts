import { classify, summarizeServer } from '../../classifier/index.ts';
import { POLICY_FORMATS, policyAlternatives, renderPolicy, type PolicyFormat } from '../../classifier/policy/index.ts';
import { CATEGORIES, type Category, type Classification, type Flag, type Severity } from '../../classifier/types.ts';
import type { CatalogueServer, ClassificationRow, CrawlAttemptRow, CurrentTool, ToolChangeRow } from '../../db/index.ts';
import { attackPatterns, type AttackPattern } from './attack-patterns.ts';
import { SlugRegistry } from './slug.ts';
import { urls } from './urls.ts';

/** The view models the Astro components render. Built here, so components only lay out what they are given. */

export interface PolicyView {
  format: PolicyFormat;
  label: string;
  mediaType: string;
  text: string;
  href: string;
  filename: string;
}

export interface ServerRef {
  id: string;
  slug: string;
  url: string;
  title: string | null;
}

export interface SchemaRow {
  name: string;
  type: string;
  required: boolean;
  description: string;
  values: string;
}

export interface AnnotationRow {
  hint: string;
  declared: string;
  ours: string;
  conflict: string | null;
}

export interface HistoryEntry {
  toolName: string;
  toolUrl: string | null;
  kind: string;
  fields: string[];
  detectedAt: string;
}

export interface ToolPageModel {
  name: string;
  title: string | null;
  slug: string;
  url: string;
  description: string | null;
  descriptionTruncated: boolean;
  hash: string;
  since: string;
  server: ServerRef;
  classification: Classification;
  annotations: AnnotationRow[];
  schema: { rows: SchemaRow[]; omitted: number; raw: string | null };
  policies: PolicyView[];
  alternatives: Array<{ variant: string; summary: string; documents: Array<{ label: string; text: string }> }>;
  attackPatterns: AttackPattern[];
  history: HistoryEntry[];
}

export interface ToolRowModel {
  name: string;
  url: string;
  serverId: string;
  serverUrl: string;
  category: Category;
  severity: Severity;
  flags: Flag[];
}

export interface ServerRowModel {
  id: string;
  title: string | null;
  url: string;
  grade: string;
  lethalTrifecta: boolean;
  toolCount: number;
  worstSeverity: Severity | null;
  lastOutcome: string | null;
}

export interface ServerPageModel extends ServerRowModel {
  slug: string;
  description: string | null;
  gradeReason: string;
  run: Array<{ label: string; value: string }>;
  links: Array<{ label: string; href: string }>;
  status: string;
  lastAttempt: { outcome: string; at: string; error: string | null } | null;
  lastSuccessAt: string | null;
  categoryCounts: Array<{ key: string; count: number }>;
  severityCounts: Array<{ key: string; count: number }>;
  tools: ToolRowModel[];
  policies: PolicyView[];
  history: HistoryEntry[];
  jsonUrl: string;
}

export interface ServerBundle {
  server: ServerPageModel;
  tools: ToolPageModel[];
}

const SEVERITY_ORDER: Severity[] = ['low', 'medium', 'high', 'critical'];
const MAX_SCHEMA_ROWS = 200;
const MAX_HISTORY = 200;
const HINTS = ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint'] as const;

export function classificationOf(tool: CurrentTool, classifierVersion: string): Classification {
  if (tool.classification && tool.classification.classifierVersion === classifierVersion) return fromRow(tool.classification);
  const d = tool.definition;
  return classify({ name: d.name, title: d.title, description: d.description, inputSchema: d.inputSchema, annotations: d.annotations });
}

function fromRow(row: ClassificationRow): Classification {
  return {
    category: row.category as Category,
    severity: row.severity as Severity,
    flags: row.flags as Flag[],
    confidence: row.confidence,
    evidence: row.evidence as Classification['evidence'],
    annotationConflicts: row.annotationConflicts as Classification['annotationConflicts'],
    explanation: row.explanation,
    version: row.classifierVersion,
  };
}

export interface BundleInput {
  entry: CatalogueServer;
  serverSlug: string;
  changes: ToolChangeRow[];
  attempt: CrawlAttemptRow | null;
  classifierVersion: string;
}

/** Everything the site shows about one server and its tools. */
export function buildServerBundle(input: BundleInput): ServerBundle {
  const { entry, serverSlug } = input;
  const s = entry.server;
  const ref: ServerRef = { id: s.id, slug: serverSlug, url: urls.server(serverSlug), title: s.title };
  const slugs = new SlugRegistry();
  const classified = entry.tools.map((tool) => ({
    tool,
    slug: slugs.slug(tool.name),
    classification: classificationOf(tool, input.classifierVersion),
  }));
  const toolUrls = new Map(classified.map((t) => [t.tool.name, urls.tool(serverSlug, t.slug)]));
  const history = groupHistory(input.changes.slice(0, MAX_HISTORY).map((c) => historyEntry(c, toolUrls)));

  const historyByTool = new Map<string, HistoryEntry[]>();
  for (const change of input.changes) {
    const list = historyByTool.get(change.toolName) ?? [];
    if (list.length < MAX_HISTORY) list.push(historyEntry(change, toolUrls));
    historyByTool.set(change.toolName, list);
  }
  const tools = classified.map(({ tool, slug, classification }) => toolPage(tool, slug, classification, ref, historyByTool.get(tool.name) ?? []));
  const summary = summarizeServer(classified.map((t) => ({ name: t.tool.name, classification: t.classification })));
  const policyTools = classified.map((t) => policyTool(t.tool.name, t.classification));
  const rows = tools.map(toolRow);
  const worst = rows.reduce<Severity | null>((w, r) => (w === null || SEVERITY_ORDER.indexOf(r.severity) > SEVERITY_ORDER.indexOf(w) ? r.severity : w), null);
  const known = entry.tools.length > 0 || s.lastSuccessAt !== null;
  const server: ServerPageModel = {
    id: s.id,
    slug: serverSlug,
    title: s.title,
    url: ref.url,
    description: s.description,
    grade: known ? summary.grade : '?',
    gradeReason: known ? summary.gradeReason : 'Not graded: no successful crawl has listed this server’s tools yet.',
    lethalTrifecta: summary.lethalTrifecta,
    toolCount: entry.tools.length,
    worstSeverity: worst,
    lastOutcome: s.lastOutcome ?? null,
    run: howToRun(s.packages, s.remotes),
    links: serverLinks(s.repository, s.website),
    status: s.status,
    lastAttempt: input.attempt
      ? { outcome: input.attempt.outcome, at: input.attempt.startedAt.toISOString(), error: input.attempt.error }
      : null,
    lastSuccessAt: s.lastSuccessAt?.toISOString() ?? null,
    categoryCounts: countBy(rows, (r) => r.category, CATEGORIES),
    severityCounts: countBy(rows, (r) => r.severity, [...SEVERITY_ORDER].reverse()),
    tools: [...rows].sort((a, b) => SEVERITY_ORDER.indexOf(b.severity) - SEVERITY_ORDER.indexOf(a.severity) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    policies: entry.tools.length > 0 ? policyViews(policyTools, (f, ext) => urls.serverPolicy(serverSlug, f, ext), `${serverSlug}-server`) : [],
    history,
    jsonUrl: urls.serverJson(serverSlug),
  };
  return { server, tools };
}

function toolPage(tool: CurrentTool, slug: string, classification: Classification, server: ServerRef, history: HistoryEntry[]): ToolPageModel {
  const d = tool.definition;
  const policyInput = policyTool(d.name, classification);
  return {
    name: d.name,
    title: d.title,
    slug,
    url: urls.tool(server.slug, slug),
    description: d.description,
    descriptionTruncated: d.descriptionTruncated,
    hash: d.hash,
    since: tool.since.toISOString(),
    server,
    classification,
    annotations: annotationRows(d.annotations, classification),
    schema: schemaTable(d.inputSchema),
    // Downloaded from the page itself (a data: URL), so a tool costs the site one file, not one per format.
    policies: policyViews([policyInput], (_f, _ext, text, mediaType) => dataUrl(text, mediaType), slug),
    alternatives: policyAlternatives(policyInput)
      .filter((a) => a.variant !== 'recommended')
      .map((a) => ({
        variant: a.variant,
        summary: a.summary,
        documents: (Object.keys(POLICY_FORMATS) as PolicyFormat[]).map((f) => ({ label: POLICY_FORMATS[f].label, text: a.documents[f] })),
      })),
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

function dataUrl(text: string, mediaType: string): string {
  return `data:${mediaType.split(';')[0]};charset=utf-8,${encodeURIComponent(text)}`;
}

export function toolRow(tool: ToolPageModel): ToolRowModel {
  return {
    name: tool.name,
    url: tool.url,
    serverId: tool.server.id,
    serverUrl: tool.server.url,
    category: tool.classification.category,
    severity: tool.classification.severity,
    flags: tool.classification.flags,
  };
}

function historyEntry(change: ToolChangeRow, toolUrls: Map<string, string>): HistoryEntry {
  return {
    toolName: change.toolName,
    toolUrl: toolUrls.get(change.toolName) ?? null,
    kind: change.kind,
    fields: change.fields,
    detectedAt: change.detectedAt.toISOString(),
  };
}

/** Counts in the order of `keys`, leaving out keys with none. */
const GROUP_OVER = 5;

/**
 * Folds runs of more than five changes of one kind at one moment (a server's first crawl adds all its
 * tools at once) into one line, so the history shows the changes worth reading.
 */
export function groupHistory<T extends HistoryEntry>(entries: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = 0; i < entries.length; ) {
    let j = i;
    while (j < entries.length && entries[j].detectedAt === entries[i].detectedAt && entries[j].kind === entries[i].kind && sameServer(entries[j], entries[i])) j++;
    if (j - i > GROUP_OVER) out.push({ ...entries[i], toolName: `${j - i} tools`, toolUrl: null, fields: [] });
    else out.push(...entries.slice(i, j));
    i = j;
  }
  return out;
}

function sameServer(a: HistoryEntry, b: HistoryEntry): boolean {
  return (a as { serverId?: string }).serverId === (b as { serverId?: string }).serverId;
}

function countBy<T>(items: readonly T[], key: (item: T) => string, keys: readonly string[]): Array<{ key: string; count: number }> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return keys.filter((k) => counts.has(k)).map((k) => ({ key: k, count: counts.get(k)! }));
}

/** Declared MCP hints next to what our classification implies. */
function annotationRows(declared: Record<string, unknown> | null, c: Classification): AnnotationRow[] {
  const implied: Record<(typeof HINTS)[number], string> = {
    readOnlyHint: String(c.category === 'read'),
    destructiveHint: String(c.category === 'destructive'),
    idempotentHint: '—',
    openWorldHint: String(c.flags.includes('untrusted_content') || c.flags.includes('external_comm')),
  };
  return HINTS.map((hint) => {
    const conflict = c.annotationConflicts.find((x) => x.annotation === hint);
    return {
      hint,
      declared: declared && hint in declared ? JSON.stringify(declared[hint]) : 'not declared',
      ours: implied[hint],
      conflict: conflict ? conflict.message : null,
    };
  });
}

type JsonSchema = { type?: unknown; properties?: Record<string, JsonSchema>; required?: unknown; description?: unknown; enum?: unknown; const?: unknown; default?: unknown; items?: JsonSchema; anyOf?: JsonSchema[]; oneOf?: JsonSchema[]; format?: unknown };

function schemaTable(schema: unknown): ToolPageModel['schema'] {
  if (!schema || typeof schema !== 'object') return { rows: [], omitted: 0, raw: null };
  const s = schema as JsonSchema;
  const props = s.properties && typeof s.properties === 'object' ? Object.entries(s.properties) : [];
  const required = new Set(Array.isArray(s.required) ? s.required.map(String) : []);
  const rows = props.slice(0, MAX_SCHEMA_ROWS).map(([name, p]) => ({
    name,
    type: typeOf(p),
    required: required.has(name),
    description: typeof p?.description === 'string' ? clip(p.description, 400) : '',
    values: valuesOf(p),
  }));
  const raw = props.length === 0 ? clip(JSON.stringify(schema, null, 2), 4000) : null;
  return { rows, omitted: Math.max(0, props.length - MAX_SCHEMA_ROWS), raw };
}

function typeOf(p: JsonSchema | undefined, depth = 0): string {
  if (!p || typeof p !== 'object') return 'any';
  const variants = p.anyOf ?? p.oneOf;
  if (Array.isArray(variants) && depth < 2) return variants.map((v) => typeOf(v, depth + 1)).join(' | ');
  const type = Array.isArray(p.type) ? p.type.map(String).join(' | ') : typeof p.type === 'string' ? p.type : 'any';
  if (type === 'array' && p.items && depth < 2) return `array of ${typeOf(p.items, depth + 1)}`;
  return typeof p.format === 'string' ? `${type} (${p.format})` : type;
}

function valuesOf(p: JsonSchema | undefined): string {
  if (!p || typeof p !== 'object') return '';
  const parts: string[] = [];
  if (Array.isArray(p.enum)) parts.push(`one of ${p.enum.slice(0, 20).map((v) => JSON.stringify(v)).join(', ')}${p.enum.length > 20 ? ', …' : ''}`);
  if (p.const !== undefined) parts.push(`always ${JSON.stringify(p.const)}`);
  if (p.default !== undefined) parts.push(`default ${JSON.stringify(p.default)}`);
  return clip(parts.join('; '), 400);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

type Pkg = { registryType?: unknown; identifier?: unknown; version?: unknown; runtimeHint?: unknown; transport?: { type?: unknown } };
type Remote = { type?: unknown; url?: unknown };

/** How to run the server, from its registry packages and remotes (shown as text, never as links to run). */
function howToRun(packages: unknown[], remotes: unknown[]): Array<{ label: string; value: string }> {
  const out: Array<{ label: string; value: string }> = [];
  for (const raw of packages.slice(0, 10)) {
    const p = raw as Pkg;
    const id = String(p.identifier ?? '');
    const version = typeof p.version === 'string' && p.version !== 'latest' ? p.version : '';
    const type = String(p.registryType ?? 'package');
    const command =
      type === 'npm' ? `npx -y ${id}${version ? `@${version}` : ''}`
      : type === 'pypi' ? `uvx ${id}${version ? `==${version}` : ''}`
      : type === 'oci' ? `docker run -i --rm ${id}${version && !id.includes(':') ? `:${version}` : ''}`
      : `${id}${version ? ` ${version}` : ''}`;
    out.push({ label: type, value: command });
  }
  for (const raw of remotes.slice(0, 10)) {
    const r = raw as Remote;
    out.push({ label: `remote (${String(r.type ?? 'http')})`, value: String(r.url ?? '') });
  }
  return out;
}

/** Only http(s) links are kept; anything else (javascript:, data:) is dropped. */
function serverLinks(repository: Record<string, unknown> | null, website: string | null): Array<{ label: string; href: string }> {
  const links: Array<{ label: string; href: string }> = [];
  const repo = repository && typeof repository.url === 'string' ? repository.url : null;
  if (repo && safeHttpUrl(repo)) links.push({ label: 'Repository', href: repo });
  if (website && safeHttpUrl(website)) links.push({ label: 'Website', href: website });
  return links;
}

export function safeHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
