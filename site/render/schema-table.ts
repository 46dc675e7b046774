import { boundJson } from './bounded.ts';
import type { SchemaRow } from './model.ts';

const MAX_SCHEMA_ROWS = 200;

export interface SchemaTable {
  rows: SchemaRow[];
  omitted: number;
  raw: string | null;
}

type JsonSchema = {
  type?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: unknown;
  description?: unknown;
  enum?: unknown;
  const?: unknown;
  default?: unknown;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  format?: unknown;
};

/** The top-level arguments of an input schema as table rows; the raw JSON when it has no properties. */
export function schemaTable(stored: unknown): SchemaTable {
  if (!stored || typeof stored !== 'object') return { rows: [], omitted: 0, raw: null };
  const schema = boundJson(stored).value;
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
  if (Array.isArray(p.enum))
    parts.push(
      `one of ${p.enum
        .slice(0, 20)
        .map((v) => JSON.stringify(v))
        .join(', ')}${p.enum.length > 20 ? ', …' : ''}`,
    );
  if (p.const !== undefined) parts.push(`always ${JSON.stringify(p.const)}`);
  if (p.default !== undefined) parts.push(`default ${JSON.stringify(p.default)}`);
  return clip(parts.join('; '), 400);
}

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
