import { spawn, spawnSync } from 'node:child_process';

/** The PID of a process that has exited. */
export function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

export interface Exited {
  /** The exit code; null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** When to signal a running process: once its stderr has shown `afterLines` lines (those matching `counting`), `delayMs` later. */
export interface SignalPlan {
  signal: NodeJS.Signals;
  afterLines: number;
  /** Only lines that match count; every line does without it. */
  counting?: RegExp;
  delayMs?: number;
}

export interface RunOptions {
  /** The whole environment of the process. */
  env: Record<string, string | undefined>;
  cwd?: string;
  /** SIGTERM after this long, if it is still running. */
  timeoutMs?: number;
  /** Signal it part-way, as a user or the machine would (an interrupt, a kill). */
  signal?: SignalPlan;
}

/** Runs `command[0] command[1…]` to its end, collecting its output; with `signal`, signals it part-way. */
export function runProcess(command: readonly string[], options: RunOptions): Promise<Exited> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), {
      cwd: options.cwd,
      env: definedOnly(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs,
    });
    const plan = options.signal;
    let stdout = '';
    let stderr = '';
    let armed = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (!plan || armed || completeLines(stderr, plan.counting) < plan.afterLines) return;
      armed = true;
      setTimeout(() => child.kill(plan.signal), plan.delayMs ?? 0);
    });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function completeLines(text: string, counting?: RegExp): number {
  const lines = text.split('\n').slice(0, -1);
  return counting ? lines.filter((line) => counting.test(line)).length : lines.length;
}

export function definedOnly(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
