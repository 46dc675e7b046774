import type { ServerInput } from '../db/index.ts';

export const REMOTE_TRANSPORTS = ['streamable-http', 'sse', 'auto'] as const;
export type RemoteTransport = (typeof REMOTE_TRANSPORTS)[number];

/** A local command spoken to over stdio. */
export interface StdioTarget {
  kind: 'stdio';
  serverId: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  /** From the bundled default servers file: may run with a warning where bwrap is unavailable. */
  bundled?: boolean;
}

/** An npm package installed into the crawler's cache and run over stdio. */
export interface NpmTarget {
  kind: 'npm';
  serverId: string;
  package: string;
  /** An exact version or a range; undefined means the latest. */
  version?: string;
  args: string[];
  env: Record<string, string>;
  /** Names of the environment variables and arguments that were given fake placeholder values. */
  placeholders: string[];
  /** From the bundled default servers file: may run with a warning where bwrap is unavailable. */
  bundled?: boolean;
}

/** A server reached over HTTP. */
export interface RemoteTarget {
  kind: 'remote';
  serverId: string;
  url: string;
  transport: RemoteTransport;
  headers: Record<string, string>;
}

/**
 * A way of reaching the server that cannot be tried: a runtime this crawler does not run (pypi, oci, nuget,
 * mcpb, none listed), or a URL that needs values only the user has. Its outcome is known without trying.
 */
export interface UnrunnableTarget {
  kind: 'unrunnable';
  serverId: string;
  /** e.g. `pypi:mcp-aiven@0.1.4`, or `none`. */
  label: string;
  outcome: 'unsupported_runtime' | 'needs_config';
  reason: string;
}

export type CrawlTarget = StdioTarget | NpmTarget | RemoteTarget | UnrunnableTarget;

/** A server as a source describes it, with every way of reaching it, best first. */
export interface SourcedServer {
  server: ServerInput;
  targets: CrawlTarget[];
}

/** The text stored as the attempt's `target`: which way of reaching the server was tried. */
export function targetLabel(target: CrawlTarget): string {
  switch (target.kind) {
    case 'stdio':
      return `stdio:${[target.command, ...target.args].join(' ')}`;
    case 'npm':
      return `npm:${target.package}${target.version ? `@${target.version}` : ''}`;
    case 'remote':
      return `${target.transport}:${target.url}`;
    case 'unrunnable':
      return target.label;
  }
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
  return `TOOLRISK_PLACEHOLDER_${name.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '')}`;
}
