import { spawn } from 'node:child_process';
import { Console } from 'node:console';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { runCli } from '../../cli/program.ts';

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

let running = false;

/**
 * Runs `toolrisk ARGS…` in this process, as `npx toolrisk ARGS…` would run with `options.env` as its
 * environment, and returns its exit code and output. Starting a real process costs a second or more of
 * Node start-up each time; the few tests of the process itself (signals, the installed binary) use spawnCli.
 */
export async function toolrisk(args: readonly string[], options: CliOptions): Promise<CliResult> {
  if (running) throw new Error('toolrisk(): one in-process command at a time; start real processes with spawnCli to run several at once');
  running = true;
  let stdout = '';
  let stderr = '';
  const restore = [
    swapEnvironment(options.env),
    swapProperty(process, 'exitCode', undefined),
    swapProperty(process.stdout, 'write', collector((text) => (stdout += text))),
    swapProperty(process.stderr, 'write', collector((text) => (stderr += text))),
    swapProperty(process.stdout, 'isTTY', false),
    swapProperty(process.stderr, 'isTTY', false),
    swapProperty(globalThis, 'console', new Console({ stdout: process.stdout, stderr: process.stderr })),
    freshConnectionPool(),
  ];
  const cwd = process.cwd();
  try {
    if (options.cwd) process.chdir(options.cwd);
    const code = await runCli(args);
    return { code, stdout, stderr };
  } finally {
    process.chdir(cwd);
    for (const undo of restore.reverse()) undo();
    running = false;
  }
}

/** Runs `toolrisk ARGS…` as its own process (through cli/bin.js) and waits for it to exit. */
export function spawnCli(args: readonly string[], options: CliOptions & { timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr }));
  });
}

/** fetch's connections as a new process has them: none kept alive from an earlier command (or test). */
function freshConnectionPool(): () => void {
  const previous = getGlobalDispatcher();
  const pool = new Agent();
  setGlobalDispatcher(pool);
  return () => {
    setGlobalDispatcher(previous);
    void pool.close();
  };
}

/** Write functions with the stream.write signature that append to a string instead. */
function collector(append: (text: string) => void): NodeJS.WriteStream['write'] {
  return ((chunk: string | Uint8Array, encodingOrCallback?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void) => {
    append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    if (done) queueMicrotask(() => done(null));
    return true;
  }) as NodeJS.WriteStream['write'];
}

function swapProperty<T extends object, K extends keyof T>(target: T, key: K, value: T[K]): () => void {
  const had = Object.prototype.hasOwnProperty.call(target, key);
  const previous = target[key];
  target[key] = value;
  return () => {
    if (had) target[key] = previous;
    else delete target[key];
  };
}

/** Makes process.env exactly `env`, keeping only vitest's own variables; returns the undo. */
function swapEnvironment(env: Record<string, string | undefined>): () => void {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (!key.startsWith('VITEST')) delete process.env[key];
  for (const [key, value] of Object.entries(env)) if (value !== undefined) process.env[key] = value;
  return () => {
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, saved);
  };
}
