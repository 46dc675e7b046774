import { describeDecision, recommendedDecision, RATE_LIMITS, type PolicyTool } from '../../classifier/policy/index.ts';
import type { Classification } from '../../classifier/types.ts';
import type { FaqItem } from './structured-data.ts';

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

/** What a one-tool policy does to the server's other tools. */
export function restOfServer(otherTools: number): string {
  if (otherTools === 0) return 'This is the server’s only catalogued tool; under "default: deny" any tool the server adds later is denied until you allow it.';
  const others = otherTools === 1 ? 'its 1 other tool' : `its ${otherTools} other tools`;
  return `This tool’s policy names only this tool and keeps "default: deny": loaded on its own, it denies ${others} on the server. The server policy covers every tool at once.`;
}

/** The tool page's sections that FAQ answers point to (the ids of their headings). */
const WHY = { id: 'why', title: 'Why' };
const POLICY = { id: 'policy', title: 'Recommended policy' };

/**
 * The tool page's questions and answers, published as FAQPage structured data and shown on the page; where a
 * section of the page already says the answer, the page's FAQ gives its first sentence and links there.
 */
export function toolFaq(name: string, serverId: string, c: Classification, tool: PolicyTool, otherTools: number): FaqItem[] {
  return [
    { question: `What does ${name} do to my world?`, answer: `${verdictSentence(c)} ${c.explanation}`, brief: verdictSentence(c), see: WHY },
    { question: `Which server provides ${name}?`, answer: `${serverId}, which has ${otherTools + 1} catalogued ${otherTools === 0 ? 'tool' : 'tools'}.` },
    {
      question: `How should a gateway treat ${name}?`,
      answer: `${policyEffect(tool)} ${restOfServer(otherTools)}`,
      brief: policyEffect(tool),
      see: POLICY,
    },
    {
      question: `How do I rate-limit ${name}?`,
      answer: `Give it a limits entry in the PolicyLayer policy (e.g. counter "${name}_rate", window "minute", max ${RATE_LIMITS.high}), or an Intercept rule with rate_limit: ${RATE_LIMITS.high}/minute.`,
    },
    {
      question: `How do I block ${name}?`,
      answer: 'Keep "default": "deny" and leave the tool out of the policy, or give it an unconditional deny (Intercept: action: deny).',
    },
  ];
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
