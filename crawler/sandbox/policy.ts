import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { SourcedServer } from '../targets.ts';
import { probeBwrap } from './command.ts';
import { pickThrowawayUid } from './processes.ts';

/** Set to `none` to run every stdio server without bwrap (tests and CI exercising the unisolated path). */
export const ISOLATION_ENV = 'TOOLRISK_SANDBOX_ISOLATION';

export function forcedIsolation(env: NodeJS.ProcessEnv = process.env): 'bwrap' | 'none' | undefined {
  const value = env[ISOLATION_ENV];
  return value === 'bwrap' || value === 'none' ? value : undefined;
}

/**
 * What to do with a server when bwrap is unavailable: `refuse` (the default: a stranger's code never runs
 * unisolated) or `warn` (the bundled default servers, or the user passed --unsafe-no-sandbox).
 */
export type UnsandboxedPolicy = 'refuse' | 'warn';

export const UNSAFE_FLAG = '--unsafe-no-sandbox';

export function refusalWithoutSandbox(reason: string): string {
  return (
    `Refusing to run this server without a sandbox: ${reason}. Install bubblewrap (apt-get install bubblewrap) so stdio servers run isolated, ` +
    `or pass ${UNSAFE_FLAG} to run them with only a throwaway user, a clean environment and resource limits.`
  );
}

const BUNDLED_SERVERS_FILE = fileURLToPath(new URL('../../servers/default.yaml', import.meta.url));

/** Whether `file` is the bundled list of default servers (vetted, so they may run with a warning where bwrap is missing). */
export function isBundledServersFile(file: string): boolean {
  try {
    return realpathSync(file) === realpathSync(BUNDLED_SERVERS_FILE);
  } catch {
    return false;
  }
}

/** The servers with every local target marked as bundled (see CrawlOptions.unsafeNoSandbox). */
export function markBundled(servers: readonly SourcedServer[]): SourcedServer[] {
  return servers.map(({ server, targets }) => ({
    server,
    targets: targets.map((target) => (target.kind === 'npm' || target.kind === 'stdio' ? { ...target, bundled: true } : target)),
  }));
}

/**
 * Before a crawl opens its run: the refusal (naming the fix) when some of `servers` are local servers that
 * would be refused one by one because bwrap is unavailable, else undefined.
 */
export async function sandboxRefusal(servers: readonly SourcedServer[], unsafeNoSandbox = false): Promise<string | undefined> {
  if (unsafeNoSandbox || forcedIsolation() === 'none') return undefined;
  const local = servers.some(({ targets }) =>
    targets.some((target) => target.kind === 'pypi' || ((target.kind === 'npm' || target.kind === 'stdio') && !target.bundled)),
  );
  if (!local) return undefined;
  const probe = await probeBwrap(process.getuid?.() === 0 ? pickThrowawayUid() : undefined);
  return probe.ok ? undefined : refusalWithoutSandbox(probe.reason);
}
