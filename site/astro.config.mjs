// The components in src/ are compiled by site/render/compile.ts and rendered page by page through Astro's
// container API while the catalogue streams from the database (see site/render/index.ts), not by `astro build`.
import { defineConfig } from 'astro/config';

export default defineConfig({});
