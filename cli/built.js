// Whether dist/cli, compiled by cli/build.mjs, is current: built after every source file it was built from.
import { readFileSync, statSync } from 'node:fs';

export const BUILT = new URL('../dist/cli/', import.meta.url);

export function builtAndCurrent() {
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('inputs.json', BUILT), 'utf8'));
    const root = new URL('../', import.meta.url);
    return inputs.every((file) => statSync(new URL(file, root)).mtimeMs < builtAt);
  } catch {
    return false; // not built, or a source file is gone
  }
}
