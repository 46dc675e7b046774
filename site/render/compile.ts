import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const SITE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);

/**
 * Compiles the Astro components (site/src/entry.ts) into one ES module with Vite and Astro's own Vite
 * configuration, into a fresh folder under node_modules/.cache (so the module's bare imports resolve to the
 * project's node_modules). Vite runs in a child process, so its memory is not kept for the whole build.
 * Returns the module's path; the caller deletes its folder.
 */
export async function compileViews(): Promise<string> {
  const cache = path.join(SITE_ROOT, '..', 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const outDir = mkdtempSync(path.join(cache, 'toolrisk-views-'));
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', THIS_FILE, outDir], { cwd: SITE_ROOT, maxBuffer: 1 << 24 });
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`Compiling the site's Astro components failed: ${e.stderr?.trim() || e.message}`);
  }
  return path.join(outDir, 'views.mjs');
}

async function compileInto(outDir: string): Promise<void> {
  const [{ build }, { getViteConfig }] = await Promise.all([import('vite'), import('astro/config')]);
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
}

if (process.argv[1] === THIS_FILE) await compileInto(process.argv[2]);
