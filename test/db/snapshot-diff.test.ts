import { describe, expect, it } from 'vitest';
import { diffToolSets, planSnapshot, prepareSnapshot, type PreviousTool } from '../../db/queries/snapshot-diff.ts';

const day1 = new Date('2026-11-01T00:00:00Z');
const day2 = new Date('2026-11-02T00:00:00Z');
const read = { name: 'read_file', description: 'Reads a file.' };
const write = { name: 'write_file', description: 'Writes a file.' };

/** The previous tool set as the database holds it, from a listing stored on day 1. */
function previous(tools: Array<{ name: string; description: string }>): Map<string, PreviousTool> {
  const { listed } = prepareSnapshot({ serverId: 's', tools, at: day1 });
  return new Map(listed.map(({ tool, hash, position }) => [tool.name, { hash, position, since: day1 }]));
}

describe('the snapshot diff (pure)', () => {
  it('finds added, changed (with the fields that differ) and removed tools', () => {
    const before = previous([read, write]);
    const { listed } = prepareSnapshot({ serverId: 's', tools: [{ ...read, description: 'Reads any file.' }, { name: 'delete_file' }], at: day2 });
    const old = new Map([
      [
        before.get('read_file')!.hash,
        { name: 'read_file', title: null, description: 'Reads a file.', inputSchema: null, outputSchema: null, annotations: null },
      ],
    ]);
    expect(diffToolSets(before, listed, old).map((c) => [c.toolName, c.kind, c.fields])).toEqual([
      ['read_file', 'changed', ['description']],
      ['delete_file', 'added', []],
      ['write_file', 'removed', []],
    ]);
  });

  it('writes no rows for an unchanged listing, and keeps `since` of unchanged tools when rows move', () => {
    const before = previous([read, write]);
    expect(planSnapshot(prepareSnapshot({ serverId: 's', tools: [read, write], at: day2 }), before, new Map())).toEqual({
      changes: [],
      replacesRows: false,
      toolRows: [],
    });
    const swapped = planSnapshot(prepareSnapshot({ serverId: 's', tools: [write, read], at: day2 }), before, new Map());
    expect(swapped.replacesRows).toBe(true);
    expect(swapped.toolRows.map((r) => [r.name, r.position, r.since])).toEqual([
      ['write_file', 0, day1],
      ['read_file', 1, day1],
    ]);
  });

  it('refuses a listing that names a tool twice', () => {
    expect(() => prepareSnapshot({ serverId: 's', tools: [read, read], at: day1 })).toThrow(/more than once/);
  });
});
