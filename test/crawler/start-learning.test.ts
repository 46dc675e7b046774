import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlTarget, type NpmTarget } from '../../crawler/index.ts';
import { startHints } from '../../crawler/start-hints.ts';
import { serverPackage, startNpmRegistry, type LoopbackNpmRegistry } from '../fixtures/servers/npm-registry.ts';
import { readableTempDir } from './helpers.ts';

// One small server of our own per cause seen in the real registry (issue 13), each published on a loopback npm registry.
const servers = [
  // Names its secret only on stderr.
  serverPackage(
    'fixture-needs-key',
    '1.0.0',
    `if (!process.env.PERPLEXITY_API_KEY) { console.error('Error: PERPLEXITY_API_KEY environment variable is required'); process.exit(1); }`,
  ),
  // commander's message for a missing option.
  serverPackage(
    'fixture-needs-option',
    '1.0.0',
    `if (!process.argv.includes('--allowed-directories')) { console.error("error: required option '--allowed-directories <dirs>' not specified"); process.exit(1); }`,
  ),
  // A CLI whose MCP server is a subcommand; it says so on stdout.
  serverPackage(
    'fixture-subcommand',
    '1.0.0',
    `if (process.argv[2] !== 'mcp') { console.log("Run 'fixture-subcommand mcp' to start the MCP server"); process.exit(1); }`,
  ),
  // Two causes at once: learned one after the other.
  serverPackage(
    'fixture-two-causes',
    '1.0.0',
    `if (!process.env.SERVICE_TOKEN) { console.error('Missing environment variable: SERVICE_TOKEN'); process.exit(1); }
if (process.argv[2] !== 'stdio') { console.error('Usage: fixture-two-causes <command>\\n\\nCommands:\\n  stdio   Start the MCP server over stdio\\n  login   Log in'); process.exit(1); }`,
  ),
  // Asks for a new variable every time: the retries stop at two.
  serverPackage(
    'fixture-insatiable',
    '1.0.0',
    `const n = Object.keys(process.env).filter((k) => k.startsWith('NEED_')).length; console.error('NEED_VAR_' + n + ' is required'); process.exit(1);`,
  ),
  // Wants a positional argument it describes.
  serverPackage(
    'fixture-needs-positional',
    '1.0.0',
    `if (!process.argv[2]) { console.error('Please provide a database URL as a command-line argument'); process.exit(1); }`,
  ),
  // Rejects a placeholder for an optional input as invalid.
  serverPackage(
    'fixture-rejects-placeholder',
    '1.0.0',
    `if (process.env.TOOL_SETS) { console.error('Invalid tool sets: ' + process.env.TOOL_SETS + '\\nAvailable tool sets: search, quotes'); process.exit(1); }`,
  ),
  // Fails without saying why: nothing to learn, no retry.
  serverPackage('fixture-silent-crash', '1.0.0', `process.exit(3);`),
];

let registry: LoopbackNpmRegistry;
const cacheDir = readableTempDir('toolrisk-npm-learn-');
beforeAll(async () => {
  registry = await startNpmRegistry(servers);
}, 60_000);
afterAll(async () => {
  await registry?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

const crawl = (name: string) => {
  const target: NpmTarget = { kind: 'npm', serverId: name, package: name, version: '1.0.0', args: [], env: {}, placeholders: [] };
  return crawlTarget(target, { npm: { cacheDir, registryUrl: registry.url } });
};

describe('learning from a failed start', () => {
  it('reads missing variables, options and subcommands from typical messages', () => {
    expect(startHints('Error: PERPLEXITY_API_KEY environment variable is required')).toEqual({ env: ['PERPLEXITY_API_KEY'], options: [] });
    expect(startHints('Please set GITHUB_TOKEN to use this server')).toMatchObject({ env: ['GITHUB_TOKEN'] });
    expect(startHints('BRAVE_API_KEY is not set')).toMatchObject({ env: ['BRAVE_API_KEY'] });
    expect(startHints("error: required option '--api-key <key>' not specified")).toMatchObject({ options: ['--api-key'] });
    expect(startHints('Missing required argument: workspace')).toMatchObject({ options: ['--workspace'] });
    expect(startHints('the following arguments are required: --db-path')).toMatchObject({ options: ['--db-path'] });
    expect(startHints("Run 'xxx mcp' to start the MCP server")).toMatchObject({ subcommand: 'mcp' });
    expect(startHints('Commands:\n  serve   Start the MCP server\n  login   Log in')).toMatchObject({ subcommand: 'serve' });
    expect(startHints('Please provide a database URL as a command-line argument')).toMatchObject({ positional: 'database url' });
    expect(startHints('Usage: mcp-server-filesystem <allowed-directory> [additional-directories...]')).toMatchObject({ positional: 'allowed-directory' });
    // Ordinary log lines name nothing.
    expect(startHints('Server started. Connecting to https://api.example.com\nTypeError: x is not a function')).toEqual({ env: [], options: [] });
  });

  it('a secret named only on stderr: retried with a placeholder for it', async () => {
    const result = await crawl('fixture-needs-key');
    expect(result.error).toBeUndefined();
    expect(result.outcome).toBe('ok');
    expect(result.tools![0].description).toContain('PERPLEXITY_API_KEY=TOOLRISK_PLACEHOLDER_PERPLEXITY_API_KEY');
    expect(result.details.learned).toEqual([{ outcome: 'crashed', added: ['env PERPLEXITY_API_KEY'] }]);
  });

  it('a required option: retried with --name and a placeholder typed by its name', async () => {
    const result = await crawl('fixture-needs-option');
    expect(result.outcome).toBe('ok');
    expect(result.tools![0].description).toContain('args=--allowed-directories /tmp');
    expect(result.details.learned).toEqual([{ outcome: 'crashed', added: ['argument --allowed-directories'] }]);
  });

  it("a usage line naming a subcommand ('Run … mcp'): retried with it", async () => {
    const result = await crawl('fixture-subcommand');
    expect(result.outcome).toBe('ok');
    expect(result.tools![0].description).toContain('args=mcp');
    expect(result.details.learned).toEqual([{ outcome: 'protocol_error', added: ['subcommand mcp'] }]);
  });

  it('a positional argument it describes: retried with a placeholder of that shape', async () => {
    const result = await crawl('fixture-needs-positional');
    expect(result.outcome).toBe('ok');
    expect(result.tools![0].description).toContain('args=https://toolrisk-placeholder.invalid/');
    expect(result.details.learned).toEqual([{ outcome: 'crashed', added: ['argument <database url>'] }]);
  });

  it('a placeholder the server calls invalid: retried without that input', async () => {
    const target: NpmTarget = {
      kind: 'npm',
      serverId: 'x',
      package: 'fixture-rejects-placeholder',
      version: '1.0.0',
      args: [],
      env: { TOOL_SETS: 'TOOLRISK_PLACEHOLDER_TOOL_SETS' },
      placeholders: ['TOOL_SETS'],
    };
    const result = await crawlTarget(target, { npm: { cacheDir, registryUrl: registry.url } });
    expect(result.outcome).toBe('ok');
    expect(result.details.learned).toEqual([{ outcome: 'needs_config', added: ['without env TOOL_SETS'] }]);
  });

  it('two causes: learned one retry at a time, each recorded', async () => {
    const result = await crawl('fixture-two-causes');
    expect(result.outcome).toBe('ok');
    expect(result.details.learned).toEqual([
      { outcome: 'crashed', added: ['env SERVICE_TOKEN'] },
      { outcome: 'needs_config', added: ['subcommand stdio'] },
    ]);
  });

  it('bounded: at most two retries, then the failure stands with what was tried', async () => {
    const result = await crawl('fixture-insatiable');
    expect(result.outcome).toBe('needs_config');
    expect(result.details.learned).toEqual([
      { outcome: 'crashed', added: ['env NEED_VAR_0'] },
      { outcome: 'needs_config', added: ['env NEED_VAR_1'] },
    ]);
    expect(result.stderr).toContain('NEED_VAR_2 is required');
  });

  it('nothing to learn: no retry', async () => {
    const result = await crawl('fixture-silent-crash');
    expect(result.outcome).toBe('crashed');
    expect(result.details.learned).toBeUndefined();
  });
});
