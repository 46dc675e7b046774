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
 * JSON with object keys sorted at every depth, so equal content always gives equal text. Written straight
 * into one string (no sorted copy of every object): hashing is a large part of storing a crawl. Values JSON
 * cannot come from (functions, class instances, keys that are array indices) take the reference path.
 */
export function canonicalJson(value: unknown): string {
  try {
    return writeCanonical(value);
  } catch (error) {
    if (error !== UNUSUAL) throw error;
    return JSON.stringify(sortKeys(value));
  }
}

const UNUSUAL = Symbol('not plain JSON data');
const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

function writeCanonical(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const item = value[i];
          out += (i === 0 ? '' : ',') + (item === undefined ? 'null' : writeCanonical(item));
        }
        return `${out}]`;
      }
      const prototype = Object.getPrototypeOf(value);
      if (prototype !== Object.prototype && prototype !== null) throw UNUSUAL;
      const keys = Object.keys(value);
      // Array-index keys are ordered numerically in any object, the sorted copy included: left to sortKeys.
      if (keys.length > 0 && ARRAY_INDEX.test(keys[0])) throw UNUSUAL;
      keys.sort();
      let out = '{';
      for (const key of keys) {
        const inner = (value as Record<string, unknown>)[key];
        if (inner === undefined) continue;
        out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${writeCanonical(inner)}`;
      }
      return `${out}}`;
    }
    default:
      throw UNUSUAL; // undefined at the top, functions, symbols, bigints: as JSON.stringify treats them
  }
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

/** A definition's hash, and the canonical JSON of its structured fields (reused to store them). */
export interface HashedDefinition {
  hash: string;
  inputSchema: string;
  outputSchema: string;
  annotations: string;
}

/**
 * The hash of canonicalJson(definitionContent(tool)), assembled from the fields' canonical JSON in key
 * order (annotations, description, inputSchema, name, outputSchema, title), so each field is written once.
 */
export function hashDefinition(tool: ToolDefinition): HashedDefinition {
  const inputSchema = canonicalJson(tool.inputSchema ?? null);
  const outputSchema = canonicalJson(tool.outputSchema ?? null);
  const annotations = canonicalJson(tool.annotations ?? null);
  const name = tool.name === undefined ? '' : `,"name":${canonicalJson(tool.name)}`;
  const text =
    `{"annotations":${annotations},"description":${canonicalJson(tool.description ?? null)},"inputSchema":${inputSchema}` +
    `${name},"outputSchema":${outputSchema},"title":${canonicalJson(tool.title ?? null)}}`;
  return { hash: sha256(text), inputSchema, outputSchema, annotations };
}

export function definitionHash(tool: ToolDefinition): string {
  return hashDefinition(tool).hash;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
