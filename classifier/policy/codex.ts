import { z } from 'zod';
import { clientVerdict, toggleVerdict, type ClientVerdict } from './decision.ts';
import { withoutUnsafe, type FormatWriter, type ServerDecisions } from './server-decisions.ts';
import { hasLoneSurrogate, quoted } from './text.ts';

/**
 * Codex CLI `config.toml` (developers.openai.com/codex/mcp): per server `[mcp_servers.<name>]` with
 * `enabled_tools` (allow list) and `disabled_tools` (applied after it), and per tool
 * `[mcp_servers.<name>.tools.<tool>] approval_mode` = `approve` (run without asking) or `prompt` (ask).
 * Every key is quoted and every string escaped (text.ts), so any name stays a name.
 */
export const codexDocument = z
  .object({
    mcp_servers: z.record(
      z.string(),
      z
        .object({
          enabled_tools: z.array(z.string()),
          disabled_tools: z.array(z.string()),
          tools: z.record(z.string(), z.object({ approval_mode: z.enum(['auto', 'prompt', 'approve']) }).strict()).optional(),
        })
        .strict(),
    ),
  })
  .strict();

export const CODEX_APPROVAL: Record<Exclude<ClientVerdict, 'deny'>, string> = { allow: 'approve', ask: 'prompt' };

const unsafe = (name: string) => (hasLoneSurrogate(name) ? 'a lone surrogate cannot be written in TOML' : null);

function table(server: ServerDecisions): string {
  const key = `mcp_servers.${quoted(server.name)}`;
  const enabled = server.decisions.filter(([, d]) => toggleVerdict(d) === 'enabled');
  const disabled = server.decisions.filter(([, d]) => toggleVerdict(d) === 'disabled');
  const list = (items: typeof enabled) => `[${items.map(([name]) => quoted(name)).join(', ')}]`;
  const lines = [`[${key}]`, `enabled_tools = ${list(enabled)}`, `disabled_tools = ${list(disabled)}`];
  for (const [name, decision] of enabled) {
    const verdict = clientVerdict(decision);
    if (verdict === 'deny') continue;
    lines.push('', `[${key}.tools.${quoted(name)}]`, `approval_mode = "${CODEX_APPROVAL[verdict]}"`);
  }
  return `${lines.join('\n')}\n`;
}

export const codexWriter: FormatWriter = {
  unsafeToolName: unsafe,
  render(servers) {
    return withoutUnsafe(servers, unsafe).map(table).join('\n');
  },
};
