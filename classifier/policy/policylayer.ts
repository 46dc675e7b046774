import { z } from 'zod';
import type { PolicyDecision } from './decision.ts';

/** PolicyLayer's JSON policy document, as far as toolrisk writes it (DESIGN.md "Recommended policies"). */
const limit = z
  .object({
    counter: z.string().min(1),
    window: z.enum(['minute', 'hour', 'day']),
    max: z.number().int().positive(),
    scope: z.enum(['grant', 'global']),
  })
  .strict();

const toolPolicy = z
  .object({
    limits: z.array(limit).min(1).optional(),
    deny_if: z.array(z.object({ conditions: z.array(z.unknown()), on_deny: z.string().min(1) }).strict()).min(1).optional(),
  })
  .strict();

export const policyLayerDocument = z
  .object({
    version: z.literal('1'),
    default: z.enum(['allow', 'deny']),
    tools: z.record(z.string(), toolPolicy),
  })
  .strict();

export type PolicyLayerDocument = z.infer<typeof policyLayerDocument>;
type ToolPolicy = z.infer<typeof toolPolicy>;

export function policyLayerDocumentFor(decisions: ReadonlyArray<readonly [string, PolicyDecision]>): PolicyLayerDocument {
  return { version: '1', default: 'deny', tools: Object.fromEntries(decisions.map(([name, d]) => [name, toolPolicyFor(name, d)])) };
}

function toolPolicyFor(name: string, decision: PolicyDecision): ToolPolicy {
  switch (decision.action) {
    case 'allow':
      return {};
    case 'limit':
      return { limits: [{ counter: `${name}_rate`, window: 'minute', max: decision.perMinute, scope: 'grant' }] };
    case 'deny':
      return { deny_if: [{ conditions: [], on_deny: decision.reason }] };
  }
}

export function renderPolicyLayer(decisions: ReadonlyArray<readonly [string, PolicyDecision]>): string {
  return `${JSON.stringify(policyLayerDocumentFor(decisions), null, 2)}\n`;
}
