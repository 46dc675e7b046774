import { z } from 'zod';
import type { PolicyDecision } from './decision.ts';
import { withoutUnsafe, type FormatWriter, type ServerDecisions } from './server-decisions.ts';

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
    deny_if: z
      .array(z.object({ conditions: z.array(z.unknown()), on_deny: z.string().min(1) }).strict())
      .min(1)
      .optional(),
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

function documentFor(server: ServerDecisions): PolicyLayerDocument {
  return { version: '1', default: 'deny', tools: Object.fromEntries(server.decisions.map(([name, d]) => [name, toolPolicyFor(name, d)])) };
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

export const policyLayerWriter: FormatWriter = {
  unsafeToolName: (name) => (name.includes('*') ? 'a `*` in a tool name reads as a wildcard' : null),
  render(servers, combined) {
    const safe = withoutUnsafe(servers, policyLayerWriter.unsafeToolName);
    // One PolicyLayer document per server; a combined policy maps each server's name to its document.
    const value = combined ? Object.fromEntries(safe.map((s) => [s.name, documentFor(s)])) : documentFor(safe[0]);
    return `${JSON.stringify(value, null, 2)}\n`;
  },
};
