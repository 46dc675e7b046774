import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateCatalogue } from '../../bench/generate.ts';
import { canonicalJson, definitionContent, definitionHash, sortKeys, type ToolDefinition } from '../../db/hash.ts';

/** The hash as it was first defined: every stored definition's identity depends on it never changing. */
function referenceHash(tool: ToolDefinition): string {
  return createHash('sha256')
    .update(JSON.stringify(sortKeys(definitionContent(tool))))
    .digest('hex');
}

// biome-ignore format: one awkward value a line
const awkward: unknown[] = [
  Object.assign([1, 2], { 5: 'after a hole' }),
  { b: 1, a: { d: [3, { z: null, y: undefined, x: -0 }], c: 'é\u2028\ud800' }, A: true, '': 1.5e300 },
  { __proto__: null, z: 1, Z: 2, ä: 3, 'a b': 4 },
  JSON.parse('{"__proto__": {"x": 1}, "a": 2}'),
  { 10: 'ten', 9: 'nine', b: 'bee', a: 'ay' },
  { '4294967295': 1, '4294967294': 2, x: 3 },
  { '01': 1, '-1': 2, '1.5': 3 },
  [1, undefined, NaN, Infinity, -Infinity, null, 'x'],
  { date: new Date(0), map: new Map([[1, 2]]), list: [new Date(0)] },
  { toJSON: 'not a function', nested: { toJSON: 1 } },
  'plain',
  42,
  null,
  [],
  {},
];

describe('canonicalJson', () => {
  it('writes exactly what stringifying a sorted copy writes, awkward values included', () => {
    for (const value of awkward) expect(canonicalJson(value)).toBe(JSON.stringify(sortKeys(value)));
  });

  it('gives every synthetic and real definition the hash it had before', () => {
    const tools: ToolDefinition[] = [...generateCatalogue({ servers: 150, seed: 'hash' })].flatMap((entry) => entry.tools);
    const real = readFileSync(new URL('../../datasets/tools-dev.jsonl', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { name: string; description: string | null; input_schema: unknown; annotations: Record<string, unknown> | null });
    tools.push(
      ...real.map((r) => ({ name: r.name, description: r.description, inputSchema: r.input_schema, annotations: r.annotations })),
      ...(awkward.filter((v) => typeof v === 'object' && v !== null) as object[]).map((v) => ({
        name: 'x',
        inputSchema: v,
        annotations: v as Record<string, unknown>,
      })),
    );
    tools.push({ name: undefined as unknown as string, title: 't' }, { name: 'n', description: null, title: undefined, outputSchema: { type: 'object' } });
    expect(tools.length).toBeGreaterThan(2000);
    for (const tool of tools) expect(definitionHash(tool)).toBe(referenceHash(tool));
  });
});
