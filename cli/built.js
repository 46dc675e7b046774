// Whether dist/cli, compiled by cli/build.mjs, is current: built after every source file it was built from.
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BUILT = new URL('../dist/cli/', import.meta.url);

export function builtAndCurrent() {
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('inputs.json', BUILT), 'utf8'));
    // Paths, not a URL per file: parsing 170 URLs cost about 30 ms of every start.
    const root = fileURLToPath(new URL('../', import.meta.url));
    return inputs.every((file) => statSync(root + file).mtimeMs < builtAt);
  } catch {
    return false; // not built, or a source file is gone
  }
}

/**
 * Imports dist/cli/NAME.js while the build is current, or else the TypeScript source at `sourceUrl` through tsx
 * (seconds slower to load). `onSource` runs before the fallback.
 */
export async function importCompiled(name, sourceUrl, { onSource } = {}) {
  if (builtAndCurrent()) {
    if (process.env.TOOLRISK_DEBUG) process.setSourceMapsEnabled(true);
    return import(new URL(`${name}.js`, BUILT).href);
  }
  onSource?.();
  const { register } = await import('tsx/esm/api');
  register();
  return import(sourceUrl);
}
