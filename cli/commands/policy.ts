import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { classify, CLASSIFIER_VERSION, storedClassification, type Category, type Flag, type Severity } from '../../classifier/index.ts';
import { POLICY_FORMATS, renderPolicy, type PolicyFormat } from '../../classifier/policy/index.ts';
import { serverToolSet, openDatabase, writeClassifications } from '../../db/index.ts';
import { printable } from '../output.ts';
import { UsageError } from '../errors.ts';
import { resolveServer } from '../server-name.ts';

export function registerPolicy(program: Command): void {
  program
    .command('policy')
    .description("Print the recommended gateway policy for a server's current tools, or for one of its tools.")
    .argument('<server>', 'the server: its id (io.github.owner/repo), npm package, URL slug, or a unique prefix')
    .argument('[tool]', 'one tool of that server: the per-tool policy')
    .option('--format <format>', `policy format: ${Object.keys(POLICY_FORMATS).join(' or ')}`, 'policylayer')
    .option('--out <file>', 'write the policy to this file instead of standard output')
    .action(async (serverName: string, toolName: string | undefined, options: { format: string; out?: string }) => {
      if (!(options.format in POLICY_FORMATS)) throw new UsageError(`--format must be one of ${Object.keys(POLICY_FORMATS).join(', ')}, got ${JSON.stringify(options.format)}`);
      const format = options.format as PolicyFormat;
      const db = await openDatabase();
      let document: string;
      try {
        const serverId = await resolveServer(db.orm, serverName);
        const current = await serverToolSet(db.orm, serverId, CLASSIFIER_VERSION);
        if (current.length === 0) throw new Error(`no current tools for server ${printable(serverId)}: no crawl has listed its tools yet`);
        const chosen = toolName === undefined ? current : current.filter((t) => t.name === toolName);
        if (chosen.length === 0) {
          throw new Error(`server ${printable(serverId)} has no tool ${printable(JSON.stringify(toolName))}; its tools: ${current.map((t) => printable(t.name)).join(', ')}`);
        }
        // Tools classified by an older classifier version (or not at all) are classified now and stored.
        const fresh = chosen.filter((t) => !t.classification).map((t) => ({ hash: t.definition.hash, result: classify(t.definition) }));
        if (fresh.length > 0) {
          const at = new Date();
          await writeClassifications(db.orm, fresh.map(({ hash, result }) => storedClassification(hash, result, at)));
        }
        const byHash = new Map(fresh.map((f) => [f.hash, f.result]));
        document = renderPolicy(
          chosen.map((t) => {
            const c = t.classification ?? byHash.get(t.definition.hash)!;
            return { name: t.name, category: c.category as Category, severity: c.severity as Severity, flags: c.flags as Flag[] };
          }),
          format,
        );
      } finally {
        await db.close();
      }
      if (options.out) {
        await writeFile(options.out, document);
        console.error(`Wrote the ${POLICY_FORMATS[format].label} policy to ${options.out}.`);
      } else {
        process.stdout.write(document);
      }
    });
}
