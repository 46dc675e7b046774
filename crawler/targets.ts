import type { ServerInput } from '../db/index.ts';

export const REMOTE_TRANSPORTS = ['streamable-http', 'sse', 'auto'] as const;
export type RemoteTransport = (typeof REMOTE_TRANSPORTS)[number];

/** A local command spoken to over stdio. */
export interface StdioTarget extends TargetBase {
  kind: 'stdio';
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** From the bundled default servers file: may run with a warning where bwrap is unavailable. */
  bundled?: boolean;
}

/** What every target may carry: a label that tells it apart from another target of the same server. */
interface TargetBase {
  serverId: string;
  /** Overrides the computed label (see distinctLabels). */
  label?: string;
}

/** An npm package installed into the crawler's cache and run over stdio. */
export interface NpmTarget extends TargetBase {
  kind: 'npm';
  package: string;
  /** An exact version or a range; undefined means the latest. */
  version?: string;
  args: string[];
  env: Record<string, string>;
  /** Names of the environment variables and arguments that were given fake placeholder values. */
  placeholders: string[];
  /** From the bundled default servers file: may run with a warning where bwrap is unavailable. */
  bundled?: boolean;
  /**
   * Set for a package that serves Streamable HTTP or SSE instead of stdio: the port and path it listens on
   * inside the sandbox (whose loopback is its own), reached through the relay (crawler/http-relay).
   */
  http?: PackageHttp;
}

export interface PackageHttp {
  transport: 'streamable-http' | 'sse';
  port: number;
  path: string;
}

/** A PyPI package installed into a cached virtual environment and run over stdio, sandboxed like npm packages. */
export interface PypiTarget extends TargetBase {
  kind: 'pypi';
  package: string;
  /** An exact version; undefined means the latest. */
  version?: string;
  args: string[];
  env: Record<string, string>;
  placeholders: string[];
}

/** A server reached over HTTP. */
export interface RemoteTarget extends TargetBase {
  kind: 'remote';
  url: string;
  transport: RemoteTransport;
  headers: Record<string, string>;
}

/**
 * A way of reaching the server that cannot be tried: a runtime this crawler does not run (pypi, oci, nuget,
 * mcpb, none listed), or a URL that needs values only the user has. Its outcome is known without trying.
 */
export interface UnrunnableTarget extends TargetBase {
  kind: 'unrunnable';
  /** e.g. `oci:ghcr.io/x/y:1`, or `none`. */
  label: string;
  outcome: 'unsupported_runtime' | 'needs_config' | 'refused_by_policy';
  reason: string;
}

export type CrawlTarget = StdioTarget | NpmTarget | PypiTarget | RemoteTarget | UnrunnableTarget;

/** A server as a source describes it, with every way of reaching it, best first. */
export interface SourcedServer {
  server: ServerInput;
  targets: CrawlTarget[];
}

/** The text stored as the attempt's `target`: which way of reaching the server was tried. */
/** The targets a crawl tries, in order: the runnable ones; the unrunnable ones (recorded as such) only when there is nothing else. */
export function targetsToTry<T extends CrawlTarget>(targets: readonly T[]): readonly T[] {
  const runnable = targets.filter((t) => t.kind !== 'unrunnable');
  return runnable.length > 0 ? runnable : targets;
}

export function targetLabel(target: CrawlTarget): string {
  if (target.label !== undefined) return target.label;
  switch (target.kind) {
    case 'stdio':
      return `stdio:${[target.command, ...target.args].join(' ')}`;
    case 'npm':
    case 'pypi':
      return `${target.kind}:${target.package}${target.version ? `@${target.version}` : ''}`;
    case 'remote': {
      // The same URL with and without a header is two ways of reaching the server, recorded apart.
      const headers = Object.keys(target.headers).sort();
      return `${target.transport}:${target.url}${headers.length > 0 ? ` [${headers.join(', ')}]` : ''}`;
    }
    case 'unrunnable':
      return target.label;
  }
}

/**
 * The targets with labels that differ from each other: an attempt is stored per run, server and label,
 * so two targets with one label would overwrite each other's record. Later ones get ` #2`, ` #3`, ….
 */
export function distinctLabels<T extends CrawlTarget>(targets: readonly T[]): T[] {
  const seen = new Map<string, number>();
  return targets.map((target) => {
    const label = targetLabel(target);
    const count = (seen.get(label) ?? 0) + 1;
    seen.set(label, count);
    return count === 1 ? target : { ...target, label: `${label} #${count}` };
  });
}

/** The host a remote target talks to, for per-host limits and the host policy; undefined for local targets. */
export function targetHost(target: CrawlTarget): string | undefined {
  if (target.kind !== 'remote') return undefined;
  try {
    return new URL(target.url).hostname;
  } catch {
    return undefined;
  }
}

/** The placeholder given to a required environment variable or argument: obviously fake, never a real value. */
export function placeholderFor(name: string): string {
  return `TOOLRISK_PLACEHOLDER_${name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_|_$/g, '')}`;
}
