import type { Command } from 'commander';
import path from 'node:path';
import { defaultDataDir, openDatabase } from '../../db/index.ts';
import { buildSite } from '../../site/render/index.ts';
import { UsageError } from '../errors.ts';

/** $TOOLRISK_DATA_DIR/site, or ./data/site. */
export function defaultSiteDir(): string {
  return path.join(defaultDataDir(), 'site');
}

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('Render the static site (pages, policies, open data, search index) from the catalogue database.')
    .option('--out <dir>', 'output folder, replaced when the build completes (default: $TOOLRISK_DATA_DIR/site, or ./data/site)')
    .option('--site-url <url>', 'absolute URL the site will be served from (sitemap, feed)', process.env.TOOLRISK_SITE_URL ?? 'http://127.0.0.1:4321/')
    .option('--workers <n>', 'render worker threads (default: one per CPU)')
    .option('--json', 'print the build figures as JSON')
    .action(async (options: { out?: string; siteUrl: string; workers?: string; json?: boolean }) => {
      const workers = options.workers === undefined ? undefined : Number(options.workers);
      if (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 64)) {
        throw new UsageError('--workers must be a whole number from 1 to 64');
      }
      try {
        new URL(options.siteUrl);
      } catch {
        throw new UsageError(`--site-url must be an absolute URL, got ${JSON.stringify(options.siteUrl)}`);
      }
      const db = await openDatabase();
      try {
        const stats = await buildSite(db, {
          outDir: options.out ?? defaultSiteDir(),
          siteUrl: options.siteUrl,
          workers,
          log: (line) => console.error(line),
        });
        if (options.json) return void process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
        console.log(
          `Built ${stats.pages} pages (${stats.servers} servers, ${stats.tools} tools) into ${stats.outDir} in ${stats.seconds}s ` +
            `(${stats.pagesPerSecond} pages/s, peak RSS ${stats.peakRssMb} MB).`,
        );
      } finally {
        await db.close();
      }
    });
}
