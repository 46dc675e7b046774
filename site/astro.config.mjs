// The components in src/ are compiled by site/build/compile.ts and rendered page by page through Astro's
// container API while the catalogue streams from the database (see site/build/index.ts), not by `astro build`.
import { defineConfig } from 'astro/config';

export default defineConfig({});
