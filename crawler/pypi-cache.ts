import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { PackageInfo } from '../db/index.ts';
import { CrawlError } from './errors.ts';
import { packageInfoOf } from './package-info.ts';
import { normalizePypiName, pypiNameProblem, pypiVersionProblem } from './package-specs.ts';

const run = promisify(execFile);

export interface PypiCacheOptions {
  /** Where virtual environments are kept, one per package and version. */
  cacheDir?: string;
  /** The Python that creates the environments; it must live where the sandbox can read it (/usr). */
  python?: string;
  /** A PEP 503 simple index; when set, pip's own configuration is ignored. Unset: pip's configuration decides. */
  indexUrl?: string;
  installTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface InstalledPypiPackage {
  /** The virtual environment. */
  dir: string;
  version: string;
  command: string;
  args: string[];
  /** `Requires-Python`, if the package declares one. */
  requiresPython?: string;
  info: PackageInfo;
}

/** TOOLRISK_PYPI_CACHE, else beside the npm cache (/var/cache/toolrisk/pypi as root, ~/.cache/toolrisk/pypi otherwise). */
export function defaultPypiCacheDir(env: NodeJS.ProcessEnv = process.env, uid = process.getuid?.()): string {
  if (env.TOOLRISK_PYPI_CACHE) return path.resolve(env.TOOLRISK_PYPI_CACHE);
  if (uid === 0) return '/var/cache/toolrisk/pypi';
  return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'toolrisk', 'pypi');
}

function defaultPython(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

const INFO_FILE = '.package-info.json';
const ENTRY_FILE = '.entry-point.json';

/**
 * Installs `<name>==<version>` (the latest when no version is given) into a virtual environment of its own,
 * once per name and version, from wheels only: an sdist would run its build code on this machine, outside
 * any sandbox, so a package without a wheel fails with `install_failed`. Returns how to start its console
 * script: the one named like the package, else the first.
 */
export async function installPypiPackage(name: string, version: string | undefined, options: PypiCacheOptions = {}): Promise<InstalledPypiPackage> {
  const problem = pypiNameProblem(name) ?? pypiVersionProblem(version);
  if (problem) throw new CrawlError('refused_by_policy', `Not installing: ${problem}.`);
  const cacheDir = options.cacheDir ?? defaultPypiCacheDir();
  const pinned = version && version !== 'latest' ? version : undefined;
  if (pinned) {
    const dir = path.join(cacheDir, `${normalizePypiName(name)}@${pinned}`);
    if (existsSync(path.join(dir, '.complete'))) return readInstalled(dir);
  }
  return install(name, pinned, cacheDir, options);
}

async function install(name: string, version: string | undefined, cacheDir: string, options: PypiCacheOptions): Promise<InstalledPypiPackage> {
  const spec = version ? `${name}==${version}` : name;
  const limitMs = options.installTimeoutMs ?? 300_000;
  const began = Date.now();
  const left = () => Math.max(1_000, limitMs - (Date.now() - began));
  await mkdir(cacheDir, { recursive: true, mode: 0o755 });
  const staging = await mkdtemp(path.join(cacheDir, '.staging-'));
  try {
    await chmod(staging, 0o755);
    const exec = async (command: string, args: string[], what: string) => {
      try {
        return await run(command, args, { timeout: left(), signal: options.signal, maxBuffer: 4 * 1024 * 1024, env: pipEnv(options.indexUrl !== undefined) });
      } catch (error) {
        throw pipFailure(error, what, limitMs, name, version);
      }
    };
    const system = options.python ?? defaultPython();
    // The system's pip installs into the environment (`pip --python`, pip >= 22.3): no copy of pip in every
    // environment, and no ensurepip run, which takes most of the time. Without a system pip, the environment gets its own.
    const systemPip = await hasPip(system);
    await exec(system, ['-m', 'venv', ...(systemPip ? ['--without-pip'] : []), staging], `python3 -m venv for ${spec}`);
    const python = path.join(staging, 'bin', 'python');
    const index = options.indexUrl ? ['--index-url', options.indexUrl] : [];
    const pip = systemPip ? ([system, ['-m', 'pip', '--python', python]] as const) : ([python, ['-m', 'pip']] as const);
    await exec(
      pip[0],
      [...pip[1], 'install', '--no-input', '--disable-pip-version-check', '--no-cache-dir', '--only-binary=:all:', ...index, '--', spec],
      `pip install ${spec}`,
    );
    const distInfo = await findDistInfo(staging, name);
    if (!distInfo) throw new CrawlError('install_failed', `pip install ${spec} finished, but ${name} is not in the environment`);
    const metadata = parseMetadata(await readFile(path.join(distInfo, 'METADATA'), 'utf8'));
    const installedVersion = metadata.get('version')?.[0] ?? version ?? 'unknown';
    const entry = consoleScript(await readFile(path.join(distInfo, 'entry_points.txt'), 'utf8').catch(() => ''), name);
    if (!entry) throw new CrawlError('unsupported_runtime', `the PyPI package ${name} has no console script to start (no [console_scripts] entry point)`);
    await writeFile(path.join(staging, ENTRY_FILE), JSON.stringify({ ...entry, requiresPython: metadata.get('requires-python')?.[0] }));
    await writeFile(path.join(staging, INFO_FILE), JSON.stringify(packageInfoOf('pypi', name, installedVersion, manifestOf(metadata), undefined)));
    await (await open(path.join(staging, '.complete'), 'w')).close();
    const dir = path.join(cacheDir, `${normalizePypiName(name)}@${installedVersion}`);
    if (existsSync(path.join(dir, '.complete'))) {
      await rm(staging, { recursive: true, force: true });
      return readInstalled(dir);
    }
    await rm(dir, { recursive: true, force: true });
    // The environment's own scripts name the staging folder; they are never run (see readInstalled), so moving it is safe.
    await rename(staging, dir);
    return readInstalled(dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (error instanceof CrawlError) throw error;
    throw new CrawlError('install_failed', `installing ${spec} failed: ${(error as Error).message}`.slice(0, 4000));
  }
}

const pipVersions = new Map<string, Promise<boolean>>();

/** Whether this python has a pip that can install into another environment (`--python`, pip 22.3 or newer). */
function hasPip(python: string): Promise<boolean> {
  let known = pipVersions.get(python);
  if (!known) {
    known = run(python, ['-m', 'pip', '--version'], { timeout: 30_000, env: pipEnv(false) }).then(
      ({ stdout }) => {
        const [major, minor] = (/^pip (\d+)\.(\d+)/.exec(stdout) ?? []).slice(1).map(Number);
        return major > 22 || (major === 22 && minor >= 3);
      },
      () => false,
    );
    pipVersions.set(python, known);
  }
  return known;
}

/**
 * pip's environment: only what pip needs (proxies and pip's own settings), never the crawler's other
 * variables. With an index URL of ours, pip reads no configuration file at all (PIP_CONFIG_FILE=/dev/null,
 * as pip documents), so no configured extra index or find-links adds packages from elsewhere.
 */
function pipEnv(ownIndex: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, PIP_DISABLE_PIP_VERSION_CHECK: '1', PYTHONDONTWRITEBYTECODE: '1' };
  const inherited = [
    'http_proxy',
    'https_proxy',
    'no_proxy',
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'NO_PROXY',
    ...(ownIndex ? [] : ['PIP_CONFIG_FILE', 'PIP_INDEX_URL', 'PIP_EXTRA_INDEX_URL', 'PIP_FIND_LINKS']),
  ];
  for (const key of inherited) if (process.env[key] !== undefined) env[key] = process.env[key];
  if (ownIndex) env.PIP_CONFIG_FILE = os.devNull;
  return env;
}

function pipFailure(error: unknown, what: string, limitMs: number, name: string, version: string | undefined): CrawlError {
  const failed = error as { stderr?: unknown; killed?: boolean; signal?: string };
  if (failed.killed && failed.signal === 'SIGTERM') {
    return new CrawlError('install_timeout', `${what} did not finish within ${limitMs / 1000} s (limit installTimeoutMs) and was stopped`, { limitMs });
  }
  const stderr = String(failed.stderr ?? '').trim();
  const text = `${what} failed: ${stderr.split('\n').slice(-6).join('\n') || (error as Error).message}`.slice(0, 4000);
  const versions = /Could not find a version that satisfies the requirement (\S+) \(from versions: ([^)]*)\)/.exec(stderr);
  if (versions && normalizePypiName(versions[1].split(/[=<>!~]/)[0]) === normalizePypiName(name)) {
    if (versions[2].trim() === 'none') return new CrawlError('package_not_found', `the package index has no wheel of ${name}. (${text})`);
    return new CrawlError(
      'version_not_found',
      `the package index has no wheel of ${name} ${version ?? ''} (it has ${versions[2].trim().slice(0, 200)}). (${text})`,
    );
  }
  return new CrawlError('install_failed', text);
}

async function findDistInfo(venv: string, name: string): Promise<string | undefined> {
  const lib = path.join(venv, 'lib');
  for (const pythonDir of await readdir(lib).catch(() => [])) {
    const sitePackages = path.join(lib, pythonDir, 'site-packages');
    for (const entry of await readdir(sitePackages).catch(() => [])) {
      const match = /^(.+)-[^-]+\.dist-info$/.exec(entry);
      if (match && normalizePypiName(match[1]) === normalizePypiName(name)) return path.join(sitePackages, entry);
    }
  }
  return undefined;
}

/** Core metadata (RFC 822 style headers): lower-cased field → values. */
function parseMetadata(text: string): Map<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') break; // the description body follows
    const match = /^([A-Za-z-]+):\s?(.*)$/.exec(line);
    if (!match) continue;
    const key = match[1].toLowerCase();
    fields.set(key, [...(fields.get(key) ?? []), match[2].trim()]);
  }
  return fields;
}

/** PyPI metadata under npm's names, for packageInfoOf. */
function manifestOf(metadata: Map<string, string[]>): Record<string, unknown> {
  const urls = (metadata.get('project-url') ?? []).map((line) => line.split(',').map((part) => part.trim()));
  const url = (pattern: RegExp) => urls.find(([label]) => pattern.test(label ?? ''))?.[1];
  return {
    description: metadata.get('summary')?.[0],
    homepage: metadata.get('home-page')?.[0] ?? url(/home/i),
    repository: url(/source|repo|code|github/i),
    license: metadata.get('license-expression')?.[0] ?? metadata.get('license')?.[0],
  };
}

interface EntryPoint {
  script: string;
  module: string;
  attribute: string;
}

function consoleScript(entryPoints: string, name: string): EntryPoint | undefined {
  const scripts: EntryPoint[] = [];
  let inSection = false;
  for (const line of entryPoints.split('\n')) {
    const section = /^\s*\[(.+)\]\s*$/.exec(line);
    if (section) inSection = section[1].trim() === 'console_scripts';
    const entry = inSection && /^\s*([\w.-]+)\s*=\s*([\w.]+)\s*:\s*([\w.]+)/.exec(line);
    if (entry) scripts.push({ script: entry[1], module: entry[2], attribute: entry[3] });
  }
  return scripts.find((s) => normalizePypiName(s.script) === normalizePypiName(name)) ?? scripts[0];
}

async function readInstalled(dir: string): Promise<InstalledPypiPackage> {
  const entry = JSON.parse(await readFile(path.join(dir, ENTRY_FILE), 'utf8')) as EntryPoint & { requiresPython?: string };
  const info = JSON.parse(await readFile(path.join(dir, INFO_FILE), 'utf8')) as PackageInfo;
  // The console script's own file names the folder it was installed in; calling its function through the
  // environment's python works wherever the environment lives. Module and attribute are checked names.
  const call = `import sys; from ${entry.module} import ${entry.attribute.split('.')[0]} as _m; sys.argv[0] = ${JSON.stringify(entry.script)}; sys.exit(${['_m', ...entry.attribute.split('.').slice(1)].join('.')}())`;
  return {
    dir,
    version: info.version,
    command: path.join(dir, 'bin', 'python'),
    args: ['-c', call],
    requiresPython: entry.requiresPython,
    info,
  };
}
