import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readFile, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { CrawlError } from './errors.ts';

const run = promisify(execFile);

/** `@scope/name@1.2.3`, `name@^1`, `name` → name and version (undefined for the latest). */
export function parseNpmSpec(spec: string): { name: string; version?: string } {
  const at = spec.lastIndexOf('@');
  const name = at > 0 ? spec.slice(0, at) : spec;
  const version = at > 0 ? spec.slice(at + 1) : undefined;
  if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(name)) throw new Error(`${JSON.stringify(spec)} is not an npm package name`);
  if (version !== undefined && !/^[\w.^~<>=| -]+$/.test(version)) throw new Error(`${JSON.stringify(version)} is not an npm version or range`);
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
}

/**
 * Installs `<name>@<version>` with `npm install --ignore-scripts` into its own cache folder (reused when
 * present) and resolves its bin. A range or no version is first resolved to the exact version the npm
 * registry has now, so a floating entry follows new releases while each release is installed once.
 */
export async function installNpmPackage(name: string, version: string | undefined, options: NpmCacheOptions = {}): Promise<InstalledPackage> {
  const cacheDir = options.cacheDir ?? defaultNpmCacheDir();
  const exact = isPinned(version) ? version : await resolveVersion(name, version ?? 'latest', options);
  const spec = `${name}@${exact}`;
  const dir = path.join(cacheDir, spec.replace(/\//g, '__'));
  if (!existsSync(path.join(dir, '.complete'))) await install(spec, dir, cacheDir, options);
  return resolveBin(dir, name);
}

/** An exact version, or a `file:` spec (tests install fixtures from a folder). */
function isPinned(version: string | undefined): version is string {
  return version !== undefined && (/^v?\d+\.\d+\.\d+(?:[-+][\w.+-]*)?$/.test(version) || version.startsWith('file:'));
}

/** The newest version matching `range`, as `npm view` reports it. */
export async function resolveVersion(name: string, range: string, options: NpmCacheOptions = {}): Promise<string> {
  let stdout: string;
  try {
    ({ stdout } = await run(options.npmCommand ?? 'npm', ['view', `${name}@${range}`, 'version', '--json'], {
      timeout: 60_000,
      signal: options.signal,
      maxBuffer: 4 * 1024 * 1024,
    }));
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new CrawlError('unreachable', `npm view ${name}@${range} failed: ${stderr || (error as Error).message}`.slice(0, 4000));
  }
  const found: unknown = stdout.trim() ? JSON.parse(stdout) : undefined;
  const versions = (Array.isArray(found) ? found : [found]).filter((v): v is string => typeof v === 'string');
  const newest = versions.at(-1);
  if (!newest || !isPinned(newest)) throw new CrawlError('unreachable', `npm has no version of ${name} matching ${JSON.stringify(range)}`);
  return newest;
}

async function install(spec: string, dir: string, cacheDir: string, options: NpmCacheOptions): Promise<void> {
  await mkdir(cacheDir, { recursive: true, mode: 0o755 });
  // Install beside the final folder and rename, so that concurrent runs never see a half-installed package.
  const staging = await mkdtemp(path.join(cacheDir, '.staging-'));
  try {
    // mkdtemp makes it private; the sandboxed server may run as another user and must read it.
    await chmod(staging, 0o755);
    await run(
      options.npmCommand ?? 'npm',
      ['install', '--ignore-scripts', '--install-links', '--no-audit', '--no-fund', '--no-package-lock', '--loglevel=error', '--prefix', staging, spec],
      { timeout: options.installTimeoutMs ?? 300_000, signal: options.signal, maxBuffer: 4 * 1024 * 1024, cwd: staging },
    );
    await (await open(path.join(staging, '.complete'), 'w')).close();
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (existsSync(path.join(dir, '.complete'))) return; // another run installed it meanwhile
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new CrawlError('unreachable', `npm install ${spec} failed: ${stderr || (error as Error).message}`.slice(0, 4000));
  }
}

async function resolveBin(dir: string, name: string): Promise<InstalledPackage> {
  const packageDir = path.join(dir, 'node_modules', name);
  const manifest = JSON.parse(await readFile(path.join(packageDir, 'package.json'), 'utf8')) as {
    version?: string;
    bin?: string | Record<string, string>;
  };
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
  return {
    dir,
    packageDir,
    version: manifest.version ?? 'unknown',
    command: isNode ? process.execPath : binPath,
    args: isNode ? [binPath] : [],
  };
}
