import type { Plugin } from 'esbuild';

export function sourceLocations(outDir: string): Plugin;
export const REQUIRE_BANNER: string;
