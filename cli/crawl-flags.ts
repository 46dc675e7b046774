import { execFileSync } from 'node:child_process';
import { Option, type Command } from 'commander';
import { DEFAULT_LIMITS, type CrawlLimits, type CrawlOptions } from '../crawler/index.ts';
import { UNSAFE_FLAG } from '../crawler/sandbox/index.ts';
import { UsageError } from './errors.ts';

/** The flags `crawl`, `check` (and `run`) share: limits of one attempt and where remote servers may be. */
export interface CrawlFlags {
  timeout?: string;
  deadline?: string;
  maxPages?: string;
  maxTools?: string;
  maxListingBytes?: string;
  maxDescription?: string;
  allowHost?: string[];
  denyHost?: string[];
  allowPrivateNetwork?: boolean;
  node?: string;
  pypiIndex?: string;
  unsafeNoSandbox?: boolean;
}

const seconds = (ms: number) => `${ms / 1000}`;

export function addCrawlFlags(command: Command): Command {
  return command
    .addOption(new Option('--timeout <s>', `seconds one MCP request may take (default ${seconds(DEFAULT_LIMITS.requestTimeoutMs)})`))
    .addOption(
      new Option(
        '--deadline <s>',
        `seconds one server may take from start to its last tools/list page (an npm install before it has 5 minutes of its own) (default ${seconds(DEFAULT_LIMITS.deadlineMs)})`,
      ),
    )
    .addOption(new Option('--max-pages <n>', `tools/list pages per server (default ${DEFAULT_LIMITS.maxPages})`))
    .addOption(new Option('--max-tools <n>', `tools per server (default ${DEFAULT_LIMITS.maxTools})`))
    .addOption(new Option('--max-listing-bytes <n>', `bytes of one server's whole listing (default ${DEFAULT_LIMITS.maxListingBytes})`))
    .addOption(
      new Option('--max-description <n>', `characters of a description kept; longer ones are cut and flagged (default ${DEFAULT_LIMITS.maxDescriptionLength})`),
    )
    .addOption(new Option('--allow-host <host...>', 'only connect to these remote hosts (exact, or *.example.com)'))
    .addOption(new Option('--deny-host <host...>', 'never connect to these remote hosts'))
    .addOption(new Option('--allow-private-network', 'allow remote servers on loopback and private addresses (refused by default)'))
    .addOption(new Option('--node <path>', 'the Node that runs npm servers, for packages whose engines.node needs a newer one than the crawler’s'))
    .addOption(new Option('--pypi-index <url>', 'a PEP 503 simple index to install PyPI servers from (default: pip’s own configuration)'))
    .addOption(unsafeNoSandboxOption());
}

/** Where bwrap is missing, stdio servers are refused unless the user accepts running them unisolated. */
export function unsafeNoSandboxOption(): Option {
  return new Option(
    UNSAFE_FLAG,
    'where bubblewrap is missing, run stdio servers anyway with only a throwaway user, a clean environment and limits (refused by default)',
  );
}

export function crawlOptionsFrom(flags: CrawlFlags): Pick<CrawlOptions, 'limits' | 'network' | 'unsafeNoSandbox' | 'npm' | 'pypi'> {
  const limits: Partial<CrawlLimits> = {
    requestTimeoutMs: secondsFlag('--timeout', flags.timeout),
    deadlineMs: secondsFlag('--deadline', flags.deadline),
    maxPages: countFlag('--max-pages', flags.maxPages),
    maxTools: countFlag('--max-tools', flags.maxTools),
    maxListingBytes: countFlag('--max-listing-bytes', flags.maxListingBytes),
    maxDescriptionLength: countFlag('--max-description', flags.maxDescription),
  };
  return {
    limits,
    network: { allowHosts: flags.allowHost, denyHosts: flags.denyHost, allowPrivateNetwork: flags.allowPrivateNetwork ?? false },
    unsafeNoSandbox: flags.unsafeNoSandbox ?? false,
    ...(flags.node ? { npm: nodeFlag(flags.node) } : {}),
    ...(flags.pypiIndex ? { pypi: { indexUrl: urlFlag('--pypi-index', flags.pypiIndex) } } : {}),
  };
}

/** --node PATH: an absolute path to a Node that runs, with its version. */
function nodeFlag(value: string): { nodePath: string; nodeVersion: string } {
  if (!value.startsWith('/')) throw new UsageError(`--node must be an absolute path to a node binary, got ${JSON.stringify(value)}`);
  try {
    const version = execFileSync(value, ['--version'], { encoding: 'utf8', timeout: 10_000, env: {} }).trim();
    if (!/^v\d+\.\d+\.\d+/.test(version)) throw new Error(`it printed ${JSON.stringify(version.slice(0, 40))} for --version`);
    return { nodePath: value, nodeVersion: version };
  } catch (error) {
    throw new UsageError(`--node ${value} is not a working node: ${(error as Error).message.split('\n')[0]}`);
  }
}

function urlFlag(flag: string, value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'file:') return url.href;
  } catch {
    // fall through
  }
  throw new UsageError(`${flag} must be an http(s) or file URL, got ${JSON.stringify(value)}`);
}

/** A whole number of at least 1, or a UsageError naming the flag. */
export function countFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${flag} must be a whole number of at least 1, got ${JSON.stringify(value)}`);
  return n;
}

/** Seconds (fractions allowed) as milliseconds, or a UsageError naming the flag. */
export function secondsFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 86_400) throw new UsageError(`${flag} must be a number of seconds above 0, got ${JSON.stringify(value)}`);
  return Math.round(n * 1000);
}
