import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import semver from 'semver';
import type { PackageInfo } from '../db/index.ts';
import { CrawlError } from './errors.ts';
import { npmNameProblem, npmVersionProblem } from './package-specs.ts';
import { packageInfoOf } from './package-info.ts';

const run = promisify(execFile);

/** `@scope/name@1.2.3`, `name@^1`, `name` → name and version (undefined for the latest); anything else throws. */
export function parseNpmSpec(spec: string): { name: string; version?: string } {
  const at = spec.lastIndexOf('@');
  const name = at > 0 ? spec.slice(0, at) : spec;
  const version = at > 0 ? spec.slice(at + 1) : undefined;
  const problem = npmNameProblem(name) ?? npmVersionProblem(version);
  if (problem) throw new Error(problem);
  return { name, version: version || undefined };
}

/**
 * TOOLRISK_NPM_CACHE, else ~/.cache/toolrisk/npm. As root the sandboxed server runs as a throwaway user
 * that cannot enter /root, so root's cache lives in /var/cache/toolrisk/npm instead.
 */
export function defaultNpmCacheDir(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.()): string {
  if (env.TOOLRISK_NPM_CACHE) return path.resolve(env.TOOLRISK_NPM_CACHE);
  if (uid === 0) return '/var/cache/toolrisk/npm';
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'toolrisk', 'npm');
}

export interface NpmCacheOptions {
  /** Where installed packages are kept, one folder per package and version. Outside the project. */
  cacheDir?: string;
  npmCommand?: string;
  /** The npm registry to install from (npm's own configuration when unset). */
  registryUrl?: string;
  installTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface InstalledPackage {
  /** The folder holding node_modules/<package>. */
  dir: string;
  packageDir: string;
  version: string;
  /** How to start its bin. */
  command: string;
  args: string[];
  /** The package's `engines.node`, if it declares one. */
  nodeEngines?: string;
  /** What the npm registry says of this version. */
  info: PackageInfo;
}

/**
 * Installs `<name>@<version>` with `npm install --ignore-scripts` into its own cache folder (reused when
 * present) and resolves its bin. A range or no version is first resolved to the exact version the npm
 * registry has now, so a floating entry follows new releases while each release is installed once.
 */
export async function installNpmPackage(name: string, version: string | undefined, options: NpmCacheOptions = {}): Promise<InstalledPackage> {
  const problem = npmNameProblem(name) ?? npmVersionProblem(version);
  if (problem) throw new CrawlError('refused_by_policy', `Not installing: ${problem}.`);
  const cacheDir = options.cacheDir ?? defaultNpmCacheDir();
  const exact = version !== undefined && semver.valid(version) ? version : await resolveVersion(name, version ?? 'latest', options);
  const spec = `${name}@${exact}`;
  const dir = path.join(cacheDir, spec.replace(/\//g, '__'));
  if (!existsSync(path.join(dir, '.complete'))) await install(name, exact, dir, cacheDir, options);
  return resolveBin(dir, name);
}

/** npm's own options for every call: the registry to use, if one was given. */
function npmArgs(options: NpmCacheOptions): string[] {
  return options.registryUrl ? [`--registry=${options.registryUrl}`] : [];
}

/** The newest version matching `range`, as `npm view` reports it. */
export async function resolveVersion(name: string, range: string, options: NpmCacheOptions = {}): Promise<string> {
  let stdout: string;
  try {
    ({ stdout } = await run(options.npmCommand ?? 'npm', ['view', ...npmArgs(options), '--json', '--', `${name}@${range}`, 'version'], {
      timeout: 60_000,
      signal: options.signal,
      maxBuffer: 4 * 1024 * 1024,
    }));
  } catch (error) {
    throw npmFailure(error, `npm view ${name}@${range}`, 60_000, { name, range });
  }
  let found: unknown;
  try {
    found = stdout.trim() ? JSON.parse(stdout) : undefined;
  } catch {
    throw new CrawlError('install_failed', `npm view ${name}@${range} printed something other than JSON`);
  }
  const versions = (Array.isArray(found) ? found : [found]).filter((v): v is string => typeof v === 'string');
  const newest = versions.at(-1);
  if (!newest || !semver.valid(newest)) throw new CrawlError('version_not_found', `npm has no version of ${name} matching ${JSON.stringify(range)}`);
  return newest;
}

/** What a failed npm command means: the package or version does not exist, the limit killed it, or it failed. */
function npmFailure(error: unknown, what: string, limitMs: number, spec: { name: string; range: string }): CrawlError {
  const failed = error as { stderr?: unknown; killed?: boolean; signal?: string; code?: unknown };
  if (failed.killed && failed.signal === 'SIGTERM') {
    return new CrawlError('install_timeout', `${what} did not finish within ${limitMs / 1000} s (limit installTimeoutMs) and was stopped`, { limitMs });
  }
  const stderr = String(failed.stderr ?? '').trim();
  const text = `${what} failed: ${stderr || (error as Error).message}`.slice(0, 4000);
  if (/\bETARGET\b|No matching version found|No match found for version/i.test(stderr)) {
    return new CrawlError('version_not_found', `npm has no version of ${spec.name} matching ${JSON.stringify(spec.range)}. (${text})`);
  }
  if (/\bE404\b|404 Not Found/.test(stderr)) {
    // A 404 for a dependency is the dependency's problem: name it, but as a failed install.
    const missing = /404 Not Found - GET \S*\/((?:@[^/\s]+(?:\/|%2f))?[^/\s]+)\s/i.exec(stderr)?.[1]?.replace(/%2f/i, '/');
    if (!missing || missing === spec.name) return new CrawlError('package_not_found', `npm has no package ${spec.name}. (${text})`);
    return new CrawlError('install_failed', `a dependency of ${spec.name}, ${missing}, is not on npm. (${text})`);
  }
  return new CrawlError('install_failed', text);
}

async function install(name: string, version: string, dir: string, cacheDir: string, options: NpmCacheOptions): Promise<void> {
  const spec = `${name}@${version}`;
  const limitMs = options.installTimeoutMs ?? 300_000;
  await mkdir(cacheDir, { recursive: true, mode: 0o755 });
  // Install beside the final folder and rename, so that concurrent runs never see a half-installed package.
  const staging = await mkdtemp(path.join(cacheDir, '.staging-'));
  try {
    // mkdtemp makes it private; the sandboxed server may run as another user and must read it.
    await chmod(staging, 0o755);
    try {
      await run(
        options.npmCommand ?? 'npm',
        [
          'install',
          ...npmArgs(options),
          '--ignore-scripts',
          '--no-audit',
          '--no-fund',
          '--no-package-lock',
          '--loglevel=error',
          '--prefix',
          staging,
          '--',
          spec,
        ],
        { timeout: limitMs, signal: options.signal, maxBuffer: 4 * 1024 * 1024, cwd: staging },
      );
    } catch (error) {
      throw npmFailure(error, `npm install ${spec}`, limitMs, { name, range: version });
    }
    // npm can exit 0 without the package (a broken tarball, an interrupted extract): never cache that as complete.
    const manifestPath = path.join(staging, 'node_modules', name, 'package.json');
    if (!existsSync(manifestPath)) throw new CrawlError('install_failed', `npm install ${spec} finished, but node_modules/${name}/package.json is missing`);
    const manifest: unknown = JSON.parse(await readFile(manifestPath, 'utf8'));
    const publishedAt = await publishTime(name, version, options);
    await writeFile(path.join(staging, INFO_FILE), JSON.stringify(packageInfoOf('npm', name, version, manifest, publishedAt)));
    await (await open(path.join(staging, '.complete'), 'w')).close();
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (existsSync(path.join(dir, '.complete'))) return; // another run installed it meanwhile
    if (error instanceof CrawlError) throw error;
    throw new CrawlError('install_failed', `npm install ${spec} failed: ${(error as Error).message}`.slice(0, 4000));
  }
}

const INFO_FILE = '.package-info.json';

/** When this version was published, from the packument's `time` (best effort: no date is not a failure). */
async function publishTime(name: string, version: string, options: NpmCacheOptions): Promise<string | undefined> {
  try {
    const { stdout } = await run(options.npmCommand ?? 'npm', ['view', ...npmArgs(options), '--json', '--', `${name}@${version}`, 'time'], {
      timeout: 30_000,
      signal: options.signal,
      maxBuffer: 16 * 1024 * 1024,
    });
    const time = JSON.parse(stdout) as Record<string, unknown>;
    return typeof time?.[version] === 'string' ? (time[version] as string) : undefined;
  } catch {
    return undefined;
  }
}

async function resolveBin(dir: string, name: string): Promise<InstalledPackage> {
  const packageDir = path.join(dir, 'node_modules', name);
  const manifest = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as {
    version?: string;
    bin?: string | Record<string, string>;
    engines?: { node?: unknown };
  };
  const info = JSON.parse(await readFile(path.join(dir, INFO_FILE), 'utf8').catch(() => 'null')) as PackageInfo | null;
  const bins = typeof manifest.bin === 'string' ? { [name]: manifest.bin } : (manifest.bin ?? {});
  const entries = Object.entries(bins);
  if (entries.length === 0) {
    throw new CrawlError('unsupported_runtime', `the npm package ${name} has no bin to start (package.json has no "bin")`);
  }
  const unscoped = name.split('/').pop();
  const [, relative] = entries.find(([bin]) => bin === unscoped) ?? entries[0];
  const binPath = path.resolve(packageDir, relative);
  if (!binPath.startsWith(packageDir + path.sep)) throw new CrawlError('protocol_error', `the bin of ${name} points outside its package`);
  const head = (await readFile(binPath, 'utf8')).slice(0, 200);
  const isNode = /\.[cm]?js$/.test(binPath) || /^#!.*\bnode\b/.test(head);
  const version = manifest.version ?? 'unknown';
  return {
    dir,
    packageDir,
    version,
    command: isNode ? process.execPath : binPath,
    args: isNode ? [binPath] : [],
    nodeEngines: typeof manifest.engines?.node === 'string' ? manifest.engines.node : undefined,
    info: info ?? packageInfoOf('npm', name, version, manifest, undefined),
  };
}
