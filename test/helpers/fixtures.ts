import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The TypeScript fixtures tests start as processes of their own (servers, probes). Through tsx each start cost
 * about 1.5 s of CPU (more in the sandbox, where tsx finds no cache); test/helpers/global-setup.ts bundles them
 * once a run into dist/test-fixtures, and a start costs about 0.3 s.
 */
export const TS_FIXTURES = [
  'test/fixtures/servers/stdio-notes.ts',
  'test/pipeline/fixtures/many-servers.ts',
  'test/db/lock-racer.ts',
  'test/db/panic-writer.ts',
  'test/hostile/memory-probe.ts',
  'test/hostile/non-root-probe.ts',
  'test/hostile/sandbox-holder.ts',
] as const;

export type TsFixture = (typeof TS_FIXTURES)[number];

export const FIXTURES_OUT = path.join(ROOT, 'dist', 'test-fixtures');

/** The bundled JavaScript of a TypeScript fixture: `node <this> ARGS…` starts it. */
export function compiledFixture(file: TsFixture): string {
  return path.join(FIXTURES_OUT, `${path.basename(file, '.ts')}.mjs`);
}

/** The notes server over stdio (test/fixtures/servers/stdio-notes.ts), bundled: `node NOTES_SERVER`. */
export const NOTES_SERVER = compiledFixture('test/fixtures/servers/stdio-notes.ts');
