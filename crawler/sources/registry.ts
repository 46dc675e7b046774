import { execFileSync } from 'node:child_process';
import { z } from 'zod';
import { getState, setState, upsertServers, type Orm, type ServerInput } from '../../db/index.ts';
import { withLinkedSignal } from '../net/signals.ts';
import { DEFAULT_RETRY, isTransientStatus, withRetries, type RetryOptions } from '../retry.ts';
import { storable } from '../storable.ts';
import { placeholderFor, type CrawlTarget, type SourcedServer } from '../targets.ts';

export const DEFAULT_REGISTRY_URL = 'https://registry.modelcontextprotocol.io';
const OFFICIAL = 'io.modelcontextprotocol.registry/official';

const inputSchema = z
  .object({
    name: z.string().optional(),
    value: z.string().optional(),
    default: z.string().optional(),
    valueHint: z.string().optional(),
    isRequired: z.boolean().optional(),
    isSecret: z.boolean().optional(),
  })
  .passthrough();
const argumentSchema = inputSchema.extend({ type: z.string() });
const envSchema = inputSchema.extend({ name: z.string().min(1) });

const packageSchema = z
  .object({
    registryType: z.string(),
    identifier: z.string(),
    version: z.string().optional(),
    transport: z.object({ type: z.string() }).passthrough().optional(),
    packageArguments: z.array(argumentSchema).optional(),
    environmentVariables: z.array(envSchema).optional(),
  })
  .passthrough();

const remoteSchema = z
  .object({ type: z.string(), url: z.string(), headers: z.array(envSchema).optional() })
  .passthrough();

const serverJsonSchema = z
  .object({
    name: z.string().min(1).max(200),
    title: z.string().optional(),
    description: z.string().optional(),
    version: z.string().optional(),
    repository: z.record(z.string(), z.unknown()).optional(),
    websiteUrl: z.string().optional(),
    packages: z.array(packageSchema).nullish(),
    remotes: z.array(remoteSchema).nullish(),
  })
  .passthrough();

const officialMetaSchema = z
  .object({
    status: z.string().default('active'),
    publishedAt: z.string().optional(),
    updatedAt: z.string().optional(),
    isLatest: z.boolean().optional(),
  })
  .passthrough();

const entrySchema = z.object({
  server: serverJsonSchema,
  _meta: z.object({ [OFFICIAL]: officialMetaSchema.optional() }).passthrough().optional(),
});

const pageSchema = z.object({
  servers: z.array(z.unknown()),
  metadata: z.object({ nextCursor: z.string().nullish(), count: z.number().optional() }).passthrough().optional(),
});

export type RegistryEntry = z.infer<typeof entrySchema>;
type Package = z.infer<typeof packageSchema>;
type Remote = z.infer<typeof remoteSchema>;

export interface RegistryFetchOptions {
  baseUrl?: string;
  /** Only servers updated at or after this time (the API's `updated_since`). */
  updatedSince?: Date;
  pageSize?: number;
  /** A guard against a registry whose cursor never ends. */
  maxPages?: number;
  fetch?: typeof fetch;
  retry?: RetryOptions;
  signal?: AbortSignal;
}

export interface RegistryListing {
  entries: RegistryEntry[];
  /** Entries that failed validation, each with its name (when readable) and what was wrong. */
  problems: string[];
  pages: number;
}

/** Pages through `GET {base}/v0.1/servers`, validating every entry on its own. */
export async function fetchRegistry(options: RegistryFetchOptions = {}): Promise<RegistryListing> {
  const base = (options.baseUrl ?? DEFAULT_REGISTRY_URL).replace(/\/+$/, '');
  const doFetch = options.fetch ?? fetch;
  const maxPages = options.maxPages ?? 10_000;
  const entries: RegistryEntry[] = [];
  const problems: string[] = [];
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  let pages = 0;
  do {
    if (pages >= maxPages) throw new Error(`The registry at ${base} returned more than ${maxPages} pages; stopped.`);
    const url = new URL(`${base}/v0.1/servers`);
    url.searchParams.set('limit', String(options.pageSize ?? 100));
    if (cursor) url.searchParams.set('cursor', cursor);
    if (options.updatedSince) url.searchParams.set('updated_since', options.updatedSince.toISOString());
    const page = await withLinkedSignal(options.signal, (signal) => fetchPage(url, doFetch, { ...options, signal }));
    pages += 1;
    for (const raw of page.servers) {
      const parsed = entrySchema.safeParse(raw);
      if (parsed.success) entries.push(parsed.data);
      else problems.push(`${entryName(raw)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    cursor = page.metadata?.nextCursor ?? undefined;
    if (cursor && seenCursors.has(cursor)) throw new Error(`The registry at ${base} repeated the cursor ${JSON.stringify(cursor)}; stopped.`);
    if (cursor) seenCursors.add(cursor);
  } while (cursor);
  return { entries, problems, pages };
}

async function fetchPage(url: URL, doFetch: typeof fetch, options: RegistryFetchOptions): Promise<z.infer<typeof pageSchema>> {
  const { result: response } = await withRetries(
    () => doFetch(url, { signal: options.signal, headers: { accept: 'application/json' } }),
    (r) => isTransientStatus(r.status),
    { ...(options.retry ?? DEFAULT_RETRY), signal: options.signal },
  );
  if (!response.ok) throw new Error(`The registry answered ${response.status} ${response.statusText} for ${url}`);
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new Error(`The registry's answer for ${url} is not JSON: ${(error as Error).message}`);
  }
  const page = pageSchema.safeParse(body);
  if (!page.success) throw new Error(`The registry's answer for ${url} is not a servers page: ${page.error.issues[0]?.message}`);
  return page.data;
}

function entryName(raw: unknown): string {
  const name = (raw as { server?: { name?: unknown } } | null)?.server?.name;
  return typeof name === 'string' && name !== '' ? JSON.stringify(name) : 'an entry without a name';
}

/** One entry per server name: the one marked latest, else the most recently published. */
export function latestVersions(entries: readonly RegistryEntry[]): RegistryEntry[] {
  const byName = new Map<string, RegistryEntry>();
  for (const entry of entries) {
    const current = byName.get(entry.server.name);
    if (!current || rank(entry) >= rank(current)) byName.set(entry.server.name, entry);
  }
  return [...byName.values()];
}

function rank(entry: RegistryEntry): string {
  const meta = entry._meta?.[OFFICIAL];
  return `${meta?.isLatest ? 1 : 0}${meta?.publishedAt ?? ''}`;
}

export interface MappingOptions {
  /** Whether a command (uvx, docker, dnx) exists on this machine. */
  hasCommand?: (command: string) => boolean;
}

/** The server row and crawl targets of one registry entry. Deleted servers get no targets. */
export function mapRegistryEntry(entry: RegistryEntry, options: MappingOptions = {}): SourcedServer {
  const s = storable(entry.server);
  const meta = storable(entry._meta?.[OFFICIAL]);
  const status = meta?.status ?? 'active';
  const server: ServerInput = {
    id: s.name,
    title: s.title ?? null,
    description: s.description ?? null,
    repository: s.repository ?? null,
    website: s.websiteUrl ?? null,
    version: s.version ?? null,
    packages: s.packages ?? [],
    remotes: s.remotes ?? [],
    sources: ['registry'],
    status,
    sourceMeta: meta ?? null,
  };
  if (status === 'deleted') return { server, targets: [] };
  const runnable = [
    ...(s.remotes ?? []).map((r) => remoteTarget(s.name, r)),
    ...(s.packages ?? []).map((p) => packageTarget(s.name, p, options.hasCommand ?? commandExists)),
  ];
  const targets =
    runnable.length > 0
      ? runnable
      : [{ kind: 'unrunnable', serverId: s.name, label: 'none', outcome: 'unsupported_runtime', reason: 'the registry lists no package or remote for this server' } as const];
  return { server, targets };
}

function remoteTarget(serverId: string, remote: Remote): CrawlTarget {
  const label = `${remote.type || 'remote'}:${remote.url}`;
  if (remote.type !== 'streamable-http' && remote.type !== 'sse') {
    return { kind: 'unrunnable', serverId, label, outcome: 'unsupported_runtime', reason: `unknown remote transport ${JSON.stringify(remote.type)}` };
  }
  if (/[{}]/.test(remote.url)) {
    return { kind: 'unrunnable', serverId, label, outcome: 'needs_config', reason: `the URL has variables the user must fill in: ${remote.url}` };
  }
  const headers: Record<string, string> = {};
  for (const header of remote.headers ?? []) if (header.isRequired) headers[header.name] = placeholderFor(header.name);
  return { kind: 'remote', serverId, url: remote.url, transport: remote.type, headers };
}

const RUNTIMES: Record<string, string> = { pypi: 'uvx', oci: 'docker', nuget: 'dnx', mcpb: 'an MCPB host' };

function packageTarget(serverId: string, pkg: Package, hasCommand: (command: string) => boolean): CrawlTarget {
  const version = pkg.version && pkg.version !== 'latest' ? pkg.version : undefined;
  const label = `${pkg.registryType}:${pkg.identifier}${version ? `@${version}` : ''}`;
  const transport = pkg.transport?.type ?? 'stdio';
  if (pkg.registryType !== 'npm' || transport !== 'stdio') {
    const runtime = RUNTIMES[pkg.registryType];
    const reason =
      pkg.registryType === 'npm'
        ? `npm packages that serve ${transport} are not run by this crawler`
        : runtime && hasCommand(runtime)
          ? `${pkg.registryType} packages are not run by this crawler (${runtime} is installed, but running them would fetch from outside the npm registry)`
          : `${pkg.registryType} packages need ${runtime ?? 'a runtime this crawler does not know'}, which is not available here`;
    return { kind: 'unrunnable', serverId, label, outcome: 'unsupported_runtime', reason };
  }
  const placeholders: string[] = [];
  const args = (pkg.packageArguments ?? []).flatMap((arg) => {
    const value = arg.value ?? arg.default;
    const label = arg.name ?? arg.valueHint ?? 'ARG';
    if (value === undefined && !arg.isRequired) return [];
    if (value === undefined) placeholders.push(label);
    const text = value ?? placeholderFor(label);
    return arg.type === 'named' && arg.name && text !== arg.name ? [arg.name, text] : [text];
  });
  const env: Record<string, string> = {};
  for (const variable of pkg.environmentVariables ?? []) {
    const value = variable.value ?? variable.default;
    if (value !== undefined && !variable.isSecret) env[variable.name] = value;
    else if (variable.isRequired) {
      env[variable.name] = placeholderFor(variable.name);
      placeholders.push(variable.name);
    }
  }
  return { kind: 'npm', serverId, package: pkg.identifier, version, args, env, placeholders };
}

const commandCache = new Map<string, boolean>();
function commandExists(command: string): boolean {
  if (!/^[\w.-]+$/.test(command)) return false;
  if (!commandCache.has(command)) {
    try {
      execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
      commandCache.set(command, true);
    } catch {
      commandCache.set(command, false);
    }
  }
  return commandCache.get(command)!;
}

export interface RegistrySyncOptions extends RegistryFetchOptions, MappingOptions {
  /** `auto`: only servers updated since the last successful sync from this registry; a Date: since then. */
  since?: 'auto' | Date;
  now?: () => Date;
}

export interface RegistrySync {
  servers: SourcedServer[];
  problems: string[];
  pages: number;
  /** The `updated_since` that was asked for, if any. */
  updatedSince?: Date;
}

function syncStateKey(baseUrl: string): string {
  return `registry-sync:${baseUrl.replace(/\/+$/, '')}`;
}

/**
 * Fetches the registry (everything, or what changed since the last sync), stores every server's metadata,
 * and remembers when this sync started so that the next `since: 'auto'` asks only for what changed after.
 */
export async function syncRegistry(orm: Orm, options: RegistrySyncOptions = {}): Promise<RegistrySync> {
  const now = options.now ?? (() => new Date());
  const baseUrl = options.baseUrl ?? DEFAULT_REGISTRY_URL;
  const key = syncStateKey(baseUrl);
  const startedAt = now();
  let updatedSince = options.since instanceof Date ? options.since : options.updatedSince;
  if (options.since === 'auto') {
    const state = await getState<{ lastSyncAt?: string }>(orm, key);
    updatedSince = state?.lastSyncAt ? new Date(state.lastSyncAt) : undefined;
  }
  const listing = await fetchRegistry({ ...options, baseUrl, updatedSince });
  const servers = latestVersions(listing.entries).map((entry) => mapRegistryEntry(entry, options));
  await upsertServers(orm, servers.map((s) => s.server), startedAt);
  await setState(orm, key, { lastSyncAt: startedAt.toISOString(), servers: servers.length, problems: listing.problems.length }, startedAt);
  return { servers, problems: listing.problems, pages: listing.pages, updatedSince };
}
