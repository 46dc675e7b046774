import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PackageInfo } from '../db/index.ts';
import { installNpmPackage, type NpmCacheOptions } from './npm-cache.ts';
import { installPypiPackage, type PypiCacheOptions } from './pypi-cache.ts';
import type { NpmTarget, PackageHttp, PypiTarget } from './targets.ts';

/** How to start an installed package's server in the sandbox. */
export interface PackageLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** The installed package (and, with --node, the Node that runs it): all the server may read. */
  readablePaths: string[];
  info: PackageInfo;
  /** What the package says it needs (`engines.node`, `Requires-Python`), to explain a failed start. */
  runtime: { name: 'Node' | 'Python'; required?: string; running: string };
}

export interface PackageOptions {
  npm?: NpmCacheOptions & {
    /** The Node that runs npm servers (`--node PATH`): for packages that need a newer one than the crawler's. */
    nodePath?: string;
    /** Its version (`v22.1.0`), to check `engines.node` against. */
    nodeVersion?: string;
  };
  pypi?: PypiCacheOptions;
}

/** Installs the package (once per version) and says how to start it. */
export async function preparePackage(target: NpmTarget | PypiTarget, options: PackageOptions, signal: AbortSignal): Promise<PackageLaunch> {
  if (target.kind === 'pypi') {
    const installed = await installPypiPackage(target.package, target.version, { ...options.pypi, signal });
    return {
      command: installed.command,
      args: [...installed.args, ...target.args],
      env: target.env,
      readablePaths: [installed.dir],
      info: installed.info,
      runtime: { name: 'Python', required: installed.requiresPython, running: 'the crawler’s python3' },
    };
  }
  const installed = await installNpmPackage(target.package, target.version, { ...options.npm, signal });
  const nodePath = options.npm?.nodePath;
  const usesNode = installed.command === process.execPath;
  const launch: PackageLaunch = {
    command: usesNode && nodePath ? nodePath : installed.command,
    args: [...installed.args, ...target.args],
    env: target.env,
    readablePaths: [installed.dir, ...(usesNode && nodePath ? [path.dirname(path.dirname(nodePath))] : [])],
    info: installed.info,
    runtime: { name: 'Node', required: installed.nodeEngines, running: (usesNode && nodePath ? options.npm?.nodeVersion : undefined) ?? process.version },
  };
  return target.http ? throughRelay(launch, target.http) : launch;
}

/** The relay's folder: the one file it needs, and nothing else of the crawler, is readable in the sandbox. */
const RELAY_DIR = fileURLToPath(new URL('./http-relay/', import.meta.url));

/**
 * An HTTP server started by the relay, which the crawler speaks stdio to: the server listens on the sandbox's
 * own loopback (bwrap gives it a network namespace of its own) and reaches nothing else.
 */
function throughRelay(launch: PackageLaunch, http: PackageHttp): PackageLaunch {
  return {
    ...launch,
    command: process.execPath,
    args: [path.join(RELAY_DIR, 'relay.mjs'), http.transport, String(http.port), http.path, '--', launch.command, ...launch.args],
    readablePaths: [...launch.readablePaths, RELAY_DIR.replace(/\/$/, '')],
  };
}
