import { policyIndexServer, type PolicyIndex, type PolicyIndexServer } from '../../classifier/policy/config-policy.ts';
import type { CatalogueServer, Database } from '../../db/index.ts';
import { iterateCatalogue } from '../../db/index.ts';
import { classificationFromRow } from '../../db/classification-row.ts';
import { policyTool } from './model.ts';

/**
 * The policy index (classifier/policy/config-policy.ts) from the catalogue: the site publishes it for the
 * paste-your-configuration page and `toolrisk policy --config` reads the same entries, so both write the
 * same bytes. Tools without a stored classification for this classifier version are left out, as on the site.
 */
export function policyIndexEntry(entry: CatalogueServer): PolicyIndexServer {
  const tools = entry.tools.flatMap((tool) => (tool.classification ? [policyTool(tool.name, classificationFromRow(tool.classification))] : []));
  return policyIndexServer({ id: entry.server.id, packages: entry.server.packages, remotes: entry.server.remotes }, tools);
}

/** Collects index entries as the catalogue streams by; servers nothing can match (no keys) are left out. */
export class PolicyIndexBuilder {
  private readonly servers: PolicyIndexServer[] = [];

  add(entry: CatalogueServer): void {
    const server = policyIndexEntry(entry);
    if (server.keys.length > 0) this.servers.push(server);
  }

  finish(): PolicyIndex {
    return { version: 1, servers: this.servers };
  }
}

export async function policyIndexFromDatabase(db: Database, classifierVersion: string): Promise<PolicyIndex> {
  const builder = new PolicyIndexBuilder();
  for await (const batch of iterateCatalogue(db.orm, { classifierVersion })) for (const entry of batch) builder.add(entry);
  return builder.finish();
}
