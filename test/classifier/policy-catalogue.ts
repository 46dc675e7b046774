import path from 'node:path';
import { openDatabase, storeSnapshot, upsertServers } from '../../db/index.ts';
import { copyMigratedPglite } from '../helpers/databases.ts';

/**
 * The catalogue the site and `policy --config` both read: servers matched by id, package and remote. Written into
 * a copy of the migrated database (migrating a new one costs seconds of CPU).
 */
export async function seedPolicyCatalogue(dataDir: string): Promise<void> {
  copyMigratedPglite(path.join(dataDir, 'db'));
  const db = await openDatabase({ dataDir: path.join(dataDir, 'db'), env: {} });
  const at = new Date('2026-01-01T00:00:00Z');
  await upsertServers(
    db.orm,
    [
      { id: 'npm:@modelcontextprotocol/server-filesystem', title: 'Filesystem', sources: ['test'] },
      { id: 'io.example/memory', title: 'Memory', sources: ['test'], packages: [{ registryType: 'npm', identifier: '@modelcontextprotocol/server-memory' }] },
      { id: 'io.example/docs', title: 'Docs', sources: ['test'], remotes: [{ type: 'streamable-http', url: 'https://mcp.example.com/mcp' }] },
      { id: 'io.example/git', title: 'Git', sources: ['test'], packages: [{ registryType: 'pypi', identifier: 'mcp-server-git' }] },
    ],
    at,
  );
  const snapshot = (serverId: string, tools: Array<{ name: string; description: string; annotations?: Record<string, unknown> }>) =>
    storeSnapshot(db.orm, { serverId, at, tools });
  await snapshot('npm:@modelcontextprotocol/server-filesystem', [
    { name: 'read_file', description: 'Reads a file.', annotations: { readOnlyHint: true } },
    { name: 'write_file', description: 'Creates a new file with the given content.' },
    { name: 'delete_file', description: 'Deletes a file permanently.' },
  ]);
  await snapshot('io.example/memory', [
    { name: 'read_graph', description: 'Reads the knowledge graph.', annotations: { readOnlyHint: true } },
    { name: 'delete_entities', description: 'Deletes entities from the graph.' },
  ]);
  await snapshot('io.example/docs', [
    { name: 'search_docs', description: 'Searches the documentation.', annotations: { readOnlyHint: true } },
    { name: '<<', description: 'Creates a page.' },
    { name: '*', description: 'Posts a message to a channel.' },
  ]);
  await snapshot('io.example/git', [
    { name: 'git_status', description: 'Shows the working tree status.', annotations: { readOnlyHint: true } },
    { name: 'git_reset', description: 'Resets the repository, discarding changes.' },
  ]);
  await db.close();
}
