import { Option, type Command } from 'commander';
import { DEFAULT_REGISTRY_URL, readServersFile, runCrawl, syncRegistry, type SourcedServer } from '../../crawler/index.ts';
import { openDatabase } from '../../db/index.ts';
import { addCrawlFlags, countFlag, crawlOptionsFrom, type CrawlFlags } from '../crawl-flags.ts';
import { progressReporter } from '../crawl-progress.ts';
import { UsageError } from '../errors.ts';
import { formatTable, printable, printJson } from '../output.ts';

interface CrawlCommandFlags extends CrawlFlags {
  registry?: string | boolean;
  servers?: string;
  since?: string;
  only?: string[];
  limit?: string;
  concurrency?: string;
  perHost?: string;
  json?: boolean;
}

export function registerCrawl(program: Command): void {
  const command = program
    .command('crawl')
    .description('List the tools of MCP servers from the MCP Registry and/or a servers file, and store them in the catalogue.')
    .addOption(new Option('--registry [url]', `sync servers from an MCP Registry (default ${DEFAULT_REGISTRY_URL})`))
    .option('--servers <file>', 'a YAML or JSON servers file (see README, "Crawling")')
    .option('--since <when>', 'with --registry: only servers updated since DATE, or "auto" for since the last successful sync')
    .option('--only <id...>', 'crawl only these server ids')
    .option('--limit <n>', 'crawl at most this many servers')
    .option('--concurrency <n>', 'attempts at once (default 4)')
    .option('--per-host <n>', 'attempts at once against one remote host (default 2)');
  addCrawlFlags(command)
    .option('--json', 'print the run summary as JSON')
    .action(async (flags: CrawlCommandFlags) => crawl(flags));
}

async function crawl(flags: CrawlCommandFlags): Promise<void> {
  if (!flags.registry && !flags.servers) throw new UsageError('say what to crawl: --registry [URL] and/or --servers FILE');
  if (flags.since && !flags.registry) throw new UsageError('--since needs --registry');
  const since = sinceFlag(flags.since);
  const limit = countFlag('--limit', flags.limit);
  const options = {
    ...crawlOptionsFrom(flags),
    concurrency: countFlag('--concurrency', flags.concurrency),
    perHostConcurrency: countFlag('--per-host', flags.perHost),
  };
  const registryUrl = typeof flags.registry === 'string' ? flags.registry : flags.registry ? DEFAULT_REGISTRY_URL : undefined;
  // The servers file is read and checked in full before anything is opened or crawled.
  const fromFile = flags.servers ? await readServersFile(flags.servers) : [];

  const database = await openDatabase();
  const controller = new AbortController();
  const interrupt = () => controller.abort();
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    let fromRegistry: SourcedServer[] = [];
    if (registryUrl) {
      const sync = await syncRegistry(database.orm, { baseUrl: registryUrl, since, signal: controller.signal });
      fromRegistry = sync.servers;
      if (!flags.json) {
        const scope = sync.updatedSince ? `updated since ${sync.updatedSince.toISOString()}` : 'all';
        console.error(`registry ${registryUrl}: ${sync.servers.length} servers (${scope}) in ${sync.pages} pages`);
        for (const problem of sync.problems.slice(0, 10)) console.error(`  skipped an invalid entry: ${printable(problem)}`);
        if (sync.problems.length > 10) console.error(`  … and ${sync.problems.length - 10} more invalid entries`);
      }
    }
    const selected = select([...fromFile, ...fromRegistry], flags.only, limit);
    const progress = progressReporter();
    const summary = await runCrawl(database.orm, selected, {
      ...options,
      signal: controller.signal,
      runOptions: { registry: registryUrl ?? null, servers: flags.servers ?? null, since: flags.since ?? null, only: flags.only ?? null, limit: limit ?? null },
      onProgress: flags.json ? undefined : (p) => progress.update(p),
    });
    progress.done();
    if (flags.json) return printJson(summary);
    console.log(formatTable(['outcome', 'servers'], Object.entries(summary.outcomes).sort(([, a], [, b]) => b! - a!)));
    const failures = summary.results.filter((r) => r.outcome !== 'ok');
    if (failures.length > 0) {
      console.log();
      console.log(formatTable(['server', 'outcome', 'error'], failures.slice(0, 30).map((r) => [r.serverId, r.outcome, r.error ?? ''])));
      if (failures.length > 30) console.log(`… and ${failures.length - 30} more (toolrisk crawl --json lists them all)`);
    }
    console.log();
    console.log(
      `run ${summary.runId} ${summary.status}: ${summary.servers} servers, ${summary.outcomes.ok ?? 0} listed, ${summary.changes} tool changes, ${(summary.durationMs / 1000).toFixed(1)}s`,
    );
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await database.close();
  }
}

function sinceFlag(value: string | undefined): 'auto' | Date | undefined {
  if (value === undefined || value === 'auto') return value;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new UsageError(`--since must be "auto" or a date such as 2026-01-31, got ${JSON.stringify(value)}`);
  return date;
}

function select(servers: SourcedServer[], only: string[] | undefined, limit: number | undefined): SourcedServer[] {
  let selected = servers;
  if (only) {
    const known = new Set(servers.map((s) => s.server.id));
    const unknown = only.filter((id) => !known.has(id));
    if (unknown.length > 0) throw new UsageError(`--only names servers the sources do not list: ${unknown.map((id) => JSON.stringify(id)).join(', ')}`);
    selected = servers.filter((s) => only.includes(s.server.id));
  }
  return limit === undefined ? selected : selected.slice(0, limit);
}
