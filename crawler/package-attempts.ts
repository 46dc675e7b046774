import semver from 'semver';
import type { PackageInfo } from '../db/index.ts';
import type { CrawlOptions, CrawlResult } from './connect/index.ts';
import { typedPlaceholder } from './sources/placeholders.ts';
import { startHints, type StartHints } from './start-hints.ts';
import type { NpmTarget, PypiTarget } from './targets.ts';

/** Retries after a failed start, each with what the server said it was missing. */
export const MAX_LEARNED_RETRIES = 2;
const LEARNABLE = new Set(['crashed', 'protocol_error', 'needs_config']);

export interface PackageResult extends CrawlResult {
  /** What the package registry says of the installed package, when it was installed. */
  packageInfo?: PackageInfo;
}

/**
 * A package server's attempt: started as the registry describes it; when it exits before listing its tools,
 * its output is read for what it is missing (variables, options, a subcommand) and it is started again with
 * placeholders for them, at most MAX_LEARNED_RETRIES times, each retry recorded in `details.learned`. A
 * failure explained by the runtime (a newer Node than this one) says so.
 */
export async function crawlPackageTarget(
  target: NpmTarget | PypiTarget,
  options: CrawlOptions,
  once: (target: NpmTarget | PypiTarget, options: CrawlOptions) => Promise<CrawlResult>,
): Promise<PackageResult> {
  const learned: Array<{ outcome: string; added: string[] }> = [];
  let current = target;
  let result = await once(current, options);
  while (LEARNABLE.has(result.outcome) && learned.length < MAX_LEARNED_RETRIES && !options.signal?.aborted) {
    const next = withHints(current, startHints(`${result.stderr ?? ''}\n${result.error ?? ''}`));
    if (!next) break;
    learned.push({ outcome: result.outcome, added: next.added });
    current = next.target;
    result = await once(current, options);
  }
  if (learned.length > 0) {
    result.details.learned = learned;
    result.details.args = current.args;
  }
  const packageInfo = result.details.packageInfo as PackageInfo | undefined;
  delete result.details.packageInfo;
  return { ...explainRuntime(result), packageInfo };
}

/** The target with placeholders for what the hints name and it lacks; undefined when there is nothing new. */
export function withHints<T extends NpmTarget | PypiTarget>(target: T, hints: StartHints): { target: T; added: string[] } | undefined {
  const added: string[] = [];
  const env = { ...target.env };
  for (const name of hints.env) {
    if (name in env) continue;
    env[name] = typedPlaceholder({ name });
    added.push(`env ${name}`);
  }
  const args = [...target.args];
  for (const option of hints.options) {
    if (args.some((arg) => arg === option || arg.startsWith(`${option}=`))) continue;
    args.push(option, typedPlaceholder({ name: option.replace(/^-+/, '') }));
    added.push(`argument ${option}`);
  }
  if (hints.positional && !hints.subcommand) {
    const value = typedPlaceholder({ name: hints.positional });
    if (!args.includes(value)) {
      args.push(value);
      added.push(`argument <${hints.positional}>`);
    }
  }
  if (hints.subcommand && !args.includes(hints.subcommand)) {
    args.unshift(hints.subcommand);
    added.push(`subcommand ${hints.subcommand}`);
  }
  // A placeholder the server rejects as invalid ("Invalid tool sets: TOOLRISK_PLACEHOLDER_…"): leave that input out.
  for (const rejected of hints.rejectedValues ?? []) {
    for (const [name, value] of Object.entries(env)) {
      if (value === rejected && target.placeholders.includes(name)) {
        delete env[name];
        added.push(`without env ${name}`);
      }
    }
    const at = args.indexOf(rejected);
    if (at > 0 && args[at - 1].startsWith('-')) {
      added.push(`without argument ${args[at - 1]}`);
      args.splice(at - 1, 2);
    }
  }
  if (added.length === 0) return undefined;
  const placeholders = [
    ...target.placeholders,
    ...added.filter((a) => !a.startsWith('subcommand') && !a.startsWith('without')).map((a) => a.slice(a.indexOf(' ') + 1)),
  ];
  return { target: { ...target, env, args, placeholders }, added };
}

const UNKNOWN_BUILTIN = /ERR_UNKNOWN_BUILTIN_MODULE|No such built-in module:\s*(node:\S+)/;

/** A failed start on a runtime older than the package asks for (or importing a built-in this Node lacks) is needs_newer_runtime. */
function explainRuntime(result: CrawlResult): CrawlResult {
  if (result.outcome === 'ok' || result.outcome === 'interrupted') return result;
  const runtime = result.details.runtime as { name: string; required?: string; running: string } | undefined;
  if (runtime?.name !== 'Node') return result;
  const builtin = UNKNOWN_BUILTIN.exec(result.stderr ?? '');
  const running = semver.coerce(runtime.running)?.version;
  const unmet = runtime.required && running && semver.validRange(runtime.required) && !semver.satisfies(running, runtime.required);
  if (!builtin && !unmet) return result;
  const why = unmet
    ? `the package needs Node ${runtime.required} (engines.node)`
    : `the package imports ${builtin?.[1] ?? 'a built-in module'}, which this Node lacks`;
  return {
    ...result,
    outcome: 'needs_newer_runtime',
    error: `${why}; it ran on Node ${runtime.running}. Point the crawler at a newer one with --node PATH. (${result.error ?? result.outcome})`,
    details: { ...result.details, failedAs: result.outcome, ...(runtime.required ? { engines: runtime.required } : {}) },
  };
}
