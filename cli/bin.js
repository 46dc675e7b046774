#!/usr/bin/env node
// `npx toolrisk`: runs the CLI compiled by `npm run build` (which `npm ci` runs through prepare) while it is
// current; after a source file changes, the TypeScript sources through tsx (slower to start) until the next build.
import { BUILT, builtAndCurrent } from './built.js';

if (builtAndCurrent()) {
  if (process.env.TOOLRISK_DEBUG) process.setSourceMapsEnabled(true);
  await import(new URL('main.js', BUILT).href);
} else {
  if (process.stderr.isTTY) console.error('toolrisk: running the TypeScript sources (changed since the last `npm run build`)');
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
