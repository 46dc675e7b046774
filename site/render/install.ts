import { z } from 'zod';
import { readableSlug } from './slug.ts';
import { safeHttpUrl } from './urls.ts';

/**
 * How to run a server: its registry packages and remotes as commands, and a configuration snippet for each
 * MCP client. Package names, versions and URLs are untrusted text: a value that is not a well-formed package
 * name, version or http(s) URL gets no snippet, and every value is quoted for the format it lands in
 * (JSON, TOML, POSIX shell); the page escapes the result as HTML text.
 */

const packageEntry = z.object({
  registryType: z.string(),
  identifier: z.string(),
  version: z.string().optional().nullable(),
});
const remoteEntry = z.object({ type: z.string().optional().nullable(), url: z.string() });

const NAME_PATTERNS: Record<string, RegExp> = {
  npm: /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/,
  pypi: /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/,
  oci: /^[a-z0-9][a-z0-9._/-]*(?::[A-Za-z0-9._-]+)?(?:@sha256:[0-9a-f]{64})?$/,
};
const VERSION = /^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$/;

export interface Launch {
  /** Where it comes from: `npm`, `pypi`, `oci` or `remote (streamable-http)`. */
  label: string;
  /** A one-line description of what runs: a command line or a URL. */
  summary: string;
  /** A local command, or a remote URL. */
  stdio?: { command: string; args: string[] };
  remote?: { transport: 'http' | 'sse'; url: string };
}

export interface ClientSnippet {
  client: string;
  /** Where the snippet goes. */
  where: string;
  text: string;
}

export interface InstallOption {
  launch: Launch;
  snippets: ClientSnippet[];
}

/** Launches from the registry's package and remote entries; malformed or unsafe entries are left out. */
export function launches(packages: readonly unknown[], remotes: readonly unknown[]): Launch[] {
  const out: Launch[] = [];
  for (const raw of packages.slice(0, 10)) {
    const parsed = packageEntry.safeParse(raw);
    if (!parsed.success) continue;
    const { registryType: type, identifier: id } = parsed.data;
    const version = parsed.data.version && parsed.data.version !== 'latest' && VERSION.test(parsed.data.version) ? parsed.data.version : '';
    if (!NAME_PATTERNS[type]?.test(id)) continue;
    const stdio =
      type === 'npm'
        ? { command: 'npx', args: ['-y', version ? `${id}@${version}` : id] }
        : type === 'pypi'
          ? { command: 'uvx', args: [version ? `${id}==${version}` : id] }
          : { command: 'docker', args: ['run', '-i', '--rm', version && !id.includes(':') ? `${id}:${version}` : id] };
    out.push({ label: type, summary: shellLine([stdio.command, ...stdio.args]), stdio });
  }
  for (const raw of remotes.slice(0, 10)) {
    const parsed = remoteEntry.safeParse(raw);
    if (!parsed.success || !safeHttpUrl(parsed.data.url)) continue;
    const transport = parsed.data.type === 'sse' ? 'sse' : 'http';
    out.push({ label: `remote (${transport === 'sse' ? 'sse' : 'streamable-http'})`, summary: parsed.data.url, remote: { transport, url: parsed.data.url } });
  }
  return out;
}

/** The name a client's configuration gives the server: the readable form of the last part of its id. */
export function clientServerName(serverId: string): string {
  return readableSlug(serverId.split('/').pop() ?? serverId).replaceAll('_', '-') || 'server';
}

/** Snippets for Claude Desktop, Claude Code, Cursor, VS Code and Codex. */
export function clientSnippets(name: string, launch: Launch): ClientSnippet[] {
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  const entry = launch.stdio ? { command: launch.stdio.command, args: launch.stdio.args } : { url: launch.remote!.url };
  const viaBridge = launch.stdio ?? { command: 'npx', args: ['-y', 'mcp-remote', launch.remote!.url] };
  const codex = launch.stdio
    ? `command = ${tomlString(launch.stdio.command)}\nargs = [${launch.stdio.args.map(tomlString).join(', ')}]`
    : `url = ${tomlString(launch.remote!.url)}`;
  return [
    {
      client: 'Claude Desktop',
      where: 'claude_desktop_config.json',
      text: json({ mcpServers: { [name]: { command: viaBridge.command, args: viaBridge.args } } }),
    },
    {
      client: 'Claude Code',
      where: 'terminal',
      text: launch.stdio
        ? shellLine(['claude', 'mcp', 'add', name, '--', launch.stdio.command, ...launch.stdio.args])
        : shellLine(['claude', 'mcp', 'add', '--transport', launch.remote!.transport, name, launch.remote!.url]),
    },
    { client: 'Cursor', where: '.cursor/mcp.json', text: json({ mcpServers: { [name]: entry } }) },
    {
      client: 'VS Code',
      where: '.vscode/mcp.json',
      text: json({ servers: { [name]: launch.stdio ? { type: 'stdio', ...entry } : { type: launch.remote!.transport, url: launch.remote!.url } } }),
    },
    { client: 'Codex', where: '~/.codex/config.toml', text: `[mcp_servers.${tomlKey(name)}]\n${codex}` },
  ];
}

export function installOptions(serverId: string, packages: readonly unknown[], remotes: readonly unknown[]): InstallOption[] {
  const name = clientServerName(serverId);
  return launches(packages, remotes).map((launch) => ({ launch, snippets: clientSnippets(name, launch) }));
}

/** POSIX shell words: safe words as they are, anything else single-quoted. */
export function shellLine(words: readonly string[]): string {
  return words.map((w) => (/^[A-Za-z0-9@%+=:,./_-]+$/.test(w) ? w : `'${w.replaceAll("'", `'\\''`)}'`)).join(' ');
}

/** A TOML basic string (JSON's escapes are a subset TOML accepts, once DEL and the other controls are \u-escaped). */
function tomlString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key);
}
