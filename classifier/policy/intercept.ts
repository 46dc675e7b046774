import { stringify } from 'yaml';
import { z } from 'zod';
import type { PolicyDecision } from './decision.ts';

/** Intercept's YAML policy (github.com/policylayer/intercept POLICY.md), the subset toolrisk writes. */
const rule = z.union([
  z.object({ name: z.string().min(1), rate_limit: z.string().regex(/^\d+\/(?:second|minute|hour|day)$/) }).strict(),
  z.object({ name: z.string().min(1), action: z.literal('deny'), on_deny: z.string().min(1) }).strict(),
]);

export const interceptDocument = z
  .object({
    version: z.literal('1'),
    description: z.string(),
    default: z.enum(['allow', 'deny']),
    hide: z.array(z.string()),
    tools: z.record(z.string(), z.object({ rules: z.array(rule) }).strict()),
  })
  .strict();

export type InterceptDocument = z.infer<typeof interceptDocument>;
type InterceptRule = z.infer<typeof rule>;

export function interceptDocumentFor(decisions: ReadonlyArray<readonly [string, PolicyDecision]>, hidden: readonly string[]): InterceptDocument {
  return {
    version: '1',
    description: 'Recommended by toolrisk: low risk allowed, medium 30/minute, high 10/minute, critical denied.',
    default: 'deny',
    hide: [...hidden],
    tools: Object.fromEntries(decisions.map(([name, d]) => [name, { rules: rulesFor(d) }])),
  };
}

function rulesFor(decision: PolicyDecision): InterceptRule[] {
  switch (decision.action) {
    case 'allow':
      return [];
    case 'limit':
      return [{ name: 'toolrisk rate limit', rate_limit: `${decision.perMinute}/minute` }];
    case 'deny':
      return [{ name: 'toolrisk block', action: 'deny', on_deny: decision.reason }];
  }
}

export function renderIntercept(decisions: ReadonlyArray<readonly [string, PolicyDecision]>, hidden: readonly string[]): string {
  return stringify(interceptDocumentFor(decisions, hidden), { lineWidth: 0, defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN' });
}
