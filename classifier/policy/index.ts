import { claudeCodeWriter } from './claude-code.ts';
import { CODEX_APPROVAL, codexWriter } from './codex.ts';
import { describeDecision, ladder, recommendedDecision, SEVERITY_MAPPING, type PolicyDecision, type PolicyTool } from './decision.ts';
import type { Severity } from '../types.ts';
import { geminiWriter } from './gemini.ts';
import { interceptWriter } from './intercept.ts';
import { policyLayerWriter } from './policylayer.ts';
import type { FormatWriter, ServerDecisions } from './server-decisions.ts';
import { byName } from './text.ts';

export { claudeCodeDocument, claudeCodeName } from './claude-code.ts';
export { codexDocument } from './codex.ts';
export { geminiDocument } from './gemini.ts';
export { interceptDocument, type InterceptDocument } from './intercept.ts';
export { policyLayerDocument, type PolicyLayerDocument } from './policylayer.ts';
export {
  recommendedDecision,
  describeDecision,
  clientVerdict,
  toggleVerdict,
  RATE_LIMITS,
  SEVERITY_MAPPING,
  type PolicyDecision,
  type PolicyTool,
} from './decision.ts';

/** Formats for gateways in front of a server: the site publishes a file per server and per tool in each. */
export type PolicyFormat = 'policylayer' | 'intercept';
/** Formats for the agent clients people run: their own settings files. */
export type ClientFormat = 'claude-code' | 'codex' | 'gemini';
export type ExportFormat = PolicyFormat | ClientFormat;

interface FormatInfo {
  extension: string;
  mediaType: string;
  label: string;
}

export const POLICY_FORMATS: Record<PolicyFormat, FormatInfo> = {
  policylayer: { extension: 'json', mediaType: 'application/json', label: 'PolicyLayer (JSON)' },
  intercept: { extension: 'yaml', mediaType: 'application/yaml', label: 'Intercept (YAML)' },
};

export const CLIENT_FORMATS: Record<ClientFormat, FormatInfo> = {
  'claude-code': { extension: 'json', mediaType: 'application/json', label: 'Claude Code (settings.json permissions)' },
  codex: { extension: 'toml', mediaType: 'application/toml', label: 'Codex CLI (config.toml mcp_servers)' },
  gemini: { extension: 'json', mediaType: 'application/json', label: 'Gemini CLI (settings.json mcpServers)' },
};

export const EXPORT_FORMATS: Record<ExportFormat, FormatInfo> = { ...POLICY_FORMATS, ...CLIENT_FORMATS };

const WRITERS: Record<ExportFormat, FormatWriter> = {
  policylayer: policyLayerWriter,
  intercept: interceptWriter,
  'claude-code': claudeCodeWriter,
  codex: codexWriter,
  gemini: geminiWriter,
};

/** The severity mapping as each format spells it, for documentation (the API page). */
export function severityMappingRows(): Array<{ severity: Severity; gateway: string; 'claude-code': string; codex: string; gemini: string }> {
  return (Object.keys(SEVERITY_MAPPING) as Severity[]).map((severity) => {
    const row = SEVERITY_MAPPING[severity];
    const g: { action: string; perMinute?: number } = row.gateway;
    return {
      severity,
      gateway: g.action === 'limit' ? `${g.perMinute} calls a minute` : g.action,
      'claude-code': row.client,
      codex: row.client === 'deny' ? 'disabled_tools' : `enabled_tools, approval_mode ${CODEX_APPROVAL[row.client]}`,
      gemini: row.toggle === 'enabled' ? 'includeTools' : 'excludeTools',
    };
  });
}

export function isExportFormat(value: string): value is ExportFormat {
  return Object.hasOwn(EXPORT_FORMATS, value);
}

/**
 * A policy document for the given tools of one server: one tool gives the per-tool policy, a server's tools
 * give the server policy (gateways: `default: deny`, every tool listed; clients: the server's allow list).
 * Tools are ordered by name, so the same tools give byte-identical output. Client formats name the server
 * `server.name` (`server` if none is given): the name it has in the user's client configuration.
 */
export function renderPolicy(tools: readonly PolicyTool[], format: ExportFormat, server: { name?: string } = {}): string {
  return WRITERS[format].render([serverDecisions(server.name ?? 'server', tools)], false);
}

/** One policy for several servers, each under the name the user gave it (a `--config` policy). */
export function renderCombinedPolicy(servers: ReadonlyArray<{ name: string; tools: readonly PolicyTool[] }>, format: ExportFormat): string {
  return WRITERS[format].render(
    servers.map((s) => serverDecisions(s.name, s.tools)),
    true,
  );
}

/** The tools a format leaves out because their names would not stay names there, with the reason. */
export function unsafeToolNames(tools: readonly PolicyTool[], format: ExportFormat): Array<{ name: string; reason: string }> {
  return ordered(tools).flatMap((t) => {
    const reason = WRITERS[format].unsafeToolName(t.name);
    return reason === null ? [] : [{ name: t.name, reason }];
  });
}

function serverDecisions(name: string, tools: readonly PolicyTool[]): ServerDecisions {
  return { name, decisions: ordered(tools).map((t) => [t.name, recommendedDecision(t)] as const), hidden: hiddenTools(tools) };
}

export interface PolicyAlternative {
  variant: 'stricter' | 'recommended' | 'looser';
  decision: PolicyDecision;
  summary: string;
  documents: Record<PolicyFormat, string>;
}

/** The recommended policy for one tool and its neighbours one step stricter and one step looser, where they exist. */
export function policyAlternatives(tool: PolicyTool): PolicyAlternative[] {
  const recommended = recommendedDecision(tool);
  const rungs = ladder(tool);
  const at = rungs.findIndex((d) => sameDecision(d, recommended));
  const variants: Array<[PolicyAlternative['variant'], PolicyDecision | undefined]> = [
    ['stricter', rungs[at + 1]],
    ['recommended', recommended],
    ['looser', at > 0 ? rungs[at - 1] : undefined],
  ];
  const hidden = hiddenTools([tool]);
  return variants
    .filter((v): v is [PolicyAlternative['variant'], PolicyDecision] => v[1] !== undefined)
    .map(([variant, decision]) => {
      const server = { name: 'server', decisions: [[tool.name, decision] as const], hidden: decision.action === 'deny' ? hidden : [] };
      return {
        variant,
        decision,
        summary: describeDecision(decision),
        documents: {
          policylayer: policyLayerWriter.render([server], false),
          intercept: interceptWriter.render([server], false),
        },
      };
    });
}

/** Poisoning suspects are hidden from the model where the gateway can: their description is the attack. */
function hiddenTools(tools: readonly PolicyTool[]): string[] {
  return ordered(tools.filter((t) => t.flags.includes('poisoning_suspect'))).map((t) => t.name);
}

function ordered(tools: readonly PolicyTool[]): PolicyTool[] {
  const byNameMap = new Map<string, PolicyTool>();
  for (const tool of tools) if (!byNameMap.has(tool.name)) byNameMap.set(tool.name, tool);
  return [...byNameMap.values()].sort((a, b) => byName(a.name, b.name));
}

function sameDecision(a: PolicyDecision, b: PolicyDecision): boolean {
  return a.action === b.action && (a.action !== 'limit' || (b.action === 'limit' && a.perMinute === b.perMinute));
}
