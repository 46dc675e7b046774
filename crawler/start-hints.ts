/**
 * What a server that exited before listing its tools said it was missing, read from its stderr (and the first
 * line it wrote on stdout): environment variables it names as required, command-line options it names as
 * required, and a subcommand its usage says starts the MCP server. Untrusted text: only names of a plain
 * shape are taken, never values.
 */
export interface StartHints {
  env: string[];
  /** Option flags such as `--api-key`. */
  options: string[];
  /** A subcommand to put first, such as `mcp` or `stdio`. */
  subcommand?: string;
  /** Placeholder values the server called invalid, to leave out. */
  rejectedValues?: string[];
  /** What a missing positional argument is (`database URL`, `directory`), to append a placeholder of its shape. */
  positional?: string;
}

const ENV_NAME = '([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{2,}(?:KEY|TOKEN|SECRET|URL|ID))';
const MISSING = '(?:is|are)?\\s*(?:required|not set|missing|must be (?:set|provided|defined)|not (?:defined|provided|found|configured)|undefined|empty)';
const ENV_PATTERNS = [
  // PERPLEXITY_API_KEY environment variable is required / API_KEY is not set / "FOO" must be set
  new RegExp(`\\b${ENV_NAME}\\b["'\`]?(?:\\s+(?:env(?:ironment)?(?:\\s+variable)?|variable|env var))?\\s*(?:\\([^)]{0,80}\\)\\s*)?${MISSING}`, 'g'),
  // Missing environment variable: FOO / Please set FOO / requires FOO to be set
  new RegExp(
    `(?:missing|required|please set|please provide|you must set|set the|requires?)\\s+(?:the\\s+)?(?:env(?:ironment)?\\s+)?(?:variables?\\s*:?\\s*)?["'\`]?${ENV_NAME}\\b`,
    'gi',
  ),
];

const OPTION = '(--[a-z][a-z0-9-]{1,40})';
const OPTION_PATTERNS = [
  // commander: required option '--api-key <key>' not specified
  new RegExp(`required option ['"\`]?(?:-[a-z], )?${OPTION}`, 'gi'),
  // yargs: Missing required argument: api-key / Missing required arguments: a, b
  /missing required arguments?:\s*([a-z][a-z0-9-]{1,40}(?:\s*,\s*[a-z][a-z0-9-]{1,40})*)/gi,
  // argparse: the following arguments are required: --api-key
  new RegExp(`the following arguments are required:\\s*${OPTION}`, 'gi'),
  // option --api-key is required / --api-key is required
  new RegExp(`${OPTION}\\s+(?:option\\s+)?(?:is\\s+)?(?:required|must be (?:set|provided|specified))`, 'gi'),
];

// "Please provide a database URL as a command-line argument", "Usage: server <allowed-directory>"
const POSITIONAL_PATTERNS = [
  /(?:provide|pass|give|specify)\s+(?:a|an|the|at least one)\s+([a-z][a-z ]{0,40}?)\s+(?:as|on|via)\s+(?:a\s+|the\s+)?(?:command[- ]line\s+|positional\s+)?arg(?:ument)?/i,
  /^usage:\s+\S+(?:\s+\[[^\]]*\])*\s+<([a-z][a-z _-]{0,40})>/im,
];

const SUBCOMMANDS = ['mcp', 'stdio', 'serve', 'server', 'start', 'run'];
const SUBCOMMAND_PATTERNS = [
  // Run 'xxx mcp' to start the MCP server / use `xxx stdio`
  new RegExp(`(?:run|use|try|start(?: it)? with)\\s+["'\`]?(?:npx\\s+(?:-y\\s+)?)?[@\\w./-]+\\s+(${SUBCOMMANDS.join('|')})\\b`, 'i'),
  // A usage's command list: "Commands:\n  mcp   Start the MCP server"
  new RegExp(`^\\s{1,8}(${SUBCOMMANDS.join('|')})\\b[^\\n]*\\b(?:mcp|stdio|server|start)`, 'im'),
];

export function startHints(output: string): StartHints {
  const text = output.slice(0, 64 * 1024);
  const env = new Set<string>();
  for (const pattern of ENV_PATTERNS) for (const match of text.matchAll(pattern)) env.add(match[1].toUpperCase());
  const options = new Set<string>();
  for (const pattern of OPTION_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      for (const name of match[1].split(/\s*,\s*/)) options.add(name.startsWith('--') ? name.toLowerCase() : `--${name.toLowerCase()}`);
    }
  }
  let subcommand: string | undefined;
  for (const pattern of SUBCOMMAND_PATTERNS) {
    subcommand = pattern.exec(text)?.[1]?.toLowerCase();
    if (subcommand) break;
  }
  let positional: string | undefined;
  for (const pattern of POSITIONAL_PATTERNS) {
    positional = pattern.exec(text)?.[1]?.toLowerCase().trim();
    if (positional) break;
  }
  const rejectedValues = [
    ...new Set([...text.matchAll(/\b(?:invalid|unknown|not a valid|unsupported)\b[^\n]{0,80}?(TOOLRISK_PLACEHOLDER_[A-Z0-9_]+)/gi)].map((m) => m[1])),
  ];
  if (rejectedValues.length > 0) return { env: [...env], options: [...options], rejectedValues, ...(subcommand ? { subcommand } : {}) };
  return { env: [...env], options: [...options], ...(subcommand ? { subcommand } : {}), ...(positional ? { positional } : {}) };
}
