/**
 * Which catalogue server a configured MCP server is: both sides are reduced to match keys — `npm:<package>`,
 * `pypi:<normalised name>`, `oci:<image>` and `url:<host><path>` — and a server matches when a key is shared.
 */

export interface Launch {
  command?: string;
  args: readonly string[];
  url?: string;
}

/** The keys of a server as a client configuration starts it. */
export function launchKeys(launch: Launch): string[] {
  const keys: string[] = [];
  if (launch.url) keys.push(...urlKey(launch.url));
  if (launch.command) keys.push(...commandKeys(launch.command, launch.args));
  return [...new Set(keys)];
}

/** The keys of a catalogue server: its id (`npm:x`, `url:host/path` from a servers file), packages and remotes. */
export function catalogueKeys(server: { id: string; packages: readonly unknown[]; remotes: readonly unknown[] }): string[] {
  const keys: string[] = [];
  const idKind = /^(npm|pypi|oci|url):(.+)$/.exec(server.id);
  if (idKind) keys.push(...(idKind[1] === 'url' ? urlKey(`https://${idKind[2]}`) : packageKey(idKind[1], idKind[2])));
  for (const p of server.packages) {
    if (!isRecord(p)) continue;
    const registry = p.registryType ?? p.registry_name ?? p.registry_type;
    const identifier = p.identifier ?? p.name;
    if (typeof registry === 'string' && typeof identifier === 'string') keys.push(...packageKey(registry, identifier));
  }
  for (const r of server.remotes) if (isRecord(r) && typeof r.url === 'string') keys.push(...urlKey(r.url));
  return [...new Set(keys)];
}

function packageKey(registry: string, identifier: string): string[] {
  switch (registry) {
    case 'npm': {
      const name = npmName(identifier);
      return name ? [`npm:${name}`] : [];
    }
    case 'pypi': {
      const name = pypiName(identifier);
      return name ? [`pypi:${name}`] : [];
    }
    case 'oci':
    case 'docker': {
      const image = ociImage(identifier);
      return image ? [`oci:${image}`] : [];
    }
    default:
      return [];
  }
}

/** Host and path, without scheme, query, fragment or trailing slash; the host lowercase. */
function urlKey(text: string): string[] {
  if (!URL.canParse(text)) return [];
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return [];
  return [`url:${url.host}${url.pathname.replace(/\/+$/, '')}`];
}

/** `@scope/name@1.2.3` or `name@latest` → the package name; null when it is not one. */
export function npmName(spec: string): string | null {
  const match = /^(@[a-z0-9][\w.-]*\/[a-z0-9][\w.-]*|[a-z0-9][\w.-]*)(?:@.*)?$/i.exec(spec.trim());
  return match ? match[1].toLowerCase() : null;
}

/** PEP 503: lowercase, runs of `-`, `_` and `.` as one `-`; a version, extras or URL part are dropped. */
export function pypiName(spec: string): string | null {
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)(?:\[[^\]]*\])?(?:\s*(?:[=<>!~@].*))?$/.exec(spec.trim());
  return match ? match[1].toLowerCase().replace(/[-_.]+/g, '-') : null;
}

/** `docker.io/library/x:tag@sha256:…` → `x`; `ghcr.io/o/x:1` → `ghcr.io/o/x`. */
function ociImage(reference: string): string | null {
  let image = reference
    .trim()
    .toLowerCase()
    .replace(/@sha256:[a-f0-9]+$/, '');
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (colon > lastSlash) image = image.slice(0, colon);
  image = image.replace(/^(?:docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
  return /^[a-z0-9][a-z0-9._/:-]*$/.test(image) ? image : null;
}

// Package runners and the options of theirs that take a value (so the value is not taken for the package).
const NPX_VALUE_OPTIONS = new Set(['-p', '--package', '-c', '--call', '--registry', '--cache', '--userconfig', '-w', '--workspace']);
const UVX_VALUE_OPTIONS = new Set([
  '--from',
  '--with',
  '--with-requirements',
  '--python',
  '-p',
  '--index',
  '--index-url',
  '--extra-index-url',
  '--default-index',
  '--directory',
  '--cache-dir',
  '--config-file',
  '--constraints',
  '--overrides',
  '--env-file',
]);
const DOCKER_VALUE_OPTIONS = new Set([
  '-e',
  '--env',
  '--env-file',
  '-v',
  '--volume',
  '--mount',
  '--name',
  '-p',
  '--publish',
  '--network',
  '--net',
  '-w',
  '--workdir',
  '-u',
  '--user',
  '--entrypoint',
  '-l',
  '--label',
  '--platform',
  '--pull',
  '--add-host',
  '--cpus',
  '-m',
  '--memory',
  '--device',
  '--cap-add',
  '--cap-drop',
  '--security-opt',
  '--tmpfs',
  '--ulimit',
  '-h',
  '--hostname',
  '--restart',
  '--log-driver',
  '--log-opt',
  '--gpus',
  '--ipc',
  '--pid',
  '--runtime',
  '--shm-size',
]);

/** The program's own name: `/usr/bin/npx`, `npx.cmd` and `C:\…\npx.exe` are all `npx`. */
function programName(command: string): string {
  return (command.split(/[\\/]/).pop() ?? command).toLowerCase().replace(/\.(?:cmd|exe|bat|ps1)$/, '');
}

function commandKeys(command: string, args: readonly string[]): string[] {
  // A whole command line in `command` (`"npx -y pkg"`) is split on spaces; quoting in it is not interpreted.
  const words = args.length === 0 && /\s/.test(command.trim()) ? command.trim().split(/\s+/) : [command, ...args];
  let [program, ...rest] = words;
  let name = programName(program);
  // `cmd /c npx …` (Windows configurations) runs the rest.
  if (name === 'cmd' && rest[0] && /^\/c$/i.test(rest[0])) {
    [program, ...rest] = rest.slice(1);
    if (program === undefined) return [];
    name = programName(program);
  }
  if (name === 'npx' || name === 'bunx') return npxKeys(rest);
  if ((name === 'pnpm' || name === 'yarn' || name === 'bun') && (rest[0] === 'dlx' || rest[0] === 'x')) return npxKeys(rest.slice(1));
  if (name === 'npm' && (rest[0] === 'exec' || rest[0] === 'x')) return npxKeys(rest.slice(1));
  if (name === 'uvx') return uvxKeys(rest);
  if (name === 'uv' && rest[0] === 'tool' && rest[1] === 'run') return uvxKeys(rest.slice(2));
  if (name === 'pipx' && rest[0] === 'run') return uvxKeys(rest.slice(1));
  if ((name === 'docker' || name === 'podman') && rest[0] === 'run') return dockerKeys(rest.slice(1));
  return [];
}

function npxKeys(args: readonly string[]): string[] {
  let packageOption: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    const [flag, inline] = splitOption(arg);
    if (flag === '-p' || flag === '--package') packageOption ??= inline ?? args[++i];
    else if (NPX_VALUE_OPTIONS.has(flag) && inline === undefined) i++;
    else if (!arg.startsWith('-')) positional.push(...args.slice(i));
    if (positional.length > 0) break;
  }
  const keys: string[] = [];
  const name = npmName(packageOption ?? positional[0] ?? '');
  if (name) keys.push(`npm:${name}`);
  // `npx mcp-remote https://…` connects to a remote server: match the remote too.
  if (name === 'mcp-remote' && positional.length > 0) keys.push(...urlKey(positional.find((a) => /^https?:\/\//.test(a)) ?? ''));
  return keys;
}

function uvxKeys(args: readonly string[]): string[] {
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = splitOption(args[i]);
    if (flag === '--from') {
      const name = pypiName(inline ?? args[i + 1] ?? '');
      return name ? [`pypi:${name}`] : [];
    }
    if (UVX_VALUE_OPTIONS.has(flag) && inline === undefined) i++;
    else if (!args[i].startsWith('-')) {
      const name = pypiName(args[i]);
      return name ? [`pypi:${name}`] : [];
    }
  }
  return [];
}

function dockerKeys(args: readonly string[]): string[] {
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = splitOption(args[i]);
    if (DOCKER_VALUE_OPTIONS.has(flag) && inline === undefined) i++;
    else if (!args[i].startsWith('-')) {
      const image = ociImage(args[i]);
      return image ? [`oci:${image}`] : [];
    }
  }
  return [];
}

function splitOption(arg: string): [string, string | undefined] {
  const at = arg.startsWith('--') ? arg.indexOf('=') : -1;
  return at > 0 ? [arg.slice(0, at), arg.slice(at + 1)] : [arg, undefined];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
