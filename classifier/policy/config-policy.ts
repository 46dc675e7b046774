import { z } from 'zod';
import { CATEGORIES, SEVERITIES, type Category, type Severity } from '../types.ts';
import { readAgentConfig, type ConfiguredServer } from './agent-config.ts';
import type { PolicyTool } from './decision.ts';
import { renderCombinedPolicy, unsafeToolNames, type ExportFormat } from './index.ts';
import { catalogueKeys, launchKeys } from './match.ts';

/**
 * The policy index: what a policy for a user's configuration needs from the catalogue, and nothing more —
 * each server's match keys and, per tool, its name, severity, category and whether it is a poisoning suspect.
 * The site publishes it as one file and the browser computes policies from it; `toolrisk policy --config`
 * builds the same index from the database, so both give the same bytes.
 */
export interface PolicyIndex {
  version: 1;
  servers: PolicyIndexServer[];
}

export interface PolicyIndexServer {
  id: string;
  keys: string[];
  /** One string per tool: severity letter, category letter, `!` for a poisoning suspect or `-`, then the name. */
  tools: string[];
}

const SEVERITY_CODES = Object.fromEntries(SEVERITIES.map((s) => [s, s[0]])) as Record<Severity, string>;
const CATEGORY_CODES: Record<Category, string> = { read: 'r', write: 'w', execute: 'x', destructive: 'd', financial: 'f', unknown: 'u' };
const SEVERITY_OF = new Map(SEVERITIES.map((s) => [SEVERITY_CODES[s], s]));
const CATEGORY_OF = new Map(CATEGORIES.map((c) => [CATEGORY_CODES[c], c]));

export const policyIndexSchema = z.object({
  version: z.literal(1),
  servers: z.array(z.object({ id: z.string(), keys: z.array(z.string()), tools: z.array(z.string().regex(/^[lmhc][rwxdfu][!-]/s)) })),
});

export function policyIndexServer(
  server: { id: string; packages: readonly unknown[]; remotes: readonly unknown[] },
  tools: readonly PolicyTool[],
): PolicyIndexServer {
  return {
    id: server.id,
    keys: catalogueKeys(server),
    tools: tools.map((t) => `${SEVERITY_CODES[t.severity]}${CATEGORY_CODES[t.category]}${t.flags.includes('poisoning_suspect') ? '!' : '-'}${t.name}`),
  };
}

function decodeTool(code: string): PolicyTool {
  return {
    name: code.slice(3),
    severity: SEVERITY_OF.get(code[0])!,
    category: CATEGORY_OF.get(code[1])!,
    flags: code[2] === '!' ? ['poisoning_suspect'] : [],
  };
}

export interface MatchedServer {
  /** The user's name for it. */
  name: string;
  serverId: string;
  tools: PolicyTool[];
}

export interface ConfigPolicy {
  text: string;
  matched: MatchedServer[];
  /** Configured servers the catalogue does not have, or has without tools yet. */
  missing: Array<ConfiguredServer & { keys: string[]; catalogued: string | null }>;
  /** Tools left out of the document because the format cannot carry their names safely. */
  unsafe: Array<{ server: string; name: string; reason: string }>;
}

/**
 * Matches each server of a configuration to the catalogue and writes one policy for all that matched, each
 * under the user's name for it. `extra` adds servers whose tools were listed some other way (a live check).
 */
export function policyForConfig(
  configText: string,
  fileName: string,
  index: PolicyIndex,
  format: ExportFormat,
  extra: readonly MatchedServer[] = [],
): ConfigPolicy {
  const config = readAgentConfig(configText, fileName);
  const byKey = new Map<string, PolicyIndexServer>();
  // A key shared by several catalogue entries goes to one with tools, then to the lowest id.
  const ranked = [...index.servers].sort((a, b) => Number(b.tools.length > 0) - Number(a.tools.length > 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const server of ranked) for (const key of server.keys) if (!byKey.has(key)) byKey.set(key, server);

  const matched: MatchedServer[] = [];
  const missing: ConfigPolicy['missing'] = [];
  for (const configured of config.servers) {
    const supplied = extra.find((e) => e.name === configured.name);
    if (supplied) {
      matched.push(supplied);
      continue;
    }
    const keys = launchKeys(configured);
    const found = keys.map((k) => byKey.get(k)).find((s) => s !== undefined);
    if (found && found.tools.length > 0) matched.push({ name: configured.name, serverId: found.id, tools: found.tools.map(decodeTool) });
    else missing.push({ ...configured, keys, catalogued: found?.id ?? null });
  }
  const unsafe = matched.flatMap((m) => unsafeToolNames(m.tools, format).map((u) => ({ server: m.name, ...u })));
  return { text: renderCombinedPolicy(matched, format), matched, missing, unsafe };
}
