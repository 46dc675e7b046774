import { z } from 'zod';
import { RATE_LIMITS, type PolicyDecision } from './decision.ts';
import { withoutUnsafe, type FormatWriter, type ServerDecisions } from './server-decisions.ts';
import { hasLoneSurrogate, quoted } from './text.ts';

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

const DESCRIPTION = `Recommended by toolrisk: low risk allowed, medium ${RATE_LIMITS.medium}/minute, high ${RATE_LIMITS.high}/minute, critical denied.`;

/**
 * Written by hand rather than by a YAML library so that every key and string is double-quoted: a tool named
 * `<<` must not become a merge key, nor `true`, `~` or `&a` anything but a string.
 */
function document(server: ServerDecisions, combined: boolean): string {
  const lines = [
    'version: "1"',
    `description: ${quoted(combined ? `Server ${server.name}. ${DESCRIPTION}` : DESCRIPTION)}`,
    'default: "deny"',
    server.hidden.length === 0 ? 'hide: []' : 'hide:',
    ...server.hidden.map((name) => `  - ${quoted(name)}`),
    server.decisions.length === 0 ? 'tools: {}' : 'tools:',
  ];
  for (const [name, decision] of server.decisions) {
    lines.push(`  ${quoted(name)}:`);
    lines.push(...rulesFor(decision));
  }
  return `${lines.join('\n')}\n`;
}

function rulesFor(decision: PolicyDecision): string[] {
  switch (decision.action) {
    case 'allow':
      return ['    rules: []'];
    case 'limit':
      return ['    rules:', `      - name: "toolrisk rate limit"`, `        rate_limit: "${decision.perMinute}/minute"`];
    case 'deny':
      return ['    rules:', `      - name: "toolrisk block"`, '        action: "deny"', `        on_deny: ${quoted(decision.reason)}`];
  }
}

export const interceptWriter: FormatWriter = {
  unsafeToolName: (name) =>
    name.includes('*') ? 'Intercept reads `*` in a tool name as a wildcard' : hasLoneSurrogate(name) ? 'a lone surrogate cannot be written in YAML' : null,
  render(servers, combined) {
    const safe = withoutUnsafe(servers, interceptWriter.unsafeToolName);
    // Intercept guards one server per policy file; a combined policy is a YAML stream, one document per server.
    if (!combined) return document(safe[0], false);
    return safe.map((s) => `---\n${document(s, true)}`).join('');
  },
};
