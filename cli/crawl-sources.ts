import { Option, type Command } from 'commander';
import { z } from 'zod';
import { DEFAULT_REGISTRY_URL, markSyncListed, readServersFile, settleRegistrySync, syncRegistry, type SourcedServer } from '../crawler/index.ts';
import { sandboxRefusal } from '../crawler/sandbox/index.ts';
import { isBundledServersFile, markBundled } from '../crawler/sandbox/policy.ts';
import type { Orm } from '../db/index.ts';
import { UsageError } from './errors.ts';
import { count, parseFlags } from './flag-schemas.ts';
import { printable } from './output.ts';

/** Where the servers to crawl come from: the flags `crawl` and `run` share. */
export interface SourceFlags {
  registry?: string | boolean;
  servers?: string;
  since?: string;
  only?: string[];
  limit?: string;
}

export function addSourceFlags(command: Command): Command {
  return command
    .addOption(new Option('--registry [url]', `sync servers from an MCP Registry (default ${DEFAULT_REGISTRY_URL})`))
    .option('--servers <file>', 'a YAML or JSON servers file (see README, "Crawling")')
    .option('--since <when>', 'with --registry: only servers updated since DATE, or "auto" for since the last successful sync')
    .option('--only <id...>', 'crawl only these server ids')
    .option('--limit <n>', 'crawl at most this many servers');
}

/** The sources group, checked: where the servers come from, before anything is read or opened. */
export interface SourceSpec {
  registryUrl?: string;
  serversFile?: string;
  since?: 'auto' | Date;
  limit?: number;
  only?: string[];
  /** What the run stores as its options. */
  described: Record<string, unknown>;
}

export interface Sources extends SourceSpec {
  /** The servers file, read and checked in full before anything is opened or crawled. */
  fromFile: SourcedServer[];
}

const sourceSchema = z
  .object({
    registry: z.union([z.string(), z.boolean()]).optional(),
    servers: z.string().optional(),
    since: z.string().optional(),
    only: z.array(z.string()).optional(),
    limit: count('--limit'),
  })
  .superRefine((flags, ctx) => {
    if (!flags.registry && !flags.servers) ctx.addIssue({ code: 'custom', message: 'say what to crawl: --registry [URL] and/or --servers FILE', fatal: true });
    else if (flags.since && !flags.registry) ctx.addIssue({ code: 'custom', message: '--since needs --registry', fatal: true });
  })
  .transform((flags): SourceSpec => {
    const registryUrl = typeof flags.registry === 'string' ? flags.registry : flags.registry ? DEFAULT_REGISTRY_URL : undefined;
    return {
      registryUrl,
      serversFile: flags.servers,
      since: sinceFlag(flags.since),
      limit: flags.limit,
      only: flags.only,
      described: {
        registry: registryUrl ?? null,
        servers: flags.servers ?? null,
        since: flags.since ?? null,
        only: flags.only ?? null,
        limit: flags.limit ?? null,
      },
    };
  });

/** Checks the source flags; reads and opens nothing. */
export function sourceSpecFrom(flags: SourceFlags): SourceSpec {
  return parseFlags(sourceSchema, flags);
}

/** Reads the servers file of a checked spec (again at each call: a long-running schedule sees its edits). */
export async function readSources(spec: SourceSpec): Promise<Sources> {
  const read = spec.serversFile ? await readServersFile(spec.serversFile) : [];
  // The bundled default servers are vetted: where bwrap is missing they may still run, with a warning.
  const fromFile = spec.serversFile && isBundledServersFile(spec.serversFile) ? markBundled(read) : read;
  return { ...spec, fromFile };
}

/** Checks the source flags and reads the servers file; opens nothing. */
export async function parseSources(flags: SourceFlags): Promise<Sources> {
  return readSources(sourceSpecFrom(flags));
}

export interface Gathered {
  /** The servers to crawl. */
  servers: SourcedServer[];
  /** After the crawl: what the run finished leaves the registry's pending list; a completed run moves `--since auto`'s point. */
  settle(run: { runId: number | null; status: string }): Promise<void>;
}

/**
 * The servers to crawl: the file's, plus the registry's after a sync (with the servers an unfinished earlier
 * sync left, and those --only names), narrowed by --only and --limit.
 */
export async function gatherSources(sources: Sources, orm: Orm, options: { signal?: AbortSignal; log?: (line: string) => void } = {}): Promise<Gathered> {
  let fromRegistry: SourcedServer[] = [];
  let settle: Gathered['settle'] = async () => {};
  if (sources.registryUrl) {
    const sync = await syncRegistry(orm, { baseUrl: sources.registryUrl, since: sources.since, include: sources.only, signal: options.signal });
    fromRegistry = sync.servers;
    const log = options.log ?? (() => {});
    const scope = sync.updatedSince ? `updated since ${sync.updatedSince.toISOString()}` : 'all';
    const listed = sync.servers.length - sync.carriedOver.length;
    log(`registry ${printable(sources.registryUrl)}: ${listed} servers (${scope}) in ${sync.pages} pages`);
    if (sync.carriedOver.length > 0) log(`  + ${sync.carriedOver.length} servers an earlier run did not finish`);
    for (const problem of sync.problems.slice(0, 10)) log(`  dropped invalid fields: ${printable(problem)}`);
    if (sync.problems.length > 10) log(`  … and ${sync.problems.length - 10} more servers with invalid fields`);
    await markSyncListed(orm, sync);
    settle = async (run) => {
      if (run.runId !== null) await settleRegistrySync(orm, sync, { runId: run.runId, status: run.status });
    };
  }
  return { servers: select([...sources.fromFile, ...fromRegistry], sources.only, sources.limit), settle };
}

/**
 * Gathers the servers, refuses them when they would run unsandboxed without consent, crawls them with
 * `crawl`, and settles the registry's sync with the run `crawl` returns (as `runOf` finds it in its result).
 */
export async function crawlGathered<T>(
  sources: Sources,
  orm: Orm,
  options: { unsafeNoSandbox: boolean; signal?: AbortSignal; log?: (line: string) => void },
  crawl: (servers: SourcedServer[]) => Promise<T>,
  runOf: (result: T) => { runId: number | null; status: string },
): Promise<T> {
  const gathered = await gatherSources(sources, orm, options);
  const refusal = await sandboxRefusal(gathered.servers, options.unsafeNoSandbox);
  if (refusal) throw new Error(refusal);
  const result = await crawl(gathered.servers);
  await gathered.settle(runOf(result));
  return result;
}

function sinceFlag(value: string | undefined): 'auto' | Date | undefined {
  if (value === undefined || value === 'auto') return value;
  // Only ISO dates: `new Date('-1')` is the year 2001, and other loose spellings are as surprising.
  const date = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.test(value) ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new UsageError(`--since must be "auto" or a date such as 2026-01-31 or 2026-01-31T12:00:00Z, got ${JSON.stringify(printable(value))}`);
  }
  if (date.getTime() > Date.now()) throw new UsageError(`--since ${value} is in the future`);
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
