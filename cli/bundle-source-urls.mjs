// What every esbuild bundle of this repository's TypeScript needs, the CLI's (cli/build.mjs) and the test
// fixtures' (test/helpers/global-setup.ts) alike.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Code that finds files next to its own source (`new URL('./migrations', import.meta.url)`) keeps finding them:
 * each module's import.meta.url is rewritten to its source file's URL, relative to the bundle's folder `outDir`,
 * so the bundle works wherever the repository is.
 * @param {string} outDir
 * @returns {import('esbuild').Plugin}
 */
export function sourceLocations(outDir) {
  return {
    name: 'source-import-meta-url',
    setup(builder) {
      builder.onLoad({ filter: /\.ts$/ }, async ({ path: file }) => {
        const source = await readFile(file, 'utf8');
        const relative = path.relative(outDir, file).split(path.sep).join('/');
        return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, import.meta.url).href`), loader: 'ts' };
      });
    },
  };
}

/** A `require` in ESM bundles, for the CommonJS code bundled into them (`require('node:events')` and the like). */
export const REQUIRE_BANNER = "import { createRequire as __toolriskRequire } from 'node:module'; const require = __toolriskRequire(import.meta.url);";
