import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { defaultDataDir } from '../../db/data-dir.ts';

/** What a stdio server sees of the host besides the system: its code, and empty stand-ins for its path arguments. */
export interface ServerView {
  /** The server's own code, bound read-only at its own path. */
  readablePaths: string[];
  /** Path arguments that are not its code: each gets an empty scratch folder (or empty file) in its place. */
  scratchPaths: string[];
}

/** Mount points of the kernel and of running services: never bound from the host. */
const HOST_MOUNTS = ['/proc', '/sys', '/dev', '/run', '/var/run'];
const SYSTEM_PREFIXES = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/etc'];

/**
 * Folders no server may see even when they hold its code: the data folder (the catalogue) and the
 * crawler's current folder (`check -- cmd` runs from anywhere, the data folder often inside it).
 */
export function offLimitsPaths(env: NodeJS.ProcessEnv = process.env): OffLimits {
  return { dataDir: real(defaultDataDir(env)), cwd: real(process.cwd()) };
}

export interface OffLimits {
  /** Never bound, nor anything holding it or inside it. */
  dataDir: string;
  /** Never bound, nor anything holding it (a folder inside it may hold a server's code). */
  cwd: string;
}

/**
 * The view of a command from a servers file or `check -- cmd`: the folder of its code (the script, or the
 * command itself when it is not an interpreter on the system), never an ancestor above the package folder,
 * never `/`, a top-level, shared, home or off-limits folder; every other existing path argument is a scratch path.
 */
export function stdioView(target: { command: string; args: string[]; cwd?: string }, env: NodeJS.ProcessEnv = process.env): ServerView {
  const base = target.cwd ?? process.cwd();
  const command = asPath(target.command, base);
  const existing = existingPaths(target.args, base);
  const code = command && existsSync(command) && !isInterpreter(command) ? command : existing.find(isFile);
  const readablePaths = code ? codeRootsOf(code, offLimitsPaths(env)) : [];
  return { readablePaths, scratchPaths: scratchPathsOf(target.args, readablePaths, base) };
}

/** The arguments naming existing paths outside the server's code: each gets an empty stand-in. */
export function scratchPathsOf(args: readonly string[], readablePaths: readonly string[], base = process.cwd()): string[] {
  return [...new Set(existingPaths(args, base).filter((p) => !readablePaths.some((root) => isWithin(p, root))))];
}

function asPath(arg: string, base: string): string | undefined {
  return !arg.startsWith('-') && (path.isAbsolute(arg) || arg.includes('/')) ? path.resolve(base, arg) : undefined;
}

function existingPaths(args: readonly string[], base: string): string[] {
  return args.map((arg) => asPath(arg, base)).filter((p): p is string => p !== undefined && existsSync(p));
}

/**
 * Why a path must not be bound into a sandbox, or undefined when it may be: `/`, the kernel's and services'
 * mount points, a top-level or world-writable folder, a home folder, or anything holding or inside an off-limits folder.
 */
export function unbindableReason(dir: string, offLimits: OffLimits = offLimitsPaths()): string | undefined {
  const resolved = real(dir);
  if (resolved === '/') return 'it is the root of the host';
  if (HOST_MOUNTS.some((mount) => isWithin(resolved, mount))) return 'it is a mount point of the kernel or of running services';
  if (path.dirname(resolved) === '/') return 'it is a top-level folder of the host';
  if (isWithin(offLimits.dataDir, resolved)) return `it is or holds the data folder ${offLimits.dataDir}`;
  if (isWithin(resolved, offLimits.dataDir)) return `it is inside the data folder ${offLimits.dataDir}`;
  if (isWithin(offLimits.cwd, resolved)) return `it is or holds the crawler's current folder ${offLimits.cwd}`;
  if (homeFolders().has(resolved)) return 'it is a home folder';
  try {
    const stat = statSync(resolved);
    if (stat.isDirectory() && (stat.mode & 0o002) !== 0) return 'it is writable by every user (a shared folder such as /tmp)';
  } catch (error) {
    return `it cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
  return undefined;
}

export function isWithin(child: string, parent: string): boolean {
  const relative = path.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * The code's folders: inside node_modules that whole node_modules folder (the package and its hoisted
 * dependencies), else the nearest folder with a package.json, else the script's folder; the first of these
 * that may be bound, or the file alone when none may (a script straight in /tmp). When the package folder
 * may not be shown (it is the current folder, or a home folder), its dependencies still are: its
 * node_modules and package.json, nothing else of it.
 */
function codeRootsOf(file: string, offLimits: OffLimits): string[] {
  const resolved = real(file);
  const bindable = (candidate: string) => unbindableReason(candidate, offLimits) === undefined;
  const parts = resolved.split(path.sep);
  const modules = parts.indexOf('node_modules');
  if (modules > 0 && bindable(parts.slice(0, modules + 1).join(path.sep))) return [parts.slice(0, modules + 1).join(path.sep)];
  const pkg = packageFolderOf(resolved);
  if (pkg && bindable(pkg)) return [pkg];
  const own = bindable(path.dirname(resolved)) ? path.dirname(resolved) : resolved;
  const dependencies = pkg ? ['node_modules', 'package.json'].map((name) => path.join(pkg, name)) : [];
  return [own, ...dependencies.filter((dep) => existsSync(dep) && !isWithin(own, dep) && bindable(dep))];
}

function packageFolderOf(file: string): string | undefined {
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
  }
  return undefined;
}

/** A program of the system or the Node running the crawler: the server's code is then its script argument. */
function isInterpreter(command: string): boolean {
  const resolved = real(command);
  return resolved === real(process.execPath) || SYSTEM_PREFIXES.some((prefix) => isWithin(resolved, prefix));
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function real(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

let homes: Set<string> | undefined;

function homeFolders(): Set<string> {
  homes ??= new Set(
    (existsSync('/etc/passwd') ? readFileSync('/etc/passwd', 'utf8') : '')
      .split('\n')
      .map((line) => line.split(':')[5])
      .filter((home): home is string => Boolean(home) && home !== '/'),
  );
  return homes;
}
