#!/usr/bin/env node
// `npx toolrisk`: runs the CLI compiled by `npm run build` (which `npm ci` runs through prepare) while it is
// current; after a source file changes, the TypeScript sources through tsx (slower to start) until the next build.
import { importCompiled } from './built.js';

await importCompiled('main', new URL('./main.ts', import.meta.url).href, {
  onSource: () => process.stderr.isTTY && console.error('toolrisk: running the TypeScript sources (changed since the last `npm run build`)'),
});
