import { parseTree, printParseErrorCode, findNodeAtLocation, type Node, type ParseError } from 'jsonc-parser';
import { parse as parseToml, TomlError } from 'smol-toml';
import { z } from 'zod';

/**
 * Reads the MCP servers out of the configuration file a user already has:
 * - `mcpServers` — Claude Desktop `claude_desktop_config.json`, Claude Code `.mcp.json`, Cursor `mcp.json`,
 *   Gemini CLI `settings.json` (JSON with comments);
 * - `servers` — VS Code `mcp.json` (or `mcp.servers` in VS Code's `settings.json`);
 * - `[mcp_servers.<name>]` — Codex CLI `config.toml`.
 * Pure (text in, servers out), so the CLI and the browser share it.
 */

export type ConfigShape = 'mcpServers' | 'servers' | 'mcp.servers' | 'mcp_servers';

export interface ConfiguredServer {
  /** The user's name for the server: policies use it. */
  name: string;
  /** 1-based line of the server's entry in the file. */
  line: number;
  command?: string;
  args: string[];
  url?: string;
}

export interface AgentConfig {
  syntax: 'json' | 'toml';
  shape: ConfigShape;
  servers: ConfiguredServer[];
}

/** The file cannot be read as an MCP configuration; `line` says where (1-based), when known. */
export class ConfigError extends Error {
  constructor(
    readonly detail: string,
    readonly line?: number,
  ) {
    super(line === undefined ? detail : `line ${line}: ${detail}`);
    this.name = 'ConfigError';
  }
}

const SHAPES_HELP =
  'expected `mcpServers` (Claude Desktop, Claude Code, Cursor, Gemini CLI), `servers` (VS Code mcp.json) or `[mcp_servers.<name>]` tables (Codex config.toml)';

const serverEntry = z
  .object({
    command: z.string().min(1, 'command is empty').optional(),
    args: z.array(z.string(), { invalid_type_error: 'args must be a list of strings' }).optional(),
    url: z.string().optional(),
    httpUrl: z.string().optional(),
    serverUrl: z.string().optional(),
  })
  .passthrough()
  .refine((e) => e.command !== undefined || e.url !== undefined || e.httpUrl !== undefined || e.serverUrl !== undefined, {
    message: 'has neither a `command` nor a `url`',
  });

/** Reads a configuration; `fileName` (optional) picks JSON or TOML by its extension, else the text decides. */
export function readAgentConfig(text: string, fileName = ''): AgentConfig {
  if (text.trim() === '') throw new ConfigError(`the file is empty; ${SHAPES_HELP}`);
  const toml = /\.toml$/i.test(fileName) || (!/\.jsonc?$/i.test(fileName) && !looksLikeJson(text));
  return toml ? readToml(text) : readJson(text);
}

function looksLikeJson(text: string): boolean {
  const stripped = text.replace(/^\uFEFF/, '').replace(/^(?:\s+|\/\/[^\n]*\n?|\/\*[\s\S]*?\*\/)*/, '');
  return stripped.startsWith('{');
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

const JSON_ERRORS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'malformed number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected a colon',
  CommaExpected: 'expected a comma',
  CloseBraceExpected: 'expected a closing brace }',
  CloseBracketExpected: 'expected a closing bracket ]',
  EndOfFileExpected: 'unexpected text after the end of the JSON value',
  InvalidCommentToken: 'malformed comment',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'malformed \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'invalid character in a string',
};

function readJson(text: string): AgentConfig {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  if (errors.length > 0) {
    const first = errors[0];
    throw new ConfigError(`not valid JSON: ${JSON_ERRORS[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error)}`, lineAt(text, first.offset));
  }
  if (root?.type !== 'object') throw new ConfigError(`the file is not a JSON object; ${SHAPES_HELP}`, root ? lineAt(text, root.offset) : 1);
  const found = (['mcpServers', 'servers', 'mcp.servers'] as const)
    .map((shape) => ({ shape, node: findNodeAtLocation(root, shape === 'mcp.servers' ? ['mcp', 'servers'] : [shape]) }))
    .find((c) => c.node !== undefined);
  if (!found) throw new ConfigError(`no MCP servers found; ${SHAPES_HELP}`);
  const container = found.node!;
  if (container.type !== 'object') throw new ConfigError(`\`${found.shape}\` must be an object of servers by name`, lineAt(text, container.offset));
  const servers = (container.children ?? []).map((property) => {
    const [key, value] = property.children!;
    const name = key.value as string;
    const line = lineAt(text, property.offset);
    return configuredServer(name, toValue(value), line, (path) => {
      const node = findNodeAtLocation(value, path);
      return node ? lineAt(text, node.offset) : line;
    });
  });
  return { syntax: 'json', shape: found.shape, servers };
}

/** A parse tree node as a plain value; object keys become own properties even when named `__proto__`. */
function toValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const result: Record<string, unknown> = {};
      for (const property of node.children ?? []) {
        const [key, value] = property.children!;
        Object.defineProperty(result, key.value as string, { value: value ? toValue(value) : undefined, enumerable: true, writable: true, configurable: true });
      }
      return result;
    }
    case 'array':
      return (node.children ?? []).map(toValue);
    default:
      return node.value;
  }
}

function readToml(text: string): AgentConfig {
  let data: Record<string, unknown>;
  try {
    data = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError)
      throw new ConfigError(`not valid TOML: ${error.message.split('\n')[0].replace(/^Invalid TOML document: /, '')}`, error.line);
    throw error;
  }
  const tables = data.mcp_servers;
  if (tables === undefined) {
    throw new ConfigError(`no MCP servers found; ${SHAPES_HELP}`);
  }
  if (typeof tables !== 'object' || tables === null || Array.isArray(tables)) {
    throw new ConfigError('`mcp_servers` must be a table of servers by name', findLine(text, /^\s*mcp_servers\s*=/) ?? findLine(text, /mcp_servers/));
  }
  const servers = Object.entries(tables).map(([name, value]) => {
    const line = tomlServerLine(text, name);
    return configuredServer(name, value, line, () => line);
  });
  return { syntax: 'toml', shape: 'mcp_servers', servers };
}

/** The line of `[mcp_servers.<name>]` (the key bare, "quoted" or 'literal'), else the first line naming it. */
function tomlServerLine(text: string, name: string): number | undefined {
  const lines = text.split('\n');
  for (const [i, line] of lines.entries()) {
    const header = /^\s*\[\s*mcp_servers\s*\.\s*(.+?)\s*\]\s*(?:#.*)?$/.exec(line);
    if (header && tomlKey(header[1]) === name) return i + 1;
  }
  const index = lines.findIndex((line) => line.includes(name));
  return index >= 0 ? index + 1 : undefined;
}

function tomlKey(text: string): string {
  if (text.startsWith("'") && text.endsWith("'")) return text.slice(1, -1);
  if (text.startsWith('"') && text.endsWith('"')) {
    try {
      return JSON.parse(text) as string;
    } catch {
      return text;
    }
  }
  return text;
}

function findLine(text: string, pattern: RegExp): number | undefined {
  const index = text.split('\n').findIndex((line) => pattern.test(line));
  return index >= 0 ? index + 1 : undefined;
}

function configuredServer(
  name: string,
  value: unknown,
  line: number | undefined,
  lineOf: (path: Array<string | number>) => number | undefined,
): ConfiguredServer {
  const parsed = serverEntry.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? `\`${issue.path.join('.')}\`: ` : '';
    const message = issue.code === 'invalid_type' && issue.path.length === 0 ? 'must be an object with a `command` or a `url`' : issue.message;
    throw new ConfigError(`server ${JSON.stringify(name)}: ${field}${message}`, issue.path.length > 0 ? lineOf(issue.path) : line);
  }
  const e = parsed.data;
  return { name, line: line ?? 1, command: e.command, args: e.args ?? [], url: e.url ?? e.httpUrl ?? e.serverUrl };
}
