import { defineConfig } from 'vitest/config';
import { startingWith } from './test/helpers/sequencer.ts';

/**
 * `unit`: pure code (classifier, parsers, slugs), no database, no process, no socket; runs in seconds
 * (`npm run test:unit`). `integration`: everything else (but `lifecycle`, below), against real databases, servers
 * and processes. A new test file is an integration test until it is listed here. `npm test` runs both.
 */
const UNIT = [
  'test/classifier/classify.test.ts',
  'test/classifier/consistency.test.ts',
  'test/classifier/patterns.test.ts',
  'test/classifier/eval.test.ts',
  'test/classifier/poisoning.test.ts',
  'test/classifier/policy*.test.ts',
  'test/classifier/rules.test.ts',
  'test/classifier/summary.test.ts',
  'test/classifier/tokenize.test.ts',
  'test/bench/generate.test.ts',
  'test/crawler/servers-file.test.ts',
  'test/site/slug.test.ts',
  'test/cli/server-name.test.ts',
  'test/cli/run-config.test.ts',
  'test/cli/build-time.test.ts',
  'test/db/hash.test.ts',
  'test/pipeline/crawl-job.test.ts',
];

/**
 * `lifecycle`: processes killed at seeded points and resumed, a disk filled up: minutes of real processes each, so
 * `npm test` leaves them out and CI runs them right after it (`npm run test:lifecycle`).
 */
const LIFECYCLE = [
  'test/hostile/lifecycle.test.ts',
  'test/hostile/build-kill.test.ts',
  'test/hostile/database-errors.test.ts',
  'test/pipeline/coordinator-kill.test.ts',
];

/**
 * The files that take longest, longest first (measured on a 2-core machine), mostly waiting (minutes for pg-boss's
 * cron, a hostile crawl's timeouts, many processes, site builds, Chromium): they start first, so the rest runs beside
 * them instead of one of them running alone at the end.
 */
const LONGEST = [
  ...LIFECYCLE,
  'test/pipeline/schedule-cli.test.ts',
  'test/hostile/hostile-crawl.test.ts',
  'test/site/site.test.ts',
  'test/pipeline/distributed.test.ts',
  'test/hostile/interrupt.test.ts',
  'test/site/incremental.test.ts',
  'test/db/db.test.ts',
  'test/pipeline/run.test.ts',
  'test/crawler/cli.test.ts',
  'test/crawler/start-learning.test.ts',
  'test/hostile/memory.test.ts',
  'test/hostile/no-bwrap.test.ts',
  'test/classifier/config-policy-page.test.ts',
  'test/crawler/recrawl.test.ts',
  'test/crawler/pypi.test.ts',
  'test/crawler/npm.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most of an integration test is waiting on processes, servers and timers, so four files run at once on 2 cores
    // (vitest's default there is one): three left a core idle a third of the time, five gained little more.
    maxWorkers: 4,
    sequence: { sequencer: startingWith(LONGEST) },
    // A worker that dies says which file it was running (the report names none).
    setupFiles: ['test/helpers/worker-exit.ts'],
    projects: [
      // Pure code keeps no state between files, so unit files share their worker's modules too.
      { extends: true, test: { name: 'unit', include: UNIT, isolate: false } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...UNIT, ...LIFECYCLE],
          // Each file gets its own databases (copies of a migrated PGlite folder, PostgreSQL databases made
          // from a migrated template), so files run in parallel. Files share their worker's loaded modules
          // (importing the CLI, the database and the crawler again for every file cost seconds of CPU each), so a
          // test restores what it changes in process.env and keeps no state in a module between files.
          globalSetup: ['test/helpers/global-setup.ts'],
          fileParallelism: true,
          isolate: false,
        },
      },
      { extends: true, test: { name: 'lifecycle', include: LIFECYCLE, globalSetup: ['test/helpers/global-setup.ts'], fileParallelism: true } },
    ],
  },
});
