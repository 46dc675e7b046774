import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COPY_MIN_ROWS, definitionContent, definitionHash, serverToolSet, storeSnapshots, toolDefinitions, upsertServers } from '../../db/index.ts';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';

const at = new Date('2026-11-01T00:00:00Z');
/** Text with tabs, newlines, backslashes and non-BMP characters, and JSON that is not an object. */
const awkward = [
  {
    name: 'tabs\tand\nnewlines',
    title: 'back\\slash \\N \\t',
    description: 'line one\r\nline two\ttabbed \\ \u00e9 \u{1F600} "quoted"',
    inputSchema: { type: 'object', properties: { 'p\\q': { description: 'a\tb\nc\\d' } } },
    annotations: { title: 'x\\y' },
  },
  { name: 'string_schema', description: null, inputSchema: 'just a string', outputSchema: ['a', 1, null, true] },
  { name: 'nulls', title: null, description: '', inputSchema: null, annotations: null },
];

describe.each(testBackends())('storing definitions with awkward text ($name)', (backend) => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await backend.create();
    await upsertServers(
      db.orm,
      [
        { id: 'a', sources: ['test'] },
        { id: 'b', sources: ['test'] },
      ],
      at,
    );
  });
  afterEach(async () => db.dispose());

  // A small batch goes as one jsonb parameter; from COPY_MIN_ROWS rows, PostgreSQL takes them by COPY.
  it.each([
    ['a small batch', 0],
    ['a batch large enough for COPY', COPY_MIN_ROWS],
  ])('reads back exactly what was stored, for every definition of %s', async (_, padding) => {
    const plain = Array.from({ length: padding }, (_, i) => ({ name: `plain_${i}`, description: `Plain tool ${i}` }));
    await storeSnapshots(db.orm, [
      { serverId: 'a', tools: [...awkward, ...plain], at },
      { serverId: 'b', tools: awkward.slice(0, 1), at },
    ]);
    expect(await db.orm.select().from(toolDefinitions)).toHaveLength(3 + padding);
    const stored = await serverToolSet(db.orm, 'a');
    expect(stored.map((t) => t.definition.hash)).toEqual([...awkward, ...plain].map((t) => definitionHash(t)));
    for (const [i, tool] of awkward.entries()) expect(definitionContent(stored[i].definition)).toEqual(definitionContent(tool));
  });
});
