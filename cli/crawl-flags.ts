import { execFileSync } from 'node:child_process';
import { Option, type Command } from 'commander';
import { z } from 'zod';
import { DEFAULT_LIMITS, type CrawlLimits, type CrawlOptions } from '../crawler/index.ts';
import type { CrawlSettings } from '../crawler/crawl-entry.ts';
import { UNSAFE_FLAG } from '../crawler/sandbox/index.ts';
import { UsageError } from './errors.ts';
import { count, parseFlags, seconds, url } from './flag-schemas.ts';

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

const inSeconds = (ms: number) => `${ms / 1000}`;

export function addCrawlFlags(command: Command): Command {
  return command
    .addOption(new Option('--timeout <s>', `seconds one MCP request may take (default ${inSeconds(DEFAULT_LIMITS.requestTimeoutMs)})`))
    .addOption(
      new Option(
        '--deadline <s>',
        `seconds one server may take from start to its last tools/list page (an npm install before it has 5 minutes of its own) (default ${inSeconds(DEFAULT_LIMITS.deadlineMs)})`,
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

/** The crawl-settings group: one attempt's limits, where remote servers may be, the sandbox, the npm/PyPI runtime. */
const settingsSchema = z
  .object({
    timeout: seconds('--timeout'),
    deadline: seconds('--deadline'),
    maxPages: count('--max-pages'),
    maxTools: count('--max-tools'),
    maxListingBytes: count('--max-listing-bytes'),
    maxDescription: count('--max-description'),
    allowHost: z.array(z.string()).optional(),
    denyHost: z.array(z.string()).optional(),
    allowPrivateNetwork: z.boolean().optional(),
    node: z.string().optional(),
    pypiIndex: url('--pypi-index', ['http:', 'https:', 'file:'], 'an http(s) or file URL'),
    unsafeNoSandbox: z.boolean().optional(),
  })
  .transform((flags) => ({
    limits: {
      requestTimeoutMs: flags.timeout,
      deadlineMs: flags.deadline,
      maxPages: flags.maxPages,
      maxTools: flags.maxTools,
      maxListingBytes: flags.maxListingBytes,
      maxDescriptionLength: flags.maxDescription,
    } satisfies Partial<CrawlLimits>,
    network: { allowHosts: flags.allowHost, denyHosts: flags.denyHost, allowPrivateNetwork: flags.allowPrivateNetwork ?? false },
    unsafeNoSandbox: flags.unsafeNoSandbox ?? false,
    // Runs the given node: checked only once every other flag is.
    ...(flags.node ? { npm: nodeFlag(flags.node) } : {}),
    ...(flags.pypiIndex ? { pypi: { indexUrl: flags.pypiIndex } } : {}),
  }));

/** The local pools of `crawl`, `run` and `schedule`. */
const poolSchema = z
  .object({ concurrency: count('--concurrency'), perHost: count('--per-host') })
  .transform((flags) => ({ concurrency: flags.concurrency, perHostConcurrency: flags.perHost }));

/** The crawl-settings flags of `check` and `policy --check-missing`: one attempt's settings. */
export function crawlOptionsFrom(flags: CrawlFlags): Pick<CrawlOptions, 'limits' | 'network' | 'unsafeNoSandbox' | 'npm' | 'pypi'> {
  return parseFlags(settingsSchema, flags);
}

/** The crawl-settings and pool flags of `crawl`, `run` and `schedule`. */
export function crawlSettingsFrom(flags: CrawlFlags & PoolFlags): CrawlSettings {
  return { ...parseFlags(settingsSchema, flags), ...parseFlags(poolSchema, flags) };
}

export interface PoolFlags {
  concurrency?: string;
  perHost?: string;
}

/** `--concurrency` and `--per-host`, for `crawl`, `run` and `schedule`. */
export function addPoolFlags(command: Command): Command {
  return command
    .option('--concurrency <n>', 'local (stdio) attempts at once (default 4; remote targets have their own pool of 128)')
    .option('--per-host <n>', 'attempts at once against one remote host (default 2)');
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
