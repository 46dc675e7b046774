import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Each file gets its own database (PGlite folder or PostgreSQL schema), so files may run in parallel.
    fileParallelism: true,
  },
});
