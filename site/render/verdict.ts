import { describeDecision, recommendedDecision, type PolicyTool } from '../../classifier/policy/index.ts';
import type { Classification } from '../../classifier/types.ts';

/**
 * The sentences a tool page says about its verdict and its policy. What the policy does comes from the
 * policy's own decision (recommendedDecision), the same one the downloadable files encode, so the page can
 * never say "rate-limited" about a tool the policy denies.
 */

const KIND: Record<Classification['category'], string> = {
  read: 'Read',
  write: 'Write',
  execute: 'Execute',
  destructive: 'Destructive',
  financial: 'Financial',
  unknown: 'Unclassified',
};

/** "Write tool, medium risk." */
export function verdictSentence(c: Pick<Classification, 'category' | 'severity'>): string {
  return `${KIND[c.category]} tool, ${c.severity} risk.`;
}

/** "The recommended policy: allow up to 30 calls a minute per grant." (with the reason when it denies). */
export function policyEffect(tool: PolicyTool): string {
  const decision = recommendedDecision(tool);
  const because = decision.action === 'deny' ? ` Reason: ${decision.reason}.` : '';
  return `The recommended policy: ${describeDecision(decision)}.${because}`;
}

/** What the server policy does, counted from the same decisions its files encode. */
export function serverPolicySummary(tools: readonly PolicyTool[]): string {
  const count = { allow: 0, limit: 0, deny: 0 };
  for (const tool of tools) count[recommendedDecision(tool).action]++;
  return (
    `Every catalogued tool of this server under "default: deny": ${count.allow} allowed, ${count.limit} rate-limited, ` +
    `${count.deny} denied (critical severity or a poisoning suspect). A tool the server adds later is denied until you allow it.`
  );
}
