import type { Category, Flag, Severity } from '../types.ts';

/** What a gateway should do with one tool. */
export type PolicyDecision = { action: 'allow' } | { action: 'limit'; perMinute: number } | { action: 'deny'; reason: string };

export interface PolicyTool {
  name: string;
  category: Category;
  severity: Severity;
  flags: Flag[];
}

/** What an agent client does with one tool: run it, ask the user first, or refuse it. */
export type ClientVerdict = 'allow' | 'ask' | 'deny';
/** For clients that can only enable or disable a tool (no per-tool prompt). */
export type ToggleVerdict = 'enabled' | 'disabled';

/**
 * THE mapping from severity to policy, used by every format (docs/policies.md). Gateways get the rate
 * limits; clients with a per-tool prompt get allow / ask / deny; clients without one enable every tool that
 * is not denied (put a gateway format in front of them for the rate limits).
 */
export const SEVERITY_MAPPING = {
  low: { gateway: { action: 'allow' }, client: 'allow', toggle: 'enabled' },
  medium: { gateway: { action: 'limit', perMinute: 30 }, client: 'ask', toggle: 'enabled' },
  high: { gateway: { action: 'limit', perMinute: 10 }, client: 'ask', toggle: 'enabled' },
  critical: { gateway: { action: 'deny' }, client: 'deny', toggle: 'disabled' },
} as const satisfies Record<Severity, { gateway: { action: PolicyDecision['action']; perMinute?: number }; client: ClientVerdict; toggle: ToggleVerdict }>;

export const RATE_LIMITS = { medium: SEVERITY_MAPPING.medium.gateway.perMinute, high: SEVERITY_MAPPING.high.gateway.perMinute } as const;

const LEVELS = Object.keys(SEVERITY_MAPPING) as Severity[];

function decisionAt(level: Severity, tool: PolicyTool): PolicyDecision {
  const g: { action: PolicyDecision['action']; perMinute?: number } = SEVERITY_MAPPING[level].gateway;
  if (g.action === 'limit') return { action: 'limit', perMinute: g.perMinute! };
  if (g.action === 'deny') return { action: 'deny', reason: denyReason(tool) };
  return { action: 'allow' };
}

/** The ladder of decisions from loosest to strictest (one rung per severity); alternatives move one rung. */
export function ladder(tool: PolicyTool): PolicyDecision[] {
  return LEVELS.map((level) => decisionAt(level, tool));
}

export function recommendedDecision(tool: PolicyTool): PolicyDecision {
  return decisionAt(tool.flags.includes('poisoning_suspect') ? 'critical' : tool.severity, tool);
}

/** The rung of the ladder a decision stands on. */
function levelOf(decision: PolicyDecision): Severity {
  return LEVELS.find((level) => {
    const g: { action: string; perMinute?: number } = SEVERITY_MAPPING[level].gateway;
    return g.action === decision.action && (decision.action !== 'limit' || g.perMinute === decision.perMinute);
  })!;
}

export function clientVerdict(decision: PolicyDecision): ClientVerdict {
  return SEVERITY_MAPPING[levelOf(decision)].client;
}

export function toggleVerdict(decision: PolicyDecision): ToggleVerdict {
  return SEVERITY_MAPPING[levelOf(decision)].toggle;
}

function denyReason(tool: PolicyTool): string {
  if (tool.flags.includes('poisoning_suspect')) return 'poisoning suspect: its description addresses instructions to the model; blocked and hidden';
  return `${tool.category}: blocked by default; requires human approval`;
}

export function describeDecision(decision: PolicyDecision): string {
  switch (decision.action) {
    case 'allow':
      return 'allow every call';
    case 'limit':
      return `allow up to ${decision.perMinute} calls a minute per grant`;
    case 'deny':
      return 'deny every call (a human must approve it out of band)';
  }
}
