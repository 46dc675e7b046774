import { hash } from 'node:crypto';
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

/**
 * JSON with object keys sorted at every depth, so equal content always gives equal text: what stringifying
 * sortKeys(value) gives. Hashing is a large part of storing a crawl, so plain JSON data (what a listing parsed from
 * JSON is made of) is written straight to text, without a sorted copy; anything else goes to the reference.
 */
export function canonicalJson(value: unknown): string {
  return writePlain(value) ?? JSON.stringify(sortKeys(value));
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;
/** What JSON.stringify escapes in a string (it writes a lone surrogate escaped, a pair as itself). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * The canonical text of `value` if it is plain JSON data (null, booleans, numbers, strings, arrays without holes,
 * and objects of the plain prototypes whose keys are not array indices, which every object orders numerically);
 * undefined as soon as anything else is met (a function, a class instance, a hole), whose text the reference gives.
 */
function writePlain(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : `"${value}"`;
    case 'number':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i++) {
      const item = writePlain(value[i]);
      if (item === undefined) return undefined;
      text += i === 0 ? item : `,${item}`;
    }
    return `${text}]`;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  const keys = Object.keys(value);
  if (keys.length > 0 && ARRAY_INDEX.test(keys[0])) return undefined;
  // Keys are few: sorted by insertion, without a comparator's calls.
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i];
    let j = i;
    for (; j > 0 && keys[j - 1] > key; j--) keys[j] = keys[j - 1];
    keys[j] = key;
  }
  const record = value as Record<string, unknown>;
  let text = '{';
  for (const key of keys) {
    const inner = record[key];
    if (inner === undefined) continue; // left out, as JSON.stringify leaves it out
    const written = writePlain(inner);
    if (written === undefined) return undefined;
    text += `${text.length === 1 ? '' : ','}${writePlain(key)}:${written}`;
  }
  return `${text}}`;
}

/** The reference: a copy with sorted keys, stringified. */
export function sortKeys(value: unknown): unknown {
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
  return hash('sha256', text, 'hex');
}
