import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { ToolInput } from '../types.ts';

const THREE_WAY = ['read', 'write', 'destructive'] as const;
const FIVE_WAY = ['read', 'write', 'execute', 'destructive', 'financial'] as const;
export type ThreeWayLabel = (typeof THREE_WAY)[number];
export type FiveWayLabel = (typeof FIVE_WAY)[number];

const record = z
  .object({
    name: z.string(),
    server: z.string().optional(),
    subserver: z.string().nullish(),
    title: z.string().nullish(),
    description: z.string().nullish(),
    input_schema: z.unknown().optional(),
    inputSchema: z.unknown().optional(),
    annotations: z.record(z.string(), z.unknown()).nullish(),
    label: z.enum(THREE_WAY).nullish(),
    annotator_label: z.enum(THREE_WAY).nullish(),
    category: z.enum(FIVE_WAY).nullish(),
    flags: z.array(z.string()).nullish(),
  })
  .refine((r) => r.category || r.label || r.annotator_label, { message: 'needs a category (or a three-way label)', path: ['category'] });

export interface LabelledTool {
  line: number;
  server: string | undefined;
  tool: ToolInput;
  /**
   * The three-way label: from the human `category` (execute and financial count as destructive) where
   * given, else the annotator's label, else `label` (which mostly follows the server's annotations).
   */
  label: ThreeWayLabel;
  /** The human five-way category, where given. */
  category: FiveWayLabel | undefined;
  /** The human risk flags, where given. */
  flags: string[] | undefined;
}

/** Reads a labelled JSONL file (datasets/tools-dev.jsonl's shape). A bad line is an error naming the line. */
export async function loadLabelledTools(file: string): Promise<LabelledTool[]> {
  const text = await readFile(file, 'utf8');
  const tools: LabelledTool[] = [];
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new Error(`${file}:${index + 1}: not JSON (${(error as Error).message})`);
    }
    const parsed = record.safeParse(json);
    if (!parsed.success)
      throw new Error(`${file}:${index + 1}: not a labelled tool: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ')}`);
    const r = parsed.data;
    tools.push({
      line: index + 1,
      server: r.server && r.subserver ? `${r.server}#${r.subserver}` : r.server,
      tool: { name: r.name, title: r.title, description: r.description, inputSchema: r.inputSchema ?? r.input_schema, annotations: r.annotations },
      label: r.category ? threeWayOf(r.category) : (r.annotator_label ?? r.label)!,
      category: r.category ?? undefined,
      flags: r.flags ?? undefined,
    });
  });
  return tools;
}

/** The three-way view of a five-way category: running code and moving money count as destructive. */
export function threeWayOf(category: FiveWayLabel): ThreeWayLabel {
  return category === 'execute' || category === 'financial' ? 'destructive' : category;
}
