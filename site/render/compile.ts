import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const SITE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);

/**
 * A hash of everything a rendered page depends on besides its props: the site's sources (components,
 * renderer, public assets) and the locked dependency versions. It names the compiled views in the cache and
 * keys the build manifest (a different hash makes the next build a full one).
 */
export function rendererHash(): string {
  const hash = createHash('sha256');
  const files = readdirSync(SITE_ROOT, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
  for (const file of files) hash.update(path.relative(SITE_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  const lock = path.join(SITE_ROOT, '..', 'package-lock.json');
  if (existsSync(lock)) hash.update(readFileSync(lock));
  return hash.digest('hex').slice(0, 20);
}

/**
 * Compiles the Astro components (site/src/entry.ts) into one ES module with Vite and Astro's own Vite
 * configuration, under node_modules/.cache (so the module's bare imports resolve to the project's
 * node_modules), once per `rendererHash`: later builds of the same sources reuse it. Vite runs in a child
 * process, so its memory is not kept for the whole build. Returns the module's path.
 */
export async function compileViews(hash = rendererHash()): Promise<string> {
  const cache = path.join(SITE_ROOT, '..', 'node_modules', '.cache');
  const done = path.join(cache, `toolrisk-views-${hash}`);
  const module = path.join(done, 'views.mjs');
  if (existsSync(module)) return module;
  mkdirSync(cache, { recursive: true });
  const outDir = mkdtempSync(path.join(cache, 'toolrisk-views-tmp-'));
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', THIS_FILE, outDir], { cwd: SITE_ROOT, maxBuffer: 1 << 24 });
    renameSync(outDir, done);
  } catch (error) {
    rmSync(outDir, { recursive: true, force: true });
    if (existsSync(module)) return module; // another build compiled the same sources first
    const e = error as { stderr?: string; message: string };
    throw new Error(`Compiling the site's Astro components failed: ${e.stderr?.trim() || e.message}`);
  }
  return module;
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
