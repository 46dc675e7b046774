import { createHash } from 'node:crypto';
import type { DEFINITION_FIELDS } from './schema.ts';

/** A tool definition as an MCP server lists it (the fields that identify its content). */
export interface ToolDefinition {
  name: string;
  title?: string | null;
  description?: string | null;
  inputSchema?: unknown;
  outputSchema?: unknown;
  annotations?: Record<string, unknown> | null;
}

/** JSON with object keys sorted at every depth, so equal content always gives equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    // fromEntries defines keys, so `__proto__` stays an ordinary key (assigning it would drop it).
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, inner]) => inner !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, inner]) => [key, sortKeys(inner)]),
    );
  }
  return value;
}

/** The definition reduced to its hashed fields, with absent fields as null. */
export function definitionContent(tool: ToolDefinition): Record<(typeof DEFINITION_FIELDS)[number], unknown> {
  return {
    name: tool.name,
    title: tool.title ?? null,
    description: tool.description ?? null,
    inputSchema: tool.inputSchema ?? null,
    outputSchema: tool.outputSchema ?? null,
    annotations: tool.annotations ?? null,
  };
}

export function definitionHash(tool: ToolDefinition): string {
  return sha256(canonicalJson(definitionContent(tool)));
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
