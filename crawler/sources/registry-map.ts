import { z } from 'zod';
import type { ServerInput } from '../../db/index.ts';
import { npmNameProblem, npmVersionProblem, pypiNameProblem, pypiVersionProblem } from '../package-specs.ts';
import { storable } from '../storable.ts';
import { distinctLabels, placeholderFor, type CrawlTarget, type PackageHttp, type SourcedServer } from '../targets.ts';
import { PLACEHOLDER_PORT, typedPlaceholder } from './placeholders.ts';
import { OFFICIAL, type RegistryEntry } from './registry-api.ts';

/**
 * From a registry entry to a server row and its crawl targets. Every field is checked on its own: a field
 * that is wrong is dropped and reported, and the server is kept with the rest.
 */

const inputSchema = z
  .object({
    name: z.string().min(1).optional(),
    value: z.string().optional(),
    default: z.string().optional(),
    valueHint: z.string().optional(),
    description: z.string().optional(),
    format: z.string().optional(),
    choices: z.array(z.string()).optional(),
    isRequired: z.boolean().optional(),
    isSecret: z.boolean().optional(),
  })
  .passthrough();
const argumentSchema = inputSchema.extend({ type: z.string().optional() });
const envSchema = inputSchema.extend({ name: z.string().min(1) });
type Argument = z.infer<typeof argumentSchema>;
type EnvVar = z.infer<typeof envSchema>;

const packageSchema = z
  .object({
    registryType: z.string(),
    identifier: z.string().min(1),
    version: z.string().optional(),
    transport: z.object({ type: z.string() }).passthrough().optional(),
  })
  .passthrough();
type Package = z.infer<typeof packageSchema> & { packageArguments?: Argument[]; environmentVariables?: EnvVar[] };

const remoteSchema = z.object({ type: z.string(), url: z.string().min(1) }).passthrough();
type Remote = z.infer<typeof remoteSchema> & { headers?: EnvVar[] };

/** Scalar and object fields of server.json, each checked alone. */
type OptionalServerField = 'title' | 'description' | 'version' | 'websiteUrl' | 'repository';

const SERVER_FIELDS: { [K in OptionalServerField]: z.ZodType<CheckedServer[K]> } = {
  title: z.string(),
  description: z.string(),
  version: z.string(),
  websiteUrl: z.string(),
  repository: z.record(z.string(), z.unknown()),
};

export interface CheckedServer {
  name: string;
  title?: string;
  description?: string;
  version?: string;
  websiteUrl?: string;
  repository?: Record<string, unknown>;
  packages: Package[];
  remotes: Remote[];
  /** Packages whose identifier or version may not reach npm, pip or a page: kept out of `packages`, recorded as refused. */
  refused: Array<{ label: string; reason: string }>;
}

/** Copies one optional field of the entry into `checked` if it passes its check; otherwise notes the problem. */
function checkField<K extends OptionalServerField>(server: Record<string, unknown>, field: K, checked: CheckedServer, problems: string[]): void {
  const value = server[field];
  if (value === undefined || value === null) return;
  const parsed = SERVER_FIELDS[field].safeParse(value);
  if (parsed.success) checked[field] = parsed.data;
  else problems.push(`${field}: ${parsed.error.issues[0]?.message}; dropped`);
}

/** The entry's fields that passed their checks, and a line per field that did not (dropped). */
export function checkServerFields(server: Record<string, unknown> & { name: string }): { checked: CheckedServer; problems: string[] } {
  const problems: string[] = [];
  const checked: CheckedServer = { name: server.name, packages: [], remotes: [], refused: [] };
  for (const field of Object.keys(SERVER_FIELDS) as OptionalServerField[]) checkField(server, field, checked, problems);
  checked.packages = checkedList(server.packages, 'packages', problems, (raw, at) => {
    const parsed = packageSchema.safeParse(raw);
    if (!parsed.success) return void problems.push(`${at}: ${describeIssue(parsed.error)}; dropped`);
    const pkg: Package = parsed.data;
    const problem = identifierProblem(pkg);
    if (problem) {
      problems.push(`${at}: ${problem}; dropped`);
      checked.refused.push({ label: `${pkg.registryType}:invalid identifier`, reason: `the registry's package ${problem}; it is never installed or shown` });
      return undefined;
    }
    pkg.packageArguments = checkedList(raw.packageArguments, `${at}.packageArguments`, problems, (arg, argAt) =>
      checkedItem(argumentSchema, arg, argAt, problems),
    );
    pkg.environmentVariables = checkedList(raw.environmentVariables, `${at}.environmentVariables`, problems, (env, envAt) =>
      checkedItem(envSchema, env, envAt, problems),
    );
    return pkg;
  });
  checked.remotes = checkedList(server.remotes, 'remotes', problems, (raw, at) => {
    const parsed = remoteSchema.safeParse(raw);
    if (!parsed.success) return void problems.push(`${at}: ${describeIssue(parsed.error)}; dropped`);
    const remote: Remote = parsed.data;
    remote.headers = checkedList(raw.headers, `${at}.headers`, problems, (header, headerAt) => checkedItem(envSchema, header, headerAt, problems));
    return remote;
  });
  return { checked, problems };
}

function checkedList<T>(value: unknown, at: string, problems: string[], check: (item: Record<string, unknown>, at: string) => T | undefined): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push(`${at}: not a list; dropped`);
    return [];
  }
  return value.flatMap((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push(`${at}[${index}]: not an object; dropped`);
      return [];
    }
    const kept = check(item as Record<string, unknown>, `${at}[${index}]`);
    return kept === undefined ? [] : [kept];
  });
}

function checkedItem<S extends z.ZodTypeAny>(schema: S, raw: unknown, at: string, problems: string[]): z.infer<S> | undefined {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  problems.push(`${at}: ${describeIssue(parsed.error)}; dropped`);
  return undefined;
}

function describeIssue(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? `${i.path.join('.')} ` : ''}${i.message.toLowerCase()}`).join(', ');
}

/** Why a package's identifier or version may not reach npm, pip or a page, if it may not. */
function identifierProblem(pkg: z.infer<typeof packageSchema>): string | undefined {
  if (pkg.registryType === 'npm') return npmNameProblem(pkg.identifier) ?? npmVersionProblem(pkg.version);
  if (pkg.registryType === 'pypi') return pypiNameProblem(pkg.identifier) ?? pypiVersionProblem(pkg.version);
  return undefined;
}

export interface MappedEntry extends SourcedServer {
  /** Fields dropped from this entry, each with why. */
  problems: string[];
}

/** The server row and crawl targets of one registry entry. Deleted servers get no targets. */
export function mapRegistryEntry(entry: RegistryEntry): MappedEntry {
  const { checked, problems } = checkServerFields(entry.server);
  const s = storable(checked);
  const meta = storable(entry._meta?.[OFFICIAL]);
  const status = meta?.status ?? 'active';
  const server: ServerInput = {
    id: s.name,
    title: s.title ?? null,
    description: s.description ?? null,
    repository: s.repository ?? null,
    website: s.websiteUrl ?? null,
    version: s.version ?? null,
    packages: s.packages,
    remotes: s.remotes,
    sources: ['registry'],
    status,
    sourceMeta: meta ?? null,
  };
  if (status === 'deleted') return { server, targets: [], problems };
  const runnable: CrawlTarget[] = [
    ...s.remotes.map((r) => remoteTarget(s.name, r)),
    ...s.packages.map((p) => packageTarget(s.name, p)),
    ...s.refused.map(({ label, reason }) => ({ kind: 'unrunnable' as const, serverId: s.name, label, outcome: 'refused_by_policy' as const, reason })),
  ];
  const targets: CrawlTarget[] =
    runnable.length > 0
      ? distinctLabels(runnable)
      : [
          {
            kind: 'unrunnable',
            serverId: s.name,
            label: 'none',
            outcome: 'unsupported_runtime',
            reason: 'the registry lists no package or remote for this server',
          },
        ];
  return { server, targets, problems };
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

const UNSUPPORTED: Record<string, string> = {
  oci: 'OCI images are not run by this crawler (it would need a container runtime and an image registry; see docs/crawling.md)',
  nuget: 'NuGet packages are not run by this crawler (it would need the .NET SDK and nuget.org; see docs/crawling.md)',
  mcpb: 'MCP bundles are not run by this crawler (it would need a bundle download and an MCPB host; see docs/crawling.md)',
};

function packageTarget(serverId: string, pkg: Package): CrawlTarget {
  const version = pkg.version && pkg.version !== 'latest' ? pkg.version : undefined;
  const label = `${pkg.registryType}:${pkg.identifier}${version ? `@${version}` : ''}`;
  const transport = pkg.transport?.type ?? 'stdio';
  if (pkg.registryType !== 'npm' && pkg.registryType !== 'pypi') {
    const reason = UNSUPPORTED[pkg.registryType] ?? `${JSON.stringify(pkg.registryType)} packages need a runtime this crawler does not know`;
    return { kind: 'unrunnable', serverId, label, outcome: 'unsupported_runtime', reason };
  }
  const isHttp = transport === 'streamable-http' || transport === 'sse';
  if (transport !== 'stdio' && !(pkg.registryType === 'npm' && isHttp)) {
    return {
      kind: 'unrunnable',
      serverId,
      label,
      outcome: 'unsupported_runtime',
      reason: `${pkg.registryType} packages that serve ${JSON.stringify(transport)} are not run by this crawler`,
    };
  }
  const { args, env, placeholders } = inputsOf(pkg);
  if (pkg.registryType === 'pypi') return { kind: 'pypi', serverId, package: pkg.identifier, version, args, env, placeholders };
  if (!isHttp) return { kind: 'npm', serverId, package: pkg.identifier, version, args, env, placeholders };
  const http = httpEndpoint(transport as PackageHttp['transport'], pkg.transport?.url);
  // Servers that read their port from the environment mostly read PORT.
  env.PORT ??= String(http.port);
  return { kind: 'npm', serverId, package: pkg.identifier, version, args, env, placeholders, http };
}

/**
 * Where an HTTP package listens, from its transport URL (`http://localhost:3010/mcp`, `http://127.0.0.1:{port}/sse`):
 * the URL's port, or for a `{port}` variable the port placeholder its inputs were given; the path, or the
 * transport's usual one. The host does not matter: the relay connects to the sandbox's own loopback.
 */
function httpEndpoint(transport: PackageHttp['transport'], url: unknown): PackageHttp {
  const text = typeof url === 'string' ? url : '';
  const port = Number(/^[a-z+]+:\/\/[^/:]+:(\d{2,5})(?:\/|$)/i.exec(text)?.[1] ?? PLACEHOLDER_PORT);
  const path = /^[a-z+]+:\/\/[^/]+(\/[^?#\s{}]*)/i.exec(text)?.[1] ?? (transport === 'sse' ? '/sse' : '/mcp');
  return { transport, port: port > 0 && port < 65536 ? port : Number(PLACEHOLDER_PORT), path };
}

/**
 * Arguments and environment as the registry declares them. Every input without a value or default gets a
 * typed placeholder, secret or not, required or not. Named arguments are passed as `--name value` (a name
 * published without its dashes gets them); positional ones in order.
 */
export function inputsOf(pkg: Pick<Package, 'packageArguments' | 'environmentVariables'>): {
  args: string[];
  env: Record<string, string>;
  placeholders: string[];
} {
  const placeholders: string[] = [];
  const args = (pkg.packageArguments ?? []).flatMap((arg) => {
    const flag = arg.type === 'named' && arg.name ? flagOf(arg.name) : undefined;
    const given = usable(arg.value) ?? usable(arg.default);
    // A switch nobody set stays off.
    if (flag && given === undefined && arg.format === 'boolean') return [];
    let value = given;
    if (value === undefined) {
      value = typedPlaceholder(arg);
      placeholders.push(arg.name ?? arg.valueHint ?? 'ARG');
    }
    if (!flag) return [value];
    // A value that already spells the flag (`--verbose`, `--port=3000`) is passed as it is.
    if (value === arg.name || value === flag || value.startsWith(`${flag}=`)) return [value];
    return [flag, value];
  });
  const env: Record<string, string> = {};
  for (const variable of pkg.environmentVariables ?? []) {
    const value = usable(variable.value) ?? usable(variable.default);
    if (value !== undefined) env[variable.name] = value;
    else {
      env[variable.name] = typedPlaceholder(variable);
      placeholders.push(variable.name);
    }
  }
  return { args, env, placeholders };
}

function flagOf(name: string): string {
  return name.startsWith('-') ? name : name.length === 1 ? `-${name}` : `--${name}`;
}

/** A published value, unless it is a template (`{api_key}`) that only the user can fill in. */
function usable(value: string | undefined): string | undefined {
  return value === undefined || /\{[^}]*\}/.test(value) ? undefined : value;
}
