import { z } from 'zod';
import { toggleVerdict } from './decision.ts';
import { withoutUnsafe, type FormatWriter } from './server-decisions.ts';

/**
 * Gemini CLI `settings.json` (google-gemini/gemini-cli docs/tools/mcp-server.md): per server in `mcpServers`,
 * `includeTools` (an allow list: only these run) and `excludeTools` (wins over includeTools). Gemini CLI
 * has no per-tool prompt in settings; it confirms MCP calls unless the server is trusted.
 */
export const geminiDocument = z
  .object({
    mcpServers: z.record(z.string(), z.object({ includeTools: z.array(z.string()), excludeTools: z.array(z.string()) }).strict()),
  })
  .strict();

/**
 * Gemini CLI also includes a tool `t` when includeTools holds an entry starting with `t(` (entries may carry
 * arguments), so an entry for a tool named `a(b)` would switch on a tool `a`. Such names are left out of
 * includeTools, which keeps them off.
 */
const unsafe = (name: string) => (name.includes('(') ? 'Gemini CLI reads `(` in an includeTools entry as the start of arguments' : null);

export const geminiWriter: FormatWriter = {
  unsafeToolName: unsafe,
  render(servers) {
    const mcpServers = Object.fromEntries(
      servers.map((server) => {
        const enabled = withoutUnsafe([server], unsafe)[0]
          .decisions.filter(([, d]) => toggleVerdict(d) === 'enabled')
          .map(([name]) => name);
        const disabled = server.decisions.filter(([, d]) => toggleVerdict(d) === 'disabled').map(([name]) => name);
        return [server.name, { includeTools: enabled, excludeTools: disabled }];
      }),
    );
    return `${JSON.stringify({ mcpServers }, null, 2)}\n`;
  },
};
