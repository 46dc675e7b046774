import { describeDecision, ladder, recommendedDecision, type PolicyDecision, type PolicyTool } from './decision.ts';
import { renderIntercept } from './intercept.ts';
import { renderPolicyLayer } from './policylayer.ts';

export { interceptDocument, type InterceptDocument } from './intercept.ts';
export { policyLayerDocument, type PolicyLayerDocument } from './policylayer.ts';
export { recommendedDecision, describeDecision, RATE_LIMITS, type PolicyDecision, type PolicyTool } from './decision.ts';

export type PolicyFormat = 'policylayer' | 'intercept';

export const POLICY_FORMATS: Record<PolicyFormat, { extension: string; mediaType: string; label: string }> = {
  policylayer: { extension: 'json', mediaType: 'application/json', label: 'PolicyLayer (JSON)' },
  intercept: { extension: 'yaml', mediaType: 'application/yaml', label: 'Intercept (YAML)' },
};

/**
 * A policy document for the given tools: one tool gives the per-tool policy, a server's tools give the
 * server policy (`default: deny`, every tool listed). Tools are ordered by name, so the same tools give
 * byte-identical output.
 */
export function renderPolicy(tools: readonly PolicyTool[], format: PolicyFormat): string {
  return renderDecisions(ordered(tools).map((t) => [t.name, recommendedDecision(t)] as const), hiddenTools(tools), format);
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
    .map(([variant, decision]) => ({
      variant,
      decision,
      summary: describeDecision(decision),
      documents: {
        policylayer: renderDecisions([[tool.name, decision]], hidden, 'policylayer'),
        intercept: renderDecisions([[tool.name, decision]], decision.action === 'deny' ? hidden : [], 'intercept'),
      },
    }));
}

function renderDecisions(decisions: ReadonlyArray<readonly [string, PolicyDecision]>, hidden: readonly string[], format: PolicyFormat): string {
  return format === 'policylayer' ? renderPolicyLayer(decisions) : renderIntercept(decisions, hidden);
}

/** Poisoning suspects are hidden from the model where the gateway can: their description is the attack. */
function hiddenTools(tools: readonly PolicyTool[]): string[] {
  return ordered(tools.filter((t) => t.flags.includes('poisoning_suspect'))).map((t) => t.name);
}

function ordered(tools: readonly PolicyTool[]): PolicyTool[] {
  const byName = new Map<string, PolicyTool>();
  for (const tool of tools) if (!byName.has(tool.name)) byName.set(tool.name, tool);
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function sameDecision(a: PolicyDecision, b: PolicyDecision): boolean {
  return a.action === b.action && (a.action !== 'limit' || (b.action === 'limit' && a.perMinute === b.perMinute));
}
