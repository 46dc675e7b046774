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

/**
 * JSON with object keys sorted at every depth, so equal content always gives equal text. Hashing is a large
 * part of storing a crawl, so only objects whose keys are out of order are copied (see sortedCopy).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortedCopy(value));
}

const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

/**
 * What sortKeys returns, but sharing every part of `value` that is already in canonical form. Anything that
 * is not plain JSON data (class instances, functions, keys that are array indices, which every object
 * orders numerically) is left to sortKeys, the reference.
 */
function sortedCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) {
    return typeof value === 'function' ? sortKeys(value) : value;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      const sorted = sortedCopy(item);
      if (sorted !== item) (copy ??= value.slice())[i] = sorted;
    }
    return copy ?? value;
  }
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return sortKeys(value);
  const keys = Object.keys(value);
  if (keys.length === 0) return value;
  if (ARRAY_INDEX.test(keys[0])) return sortKeys(value);
  const record = value as Record<string, unknown>;
  const count = keys.length;
  let ordered = true;
  let same = true;
  // Allocated only once a child differs from the value's own (most schemas' leaves are already canonical).
  let children: unknown[] | undefined;
  for (let i = 0; i < count; i++) {
    const inner = record[keys[i]];
    const kind = typeof inner;
    // A function value (a toJSON method, say) is kept by sortKeys and then called or dropped by JSON.stringify.
    if (kind === 'function' || kind === 'symbol' || kind === 'bigint') return sortKeys(value);
    const sorted = kind === 'object' ? sortedCopy(inner) : inner;
    if (inner === undefined) same = false;
    if (i > 0 && keys[i - 1] > keys[i]) ordered = false;
    if (children !== undefined) children[i] = sorted;
    else if (sorted !== inner) {
      same = false;
      children = keys.map((key) => record[key]);
      children[i] = sorted;
    }
  }
  if (ordered && same) return value;
  // Keys are few: an insertion sort of their indices, without a comparator's calls.
  const order: number[] = [];
  for (let i = 0; i < count; i++) {
    let j = i;
    while (j > 0 && keys[order[j - 1]] > keys[i]) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = i;
  }
  const copy: Record<string, unknown> = {};
  for (const i of order) {
    const child = children === undefined ? record[keys[i]] : children[i];
    if (child === undefined) continue;
    // Assigning `__proto__` would set the prototype; defining it keeps it an ordinary key, as fromEntries does.
    if (keys[i] === '__proto__') Object.defineProperty(copy, '__proto__', { value: child, enumerable: true, writable: true, configurable: true });
    else copy[keys[i]] = child;
  }
  return copy;
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
  return createHash('sha256').update(text).digest('hex');
}
