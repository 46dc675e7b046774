import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The real tool definitions the synthetic catalogue recombines (see datasets/README.md). */
export const DEFAULT_VOCABULARY_PATH = process.env.TOOLRISK_BENCH_VOCABULARY ?? fileURLToPath(new URL('../datasets/tools-dev.jsonl', import.meta.url));

export interface VocabularyTool {
  /** The server (or monorepo subserver) the tool came from: tools of one group make a theme. */
  group: string;
  name: string;
  title: string | null;
  description: string | null;
  /** The input schema as JSON text, parsed afresh for every copy so copies never share objects. */
  schemaJson: string | null;
  annotations: Record<string, unknown> | null;
  /** Name tokens before the verb (a product prefix such as `atlas`), the verb, and the object after it. */
  prefix: string[];
  verb: string;
  object: string[];
}

export interface Vocabulary {
  tools: VocabularyTool[];
  groups: VocabularyTool[][];
  /** For each tool (by index), the index of its group. */
  groupOf: number[];
  /** Verbs with repetition, so picking uniformly follows their real frequency. */
  verbs: string[];
  objects: string[][];
  /** Single sentences from descriptions, to vary and lengthen descriptions. */
  sentences: string[];
  /** Input-schema properties as [name, JSON text of the property schema]. */
  properties: Array<[string, string]>;
}

const recordSchema = z.object({
  server: z.string(),
  subserver: z.string().nullish(),
  name: z.string().min(1),
  title: z.string().nullish(),
  description: z.string().nullish(),
  input_schema: z.record(z.unknown()).nullish(),
  annotations: z.record(z.unknown()).nullish(),
});

/** Action verbs recognised in tool names; a name's first such token is its verb. */
const VERBS = new Set(
  (
    'get list create update search delete add query find describe read run generate trigger cancel remove analyze place ' +
    'connect aggregate manage start deploy write drop close suggest attach detach simulate put check explain resolve show ' +
    'kill execute assign merge set rename edit move toggle call replace compute recommend scrape migrate upload dismiss ' +
    'fork label mark push submit validate install provision make open echo fetch convert disconnect insert count export ' +
    'retrieve finalize confirm pause restore reset rebase apply stop interact force give inspect send post invite ' +
    'archive purge revoke grant transfer refund charge pay order buy sell stream watch subscribe unsubscribe sync clone ' +
    'download import patch approve reject publish unpublish enable disable scale restart terminate destroy wipe rotate'
  ).split(/\s+/),
);

export function splitName(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

let cached: { path: string; vocabulary: Vocabulary } | undefined;

/** Reads and indexes the vocabulary file once per process. */
export function loadVocabulary(path: string = DEFAULT_VOCABULARY_PATH): Vocabulary {
  if (cached?.path === path) return cached.vocabulary;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`Cannot read the benchmark vocabulary ${path} (${(error as Error).message}); set TOOLRISK_BENCH_VOCABULARY to a tools JSONL file.`);
  }
  const tools = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const parsed = recordSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`${path} line ${index + 1}: ${parsed.error.issues[0].message}`);
      return toVocabularyTool(parsed.data);
    });
  if (tools.length === 0) throw new Error(`${path} holds no tools.`);
  const vocabulary = indexTools(tools);
  cached = { path, vocabulary };
  return vocabulary;
}

function toVocabularyTool(record: z.infer<typeof recordSchema>): VocabularyTool {
  const tokens = splitName(record.name);
  const at = tokens.findIndex((token) => VERBS.has(token));
  const verbAt = at === -1 ? 0 : at;
  return {
    group: record.subserver ? `${record.server}/${record.subserver}` : record.server,
    name: record.name,
    title: record.title ?? null,
    description: record.description ?? null,
    schemaJson: record.input_schema ? JSON.stringify(record.input_schema) : null,
    annotations: record.annotations ?? null,
    prefix: at === -1 ? [] : tokens.slice(0, verbAt),
    verb: at === -1 ? 'get' : tokens[verbAt],
    object: at === -1 ? tokens : tokens.slice(verbAt + 1),
  };
}

function indexTools(tools: VocabularyTool[]): Vocabulary {
  const groups = new Map<string, VocabularyTool[]>();
  for (const tool of tools) groups.set(tool.group, [...(groups.get(tool.group) ?? []), tool]);
  const sentences = new Set<string>();
  const properties = new Map<string, [string, string]>();
  for (const tool of tools) {
    for (const sentence of (tool.description ?? '').split(/(?<=[.!?])\s+|\n+/)) {
      const trimmed = sentence.trim();
      if (trimmed.length >= 20 && trimmed.length <= 400) sentences.add(trimmed);
    }
    const schema = tool.schemaJson ? (JSON.parse(tool.schemaJson) as { properties?: Record<string, unknown> }) : null;
    for (const [name, property] of Object.entries(schema?.properties ?? {})) {
      const json = JSON.stringify(property);
      properties.set(`${name}\u0000${json}`, [name, json]);
    }
  }
  const groupNames = [...groups.keys()];
  return {
    tools,
    groups: [...groups.values()],
    groupOf: tools.map((tool) => groupNames.indexOf(tool.group)),
    verbs: tools.map((t) => t.verb),
    objects: tools.map((t) => t.object).filter((o) => o.length > 0),
    sentences: [...sentences],
    properties: [...properties.values()],
  };
}
