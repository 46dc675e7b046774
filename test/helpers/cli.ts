import { AsyncLocalStorage } from 'node:async_hooks';
import { Console } from 'node:console';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { runCli } from '../../cli/program.ts';
import { definedOnly, runProcess } from './processes.ts';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The installed entry point, `npx toolrisk`: the compiled CLI when it is built and current, the sources otherwise. */
export const BIN = path.join(ROOT, 'cli', 'bin.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** The whole environment the command sees, as a spawned process would (nothing of the test's own is kept). */
  env: Record<string, string | undefined>;
  cwd?: string;
}

/** What one in-process command sees as its environment and where its output goes. */
interface Command {
  env: NodeJS.ProcessEnv;
  stdout: string;
  stderr: string;
}

const current = new AsyncLocalStorage<Command>();
let previous: Promise<unknown> = Promise.resolve();

/**
 * Runs `toolrisk ARGS…` in this process, as `npx toolrisk ARGS…` would run with `options.env` as its whole
 * environment, and returns its exit code and output. Starting a real process costs a second or more of Node
 * start-up each time; the tests of the process itself (signals, the installed binary) use spawnCli.
 * Within the command (and whatever it starts), process.env, stdout, stderr and console are the command's
 * own; the test around it keeps its own. Commands run one at a time (the exit code and cwd are global).
 */
export function toolrisk(args: readonly string[], options: CliOptions): Promise<CliResult> {
  const run = previous.then(() => runInProcess(args, options));
  previous = run.catch(() => {});
  return run;
}

async function runInProcess(args: readonly string[], options: CliOptions): Promise<CliResult> {
  installRouting();
  const command: Command = { env: definedOnly(options.env), stdout: '', stderr: '' };
  const cwd = process.cwd();
  const exitCode = process.exitCode;
  const pool = freshConnectionPool();
  try {
    process.exitCode = undefined;
    if (options.cwd) process.chdir(options.cwd);
    const code = await current.run(command, () => runCli(args));
    return { code, stdout: command.stdout, stderr: command.stderr };
  } finally {
    pool.restore();
    process.chdir(cwd);
    process.exitCode = exitCode;
  }
}

/**
 * Runs `toolrisk ARGS…` as its own process (through cli/bin.js, node started with `nodeArgs`) and waits for it to exit;
 * a signal's exit is code 128.
 */
export async function spawnCli(args: readonly string[], options: CliOptions & { timeoutMs?: number; nodeArgs?: readonly string[] }): Promise<CliResult> {
  const { code, signal, stdout, stderr } = await runProcess([process.execPath, ...(options.nodeArgs ?? []), BIN, ...args], {
    env: options.env,
    cwd: options.cwd ?? ROOT,
    timeoutMs: options.timeoutMs ?? 60_000,
  });
  return { code: code ?? (signal ? 128 : -1), stdout, stderr };
}

let routed = false;

/** Once per process: process.env, stdout, stderr and console answer for the command running, if any. */
function installRouting(): void {
  if (routed) return;
  routed = true;
  const real = process.env;
  const env = () => current.getStore()?.env ?? real;
  process.env = new Proxy(real, {
    get: (_, key) => Reflect.get(env(), key),
    set: (_, key, value) => Reflect.set(env(), key, String(value)),
    has: (_, key) => Reflect.has(env(), key),
    deleteProperty: (_, key) => Reflect.deleteProperty(env(), key),
    ownKeys: () => Reflect.ownKeys(env()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(env(), key),
  });
  routeStream(process.stdout, (command, text) => (command.stdout += text));
  routeStream(process.stderr, (command, text) => (command.stderr += text));
  const testConsole = globalThis.console;
  const commandConsole = new Console({ stdout: process.stdout, stderr: process.stderr });
  globalThis.console = new Proxy(testConsole, { get: (target, key) => Reflect.get(current.getStore() ? commandConsole : target, key) });
}

/** Writes made within a command go to its output, and the stream is not a terminal for it. */
function routeStream(stream: NodeJS.WriteStream, append: (command: Command, text: string) => void): void {
  const write = stream.write.bind(stream);
  const isTTY = stream.isTTY;
  stream.write = ((
    chunk: string | Uint8Array,
    encodingOrCallback?: BufferEncoding | ((error?: Error | null) => void),
    callback?: (error?: Error | null) => void,
  ) => {
    const command = current.getStore();
    if (!command) return write(chunk, encodingOrCallback as BufferEncoding, callback);
    append(command, typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (done) queueMicrotask(() => done(null));
    return true;
  }) as NodeJS.WriteStream['write'];
  Object.defineProperty(stream, 'isTTY', { configurable: true, get: () => (current.getStore() ? false : isTTY) });
}

/** fetch's connections as a new process has them: none kept alive from an earlier command (or test). */
function freshConnectionPool(): { restore(): void } {
  const previousPool = getGlobalDispatcher();
  const pool = new Agent();
  setGlobalDispatcher(pool);
  return {
    restore() {
      setGlobalDispatcher(previousPool);
      void pool.close();
    },
  };
}
