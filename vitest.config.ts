import { defineConfig } from 'vitest/config';

/**
 * `unit`: pure code (classifier, parsers, slugs), no database, no process, no socket; runs in seconds
 * (`npm run test:unit`). `integration`: everything else, against real databases, servers and processes.
 * A new test file is an integration test until it is listed here.
 */
const UNIT = [
  'test/classifier/classify.test.ts',
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
  'test/pipeline/crawl-job.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: UNIT,
          // Each file gets its own databases (copies of a migrated PGlite folder, PostgreSQL databases made
          // from a migrated template), so files run in parallel.
          globalSetup: ['test/helpers/global-setup.ts'],
          fileParallelism: true,
        },
      },
    ],
  },
});
