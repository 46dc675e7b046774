/** The contract between the classifier and everything that shows or stores its results. */

export const CATEGORIES = ['read', 'write', 'execute', 'destructive', 'financial', 'unknown'] as const;
export type Category = (typeof CATEGORIES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const FLAGS = ['private_data', 'untrusted_content', 'external_comm', 'credential_admin', 'bulk', 'freeform_input', 'poisoning_suspect'] as const;
export type Flag = (typeof FLAGS)[number];

/** A tool as the classifier sees it: the MCP `tools/list` fields. */
export interface ToolInput {
  name: string;
  title?: string | null;
  description?: string | null;
  inputSchema?: unknown;
  annotations?: Record<string, unknown> | null;
}

export interface Evidence {
  /** Which rule fired, e.g. `name-verb:delete`. */
  rule: string;
  /** Where it looked: name, title, description, inputSchema, annotations. */
  field: 'name' | 'title' | 'description' | 'inputSchema' | 'annotations';
  /** The text it matched. */
  match: string;
  /** What the rule points to: a category or a flag. */
  points: Category | Flag;
  weight: number;
}

export interface AnnotationConflict {
  annotation: string;
  declared: unknown;
  /** What the other evidence says, in a sentence. */
  message: string;
}

export interface Classification {
  category: Category;
  flags: Flag[];
  severity: Severity;
  confidence: number;
  evidence: Evidence[];
  annotationConflicts: AnnotationConflict[];
  explanation: string;
  version: string;
}
