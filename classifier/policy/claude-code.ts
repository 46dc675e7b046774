import { z } from 'zod';
import { clientVerdict, type ClientVerdict } from './decision.ts';
import { withoutUnsafe, type FormatWriter } from './server-decisions.ts';
import { byName } from './text.ts';

/**
 * Claude Code `settings.json` permissions (code.claude.com/docs/en/settings#permissions): rules
 * `mcp__<server>__<tool>` in `allow`, `ask` and `deny`; deny wins over ask, ask over allow.
 */
const rule = z.string().regex(/^mcp__[A-Za-z0-9_-]+__[A-Za-z0-9_-]+$/);
export const claudeCodeDocument = z.object({ permissions: z.object({ allow: z.array(rule), ask: z.array(rule), deny: z.array(rule) }).strict() }).strict();

/**
 * Claude Code names an MCP tool `mcp__<server>__<tool>` with every character outside [A-Za-z0-9_-] of both
 * names replaced by `_`; a rule must use that form. It also keeps a tool named `*` or `a(b)` from being read
 * as a wildcard or a rule specifier. Two tools that normalise to one rule get every list they belong to, and
 * deny wins.
 */
export function claudeCodeName(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** An empty name would make `mcp__<server>__`, which Claude Code could read as the whole server. */
const unsafe = (name: string) => (name === '' ? 'an empty tool name would make a rule for the whole server' : null);

export const claudeCodeWriter: FormatWriter = {
  unsafeToolName: unsafe,
  render(servers) {
    const lists: Record<ClientVerdict, Set<string>> = { allow: new Set(), ask: new Set(), deny: new Set() };
    for (const server of withoutUnsafe(servers, unsafe)) {
      for (const [tool, decision] of server.decisions) {
        lists[clientVerdict(decision)].add(`mcp__${claudeCodeName(server.name)}__${claudeCodeName(tool)}`);
      }
    }
    const sorted = (set: Set<string>) => [...set].sort(byName);
    return `${JSON.stringify({ permissions: { allow: sorted(lists.allow), ask: sorted(lists.ask), deny: sorted(lists.deny) } }, null, 2)}\n`;
  },
};
