import { sql } from 'drizzle-orm';
import type { AnnotationConflict, Category, Evidence, Flag, Severity } from '../classifier/index.ts';
import { boolean, customType, index, integer, jsonb, pgTable, primaryKey, real, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

/** Every way a crawl attempt can end. Stored as text so that new outcomes need no enum migration. */
export const OUTCOMES = [
  'ok',
  'timeout',
  'deadline_exceeded',
  'crashed',
  'protocol_error',
  'needs_config',
  'unreachable',
  'http_error',
  'refused_by_policy',
  'unsupported_runtime',
  'too_many_pages',
  'too_many_tools',
  'listing_too_large',
  'interrupted',
  'package_not_found',
  'version_not_found',
  'install_failed',
  'install_timeout',
  'needs_newer_runtime',
] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const RUN_STATUSES = ['running', 'completed', 'interrupted', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const CHANGE_KINDS = ['added', 'removed', 'changed'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

/** The fields of a tool definition that its hash covers, in canonical order. */
export const DEFINITION_FIELDS = ['name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations'] as const;
export type DefinitionField = (typeof DEFINITION_FIELDS)[number];

/** A package's own metadata as its registry publishes it; every field optional, untrusted text. */
export interface PackageInfo {
  registryType: 'npm' | 'pypi';
  identifier: string;
  version: string;
  description?: string;
  repository?: string;
  homepage?: string;
  license?: string;
  publishedAt?: string;
}

/** A process, recognisable again: its host, PID and start time (a reused PID has another start time). */
export interface RunOwner {
  host: string;
  pid: number;
  startTime?: string;
}

const stamp = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * JSON kept as the text it was written as and read back parsed, so that a server's schema is kept as it listed it:
 * jsonb reorders an object's keys (shorter first), and a tool's parameters came back, and were shown, in that order.
 * Nothing queries inside these columns (docs/scale.md, "Storing fast").
 */
const listedJson = customType<{ data: unknown; driverData: string }>({
  dataType: () => 'text',
  toDriver: (value) => JSON.stringify(value),
  fromDriver: (text) => JSON.parse(text),
});

export const servers = pgTable(
  'servers',
  {
    id: text('id').primaryKey(),
    title: text('title'),
    description: text('description'),
    repository: jsonb('repository').$type<Record<string, unknown> | null>(),
    website: text('website'),
    version: text('version'),
    /** server.json `packages[]` (npm/pypi/oci/... with their arguments and environment variables). */
    packages: jsonb('packages').$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
    /** server.json `remotes[]` (URLs with their transport and headers). */
    remotes: jsonb('remotes').$type<unknown[]>().notNull().default(sql`'[]'::jsonb`),
    /** Where the server was found: `registry`, `servers-file`, `npm`, ... */
    sources: text('sources').array().notNull().default(sql`'{}'::text[]`),
    /** The source's status: active, deprecated, deleted. */
    status: text('status').notNull().default('active'),
    sourceMeta: jsonb('source_meta').$type<Record<string, unknown> | null>(),
    /** What the package registry (npm, PyPI) says of the package the crawler installed, recorded at crawl time. */
    packageInfo: jsonb('package_info').$type<PackageInfo | null>(),
    firstSeen: stamp('first_seen').notNull(),
    lastSeen: stamp('last_seen').notNull(),
    lastAttemptAt: stamp('last_attempt_at'),
    lastOutcome: text('last_outcome').$type<Outcome>(),
    /** When the current tool set was last confirmed by a successful crawl. */
    lastSuccessAt: stamp('last_success_at'),
    toolCount: integer('tool_count'),
    /** SHA-256 of the sorted definition hashes of the current tool set. */
    toolsetHash: text('toolset_hash'),
    /**
     * A new random value whenever a row of the server's tool set or tool changes is written, or a classification
     * one of its tools has is rewritten or removed (by storeSnapshots, and by the triggers of migration 0003 for any
     * other writer), or a column of this row but the crawl status changes (the trigger of migration 0008), so the
     * site build's fingerprint of a server reads this column and the crawl status alone. A new classification needs
     * none: an unclassified tool is never on a page.
     */
    contentVersion: uuid('content_version').notNull().defaultRandom(),
  },
  (t) => [index('servers_status_idx').on(t.status)],
);

export const crawlRuns = pgTable('crawl_runs', {
  id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
  startedAt: stamp('started_at').notNull(),
  finishedAt: stamp('finished_at'),
  status: text('status').$type<RunStatus>().notNull().default('running'),
  /** What the run crawled and how (sources, limits), as given on the command line. */
  options: jsonb('options').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  summary: jsonb('summary').$type<Record<string, unknown> | null>(),
  /** The process that runs it (a crawl, or a distributed crawl's coordinator), while it is running. */
  owner: jsonb('owner').$type<RunOwner | null>(),
  /** Renewed while the run is worked on; a `running` run past it (or whose owner is gone) is stale. */
  leaseUntil: stamp('lease_until'),
});

export const crawlAttempts = pgTable(
  'crawl_attempts',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    runId: integer('run_id')
      .notNull()
      .references(() => crawlRuns.id, { onDelete: 'cascade' }),
    serverId: text('server_id')
      .notNull()
      .references(() => servers.id, { onDelete: 'cascade' }),
    /** Which way of reaching the server was tried, e.g. `npm:pkg@1.2.3` or `streamable-http:https://…`. */
    target: text('target').notNull(),
    transport: text('transport'),
    outcome: text('outcome').$type<Outcome>().notNull(),
    error: text('error'),
    /** The server's stderr, capped. */
    stderr: text('stderr'),
    startedAt: stamp('started_at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    /** The `initialize` result: name, version, protocolVersion, capabilities, instructions. */
    serverInfo: jsonb('server_info').$type<Record<string, unknown> | null>(),
    toolCount: integer('tool_count'),
    /** Anything else worth keeping: truncated descriptions, retries, placeholders used. */
    details: jsonb('details').$type<Record<string, unknown> | null>(),
  },
  (t) => [
    uniqueIndex('crawl_attempts_run_server_target_idx').on(t.runId, t.serverId, t.target),
    index('crawl_attempts_server_idx').on(t.serverId, t.startedAt),
  ],
);

export const toolDefinitions = pgTable('tool_definitions', {
  /**
   * SHA-256 (hex) of the canonical JSON of the definition fields. This column and every other holding such a hash
   * are `COLLATE "C"` (migration 0007: compared byte by byte), which drizzle's schema does not express.
   */
  hash: text('hash').primaryKey(),
  name: text('name').notNull(),
  title: text('title'),
  description: text('description'),
  inputSchema: listedJson('input_schema'),
  outputSchema: listedJson('output_schema'),
  annotations: listedJson('annotations').$type<Record<string, unknown> | null>(),
  /** True when the crawler cut an over-long description before storing it. */
  descriptionTruncated: boolean('description_truncated').notNull().default(false),
  firstSeen: stamp('first_seen').notNull(),
});

/**
 * Each server's current tool set: one row per tool name, pointing at its definition. Its references (server_id to
 * servers, on delete cascade; hash to tool_definitions) and tool_changes' (server_id, on delete cascade; run_id to
 * crawl_runs, on delete set null) are checked by triggers once a statement, not by foreign keys, which check row
 * by row (migration 0006_references_per_statement.sql).
 */
export const serverTools = pgTable(
  'server_tools',
  {
    serverId: text('server_id').notNull(),
    name: text('name').notNull(),
    hash: text('hash').notNull(),
    /** Position in the server's listing. */
    position: integer('position').notNull(),
    /** When this definition became current for this name. */
    since: stamp('since').notNull(),
  },
  (t) => [primaryKey({ columns: [t.serverId, t.name] }), index('server_tools_hash_idx').on(t.hash)],
);

export const toolChanges = pgTable(
  'tool_changes',
  {
    id: integer('id').primaryKey().generatedAlwaysAsIdentity(),
    serverId: text('server_id').notNull(),
    runId: integer('run_id'),
    toolName: text('tool_name').notNull(),
    kind: text('kind').$type<ChangeKind>().notNull(),
    oldHash: text('old_hash'),
    newHash: text('new_hash'),
    /** For `changed`: which definition fields differ. */
    fields: text('fields').array().$type<DefinitionField[]>().notNull().default(sql`'{}'::text[]`),
    detectedAt: stamp('detected_at').notNull(),
  },
  // The second is the feed's order, newest first: a build reads its latest changes without sorting them all.
  (t) => [index('tool_changes_server_idx').on(t.serverId, t.detectedAt), index('tool_changes_detected_idx').on(t.detectedAt, t.id)],
);

export const classifications = pgTable(
  'classifications',
  {
    hash: text('hash')
      .notNull()
      .references(() => toolDefinitions.hash, { onDelete: 'cascade' }),
    classifierVersion: text('classifier_version').notNull(),
    category: text('category').$type<Category>().notNull(),
    severity: text('severity').$type<Severity>().notNull(),
    flags: text('flags').array().$type<Flag[]>().notNull().default(sql`'{}'::text[]`),
    confidence: real('confidence').notNull(),
    evidence: jsonb('evidence').$type<Evidence[]>().notNull().default(sql`'[]'::jsonb`),
    annotationConflicts: jsonb('annotation_conflicts').$type<AnnotationConflict[]>().notNull().default(sql`'[]'::jsonb`),
    explanation: text('explanation').notNull(),
    classifiedAt: stamp('classified_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.hash, t.classifierVersion] }),
    index('classifications_category_idx').on(t.classifierVersion, t.category),
    index('classifications_severity_idx').on(t.classifierVersion, t.severity),
  ],
);

/** Small named state that must survive runs, e.g. the time of the last successful registry sync. */
export const syncState = pgTable('sync_state', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: stamp('updated_at').notNull(),
});

export type ServerRow = typeof servers.$inferSelect;
export type NewServer = typeof servers.$inferInsert;
export type CrawlRunRow = typeof crawlRuns.$inferSelect;
export type CrawlAttemptRow = typeof crawlAttempts.$inferSelect;
export type NewCrawlAttempt = typeof crawlAttempts.$inferInsert;
export type ToolDefinitionRow = typeof toolDefinitions.$inferSelect;
export type ToolChangeRow = typeof toolChanges.$inferSelect;
export type ClassificationRow = typeof classifications.$inferSelect;
export type NewClassification = typeof classifications.$inferInsert;
