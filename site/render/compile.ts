import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const SITE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const THIS_FILE = fileURLToPath(import.meta.url);

/**
 * What tools write into site/ and .gitignore leaves out (`astro check` writes `.astro/` and `node_modules/.vite`):
 * not sources, so not part of the renderer's hash (with them, a check made the next build a full one).
 */
const GENERATED = new Set(['.astro', 'dist', 'node_modules']);

/**
 * A hash of everything a rendered page depends on besides its props: the site's sources (components,
 * renderer, public assets), every source of the repository they import (the classifier's policy writers and
 * severity order, the database's row types: found by following relative imports, since the compiled views and the
 * render workers hold that code too) and the locked dependency versions. It names the compiled views in the cache
 * and keys the build manifest (a different hash makes the next build a full one).
 */
export function rendererHash(root = SITE_ROOT): string {
  const hash = createHash('sha256');
  const add = (name: string, content: Buffer) => hash.update(name).update('\0').update(content).update('\0');
  const files = readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
    .filter((file) => !GENERATED.has(file.split(path.sep)[0]))
    .sort();
  const sources = new Map<string, Buffer>();
  for (const file of files) {
    const full = path.join(root, file);
    const content = readFileSync(full);
    add(file, content);
    sources.set(full, content);
  }
  for (const [file, content] of importedFrom(root, sources)) add(path.relative(root, file), content);
  const lock = path.join(root, '..', 'package-lock.json');
  if (existsSync(lock)) hash.update(readFileSync(lock));
  return hash.digest('hex').slice(0, 20);
}

const SOURCE = /\.(?:[cm]?[jt]sx?|astro)$/;
/** A relative specifier of an import, a re-export or a dynamic import (packages are pinned by the lock file). */
const RELATIVE_IMPORT = /(?:\bfrom|\bimport)\s*\(?\s*(['"])(\.{1,2}\/[^'"\n]+)\1/g;

/**
 * The files outside `root` that the sources under it import, directly or through one another, with their content,
 * in path order. A specifier naming no file (one in a comment) is passed over: a real import of a missing file fails
 * when it is loaded.
 */
function importedFrom(root: string, sources: ReadonlyMap<string, Buffer>): Array<[file: string, content: Buffer]> {
  const found = new Map<string, Buffer>();
  const queue = [...sources];
  for (let next = queue.pop(); next; next = queue.pop()) {
    const [file, content] = next;
    if (!SOURCE.test(file)) continue;
    for (const [, , specifier] of content.toString('utf8').matchAll(RELATIVE_IMPORT)) {
      const target = path.resolve(path.dirname(file), specifier);
      if (sources.has(target) || found.has(target) || !path.relative(root, target).startsWith(`..${path.sep}`) || !isFile(target)) continue;
      const imported = readFileSync(target);
      found.set(target, imported);
      queue.push([target, imported]);
    }
  }
  return [...found].sort(([a], [b]) => (a < b ? -1 : 1));
}

function isFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
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

/**
 * Packages Astro's runtime imports only for its configuration's defaults and schema (the Markdown defaults, the
 * names of shiki's themes) or for nothing at all (a bare `import "esbuild"`), none of which rendering a component
 * calls. Loaded from node_modules, they were most of what a render worker spent loading the views (the Markdown
 * pipeline alone ≈ 0.6 s of CPU a worker, every build); in the bundle each is replaced by its exports' values.
 */
const CONFIGURATION_ONLY_PACKAGES = ['@astrojs/markdown-remark', 'shiki', 'esbuild'];

/**
 * A module with the package's exports as data: JSON values kept, functions and cycles inside them replaced by null (so
 * an object of lazy loaders, like shiki's themes, keeps its keys) and exported functions by one that fails naming
 * itself, should a later Astro call one while rendering.
 */
export async function valuesModule(name: string): Promise<string> {
  const exports: Record<string, unknown> = await import(name);
  const data = (value: unknown) => {
    const seen = new WeakSet<object>();
    const replace = (_key: string, inner: unknown) => {
      if (typeof inner === 'function') return null;
      if (typeof inner !== 'object' || inner === null) return inner;
      if (seen.has(inner)) return null; // a CommonJS module's default export holds itself
      seen.add(inner);
      return inner;
    };
    return JSON.stringify(value, replace) ?? 'undefined';
  };
  return Object.entries(exports)
    .map(([key, value]) => {
      const binding = key === 'default' ? 'default' : `const ${key} =`;
      const text =
        typeof value === 'function'
          ? `() => { throw new Error(${JSON.stringify(`${name}: ${key} is not in the site's compiled views (see site/render/compile.ts)`)}); }`
          : data(value);
      return `export ${binding} ${text};\n`;
    })
    .join('');
}

async function compileInto(outDir: string): Promise<void> {
  const [{ build }, { getViteConfig }] = await Promise.all([import('vite'), import('astro/config')]);
  const stubs = path.join(outDir, 'stubs');
  mkdirSync(stubs);
  const alias: Record<string, string> = {};
  for (const [i, name] of CONFIGURATION_ONLY_PACKAGES.entries()) {
    alias[name] = path.join(stubs, `${i}.mjs`);
    writeFileSync(alias[name], await valuesModule(name));
  }
  const config = await getViteConfig(
    {
      root: SITE_ROOT,
      logLevel: 'error',
      resolve: { alias },
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
  rmSync(stubs, { recursive: true });
}

if (process.argv[1] === THIS_FILE) await compileInto(process.argv[2]);
