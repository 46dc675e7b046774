import { Option, type Command } from 'commander';
import { classify } from '../../classifier/index.ts';
import { crawlTarget, parseNpmSpec, REMOTE_TRANSPORTS, type CrawlTarget, type RemoteTransport } from '../../crawler/index.ts';
import { addCrawlFlags, crawlOptionsFrom, type CrawlFlags } from '../crawl-flags.ts';
import { UsageError } from '../errors.ts';
import { formatTable, printable, printJson } from '../output.ts';

interface CheckFlags extends CrawlFlags {
  url?: string;
  transport: RemoteTransport;
  header?: string[];
  npm?: string;
  env?: string[];
  json?: boolean;
}

export function registerCheck(program: Command): void {
  const command = program
    .command('check')
    .description('List one MCP server’s tools now, with their risk classification, without touching the catalogue.')
    .argument('[command...]', 'a stdio server to start: toolrisk check -- <command> [args…]')
    .option('--url <url>', 'a remote server')
    .addOption(new Option('--transport <kind>', 'with --url').choices([...REMOTE_TRANSPORTS]).default('auto'))
    .option('--header <name:value...>', 'with --url: HTTP headers to send')
    .option('--npm <package[@version]>', 'an npm package, installed (without scripts) into the crawler’s cache and run over stdio')
    .option('--env <NAME=value...>', 'with a command or --npm: environment variables for the server (it gets no others)');
  addCrawlFlags(command)
    .option('--json', 'print {server, tools, classification per tool} as JSON')
    .action(async (commandLine: string[], flags: CheckFlags) => check(targetFrom(commandLine, flags), flags));
}

function targetFrom(commandLine: string[], flags: CheckFlags): CrawlTarget {
  const given = [commandLine.length > 0, flags.url !== undefined, flags.npm !== undefined].filter(Boolean).length;
  if (given !== 1) throw new UsageError('give exactly one server: -- <command> [args…], --url URL, or --npm PACKAGE[@VERSION]');
  const serverId = 'check';
  if (flags.url !== undefined) {
    if (flags.env) throw new UsageError('--env is for stdio servers (a command or --npm), not --url');
    if (!/^https?:\/\//.test(flags.url) || !URL.canParse(flags.url))
      throw new UsageError(`--url must be an http:// or https:// URL, got ${JSON.stringify(flags.url)}`);
    return { kind: 'remote', serverId, url: flags.url, transport: flags.transport, headers: pairs('--header', flags.header, ':') };
  }
  if (flags.header) throw new UsageError('--header is for --url');
  const env = pairs('--env', flags.env, '=');
  if (flags.npm !== undefined) {
    let spec: { name: string; version?: string };
    try {
      spec = parseNpmSpec(flags.npm);
    } catch (error) {
      throw new UsageError(`--npm: ${(error as Error).message}`);
    }
    return { kind: 'npm', serverId, package: spec.name, version: spec.version, args: [], env, placeholders: [] };
  }
  const [command, ...args] = commandLine;
  return { kind: 'stdio', serverId, command, args, env, cwd: process.cwd() };
}

function pairs(flag: string, values: string[] | undefined, separator: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const value of values ?? []) {
    const at = value.indexOf(separator);
    if (at <= 0) throw new UsageError(`${flag} takes NAME${separator}VALUE, got ${JSON.stringify(value)}`);
    result[value.slice(0, at).trim()] = value.slice(at + 1).trim();
  }
  return result;
}

async function check(target: CrawlTarget, flags: CheckFlags): Promise<void> {
  const result = await crawlTarget(target, crawlOptionsFrom(flags));
  if (result.outcome !== 'ok') {
    if (flags.json) printJson({ outcome: result.outcome, error: result.error, target: result.label, stderr: result.stderr ?? null });
    else {
      console.error(`${result.outcome}: ${printable(result.error)}`);
      if (result.stderr) console.error(`server stderr (last lines):\n${printable(result.stderr.split('\n').slice(-10).join('\n'))}`);
    }
    process.exitCode = 1;
    return;
  }
  const tools = result.tools!.map((tool) => ({ tool, classification: classify(tool) }));
  if (flags.json) {
    return printJson({
      server: result.server,
      transport: result.transport,
      tools: tools.map(({ tool, classification }) => ({ ...tool, classification })),
    });
  }
  const server = result.server ?? {};
  console.log(
    `${printable(server.name ?? '(unnamed)')} ${printable(server.version ?? '')} over ${result.transport}, protocol ${printable(server.protocolVersion ?? '?')}: ${tools.length} tools`,
  );
  console.log();
  console.log(
    formatTable(
      ['tool', 'category', 'severity', 'flags', 'reason'],
      tools.map(({ tool, classification: c }) => [tool.name, c.category, c.severity, c.flags.join(' '), c.explanation]),
      90,
    ),
  );
  const cut = tools.filter(({ tool }) => tool.descriptionTruncated).map(({ tool }) => tool.name);
  if (cut.length > 0) console.log(`\nDescriptions cut at the --max-description limit: ${printable(cut.join(', '))}`);
}
