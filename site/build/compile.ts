import { mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SITE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Compiles the Astro components (site/src/entry.ts) into one ES module with Vite and Astro's own Vite
 * configuration, into a fresh folder under node_modules/.cache (so the module's bare imports resolve to the
 * project's node_modules). Returns the module's path; the caller deletes its folder.
 */
export async function compileViews(): Promise<string> {
  const [{ build }, { getViteConfig }] = await Promise.all([import('vite'), import('astro/config')]);
  const cache = path.join(SITE_ROOT, '..', 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const outDir = mkdtempSync(path.join(cache, 'toolrisk-views-'));
  const config = await getViteConfig(
    {
      root: SITE_ROOT,
      logLevel: 'error',
      build: {
        ssr: path.join(SITE_ROOT, 'src', 'entry.ts'),
        outDir,
        emptyOutDir: false,
        minify: false,
        rollupOptions: { output: { format: 'es', entryFileNames: 'views.mjs' } },
      },
    },
    { root: SITE_ROOT, logLevel: 'error' },
  )({ mode: 'production', command: 'build' });
  await build({ ...config, configFile: false });
  return path.join(outDir, 'views.mjs');
}
