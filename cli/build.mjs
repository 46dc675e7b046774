#!/usr/bin/env node
// Compiles the CLI (cli/main.ts and everything it imports from this repository) and the site's render worker
// (site/render/worker.ts) to JavaScript in dist/cli,
// one chunk per command, so `npx toolrisk` starts without compiling TypeScript. `npm ci` runs it (prepare).
// Packages stay external (loaded from node_modules). Code that finds files next to its own source keeps
// finding them (cli/bundle-source-urls.mjs).
// `--if-stale`: only when a source changed since the last build (the test suite's set-up runs it so).
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { builtAndCurrent } from './built.js';
import { REQUIRE_BANNER, sourceLocations } from './bundle-source-urls.mjs';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const OUT_DIR = path.join(ROOT, 'dist', 'cli');

/**
 * Commander is bundled in, not loaded from node_modules: every command, `--help` included, loads it, and one
 * bundled file loads about 50 ms faster than its CommonJS files and ESM wrapper. Its `require('node:events')`
 * and the like need a `require` in the chunks (the banner).
 */
/** @type {import('esbuild').Plugin} */
const bundleCommander = {
  name: 'bundle-commander',
  setup(builder) {
    builder.onResolve({ filter: /^commander$/ }, () => ({ path: path.join(ROOT, 'node_modules', 'commander', 'index.js') }));
  },
};

if (process.argv.includes('--if-stale') && builtAndCurrent()) process.exit(0);

const started = Date.now();
await rm(OUT_DIR, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  // The site build's threads too: each build's threads would otherwise compile their TypeScript again.
  entryPoints: { main: 'cli/main.ts', 'render-worker': 'site/render/worker.ts', 'search-worker': 'site/render/search-worker.ts' },
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  plugins: [sourceLocations(OUT_DIR), bundleCommander],
  banner: { js: REQUIRE_BANNER },
});
// cli/bin.js runs the build only while every source it was built from is older than the build.
const inputs = Object.keys(result.metafile.inputs).filter((file) => !file.startsWith('node_modules/'));
await writeFile(path.join(OUT_DIR, 'inputs.json'), `${JSON.stringify({ builtAt: started, inputs }, null, 1)}\n`);
console.error(`toolrisk: built dist/cli from ${inputs.length} files in ${Date.now() - started} ms`);
