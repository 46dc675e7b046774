import type { Category, Flag, Severity } from '../types.ts';

/** What a gateway should do with one tool. */
export type PolicyDecision =
  | { action: 'allow' }
  | { action: 'limit'; perMinute: number }
  | { action: 'deny'; reason: string };

export interface PolicyTool {
  name: string;
  category: Category;
  severity: Severity;
  flags: Flag[];
}

/** DESIGN.md's mapping: low → allow; medium → 30 calls a minute per grant; high → 10 a minute; critical → deny. */
export const RATE_LIMITS = { medium: 30, high: 10 } as const;

/** The ladder of decisions from loosest to strictest; alternatives move one rung. */
export function ladder(tool: PolicyTool): PolicyDecision[] {
  return [{ action: 'allow' }, { action: 'limit', perMinute: RATE_LIMITS.medium }, { action: 'limit', perMinute: RATE_LIMITS.high }, { action: 'deny', reason: denyReason(tool) }];
}

export function recommendedDecision(tool: PolicyTool): PolicyDecision {
  if (tool.flags.includes('poisoning_suspect')) return { action: 'deny', reason: denyReason(tool) };
  switch (tool.severity) {
    case 'low':
      return { action: 'allow' };
    case 'medium':
      return { action: 'limit', perMinute: RATE_LIMITS.medium };
    case 'high':
      return { action: 'limit', perMinute: RATE_LIMITS.high };
    case 'critical':
      return { action: 'deny', reason: denyReason(tool) };
  }
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
