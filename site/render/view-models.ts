import type { Category, Classification, Flag, Severity } from '../../classifier/types.ts';
import type { PolicyFormat } from '../../classifier/policy/index.ts';
import type { AttackPattern } from './attack-patterns.ts';
import type { InstallOption } from './install.ts';
import type { SchemaTable } from './schema-table.ts';

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

/** What a page puts in its head for search engines and link previews. */
export interface PageMeta {
  /** Absolute URL of the page. */
  canonical: string;
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
  /** "Write tool, medium risk." */
  verdict: string;
  /** What the recommended policy does to this tool, from the policy's own decision. */
  policyEffect: string;
  meta: PageMeta;
  annotations: AnnotationRow[];
  schema: SchemaTable;
  /** True when the stored schema or annotations were too deep or too large and were cut for display. */
  jsonCut: boolean;
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

export interface LastCrawl {
  outcome: string;
  at: string;
  durationMs: number | null;
  toolCount: number | null;
  error: string | null;
}

export interface ServerPageModel extends ServerRowModel {
  slug: string;
  description: string | null;
  gradeReason: string;
  /** Facts about the package: from the registry entry and from the package the crawler installed. */
  packageFacts: Array<{ label: string; value: string; href?: string }>;
  install: InstallOption[];
  links: Array<{ label: string; href: string }>;
  status: string;
  lastAttempt: LastCrawl | null;
  lastSuccessAt: string | null;
  categoryCounts: Array<{ key: string; count: number }>;
  severityCounts: Array<{ key: string; count: number }>;
  tools: ToolRowModel[];
  policies: PolicyView[];
  /** What the server policy does, counted from its decisions. */
  policySummary: string;
  history: HistoryEntry[];
  jsonUrl: string;
  badge: { url: string; svg: string; markdown: string; html: string };
  meta: PageMeta;
}

/** A tool of a server's bundle: what its server's files show of it, and its page's inputs and model (see bundledTool). */
export interface BundledTool {
  name: string;
  title: string | null;
  description: string | null;
  url: string;
  since: string;
  server: ServerRef;
  classification: Classification;
  /** Everything its page's model is made of, as one string: the page's input hash is of these. */
  pageInputs: string;
  page: () => ToolPageModel;
}

export interface ServerBundle {
  server: ServerPageModel;
  tools: BundledTool[];
  /** Tools left out of the site, each with the reason (e.g. no stored classification). */
  skipped: Array<{ tool: string; reason: string }>;
}
