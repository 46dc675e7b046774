import type { Command } from 'commander';
import path from 'node:path';
import { defaultDataDir, openDatabase } from '../../db/index.ts';
import { basePath } from '../../site/render/base-path.ts';
import { buildSite } from '../../site/render/index.ts';
import { hasLastBuild } from '../../site/render/manifest.ts';
import { UsageError } from '../errors.ts';

/** $TOOLRISK_DATA_DIR/site, or ./data/site. */
export function defaultSiteDir(): string {
  return path.join(defaultDataDir(), 'site');
}

/**
 * When the build happens: now, or the reproducible-builds convention's SOURCE_DATE_EPOCH (whole seconds since
 * 1970), so that two builds of the same catalogue write the same bytes whatever minute each ran in.
 */
export function buildTime(sourceDateEpoch: string | undefined): Date {
  if (sourceDateEpoch === undefined || sourceDateEpoch === '') return new Date();
  if (!/^\d{1,12}$/.test(sourceDateEpoch)) {
    throw new UsageError(`SOURCE_DATE_EPOCH must be whole seconds since 1970, got ${JSON.stringify(sourceDateEpoch)}`);
  }
  return new Date(Number(sourceDateEpoch) * 1000);
}

export function registerBuild(program: Command): void {
  program
    .command('build')
    .description('Render the static site (pages, policies, open data, search index) from the catalogue database.')
    .option('--out <dir>', 'output folder, replaced when the build completes (default: $TOOLRISK_DATA_DIR/site, or ./data/site)')
    .option('--site-url <url>', 'absolute URL the site will be served from (sitemap, feed)', process.env.TOOLRISK_SITE_URL ?? 'http://127.0.0.1:4321/')
    .option('--base-url <path>', 'path the site is hosted under, e.g. /catalogue/ (every link and asset honours it)', process.env.TOOLRISK_BASE_URL ?? '/')
    .option('--full', 'render everything, even when the last build allows an incremental one')
    .option('--workers <n>', 'render worker threads (default: one per CPU)')
    .option('--json', 'print the build figures as JSON')
    .action(async (options: { out?: string; siteUrl: string; baseUrl: string; full?: boolean; workers?: string; json?: boolean }) => {
      const workers = options.workers === undefined ? undefined : Number(options.workers);
      if (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 64)) {
        throw new UsageError('--workers must be a whole number from 1 to 64');
      }
      try {
        new URL(options.siteUrl);
      } catch {
        throw new UsageError(`--site-url must be an absolute URL, got ${JSON.stringify(options.siteUrl)}`);
      }
      let base: string;
      try {
        base = basePath(options.baseUrl);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const now = buildTime(process.env.SOURCE_DATE_EPOCH);
      const outDir = path.resolve(options.out ?? defaultSiteDir());
      // An update of a built site lasts seconds; a full build runs long enough for V8 to optimise the database.
      const db = await openDatabase({ brief: !options.full && hasLastBuild(outDir) });
      try {
        const stats = await buildSite(db, {
          outDir,
          now,
          siteUrl: options.siteUrl,
          basePath: base,
          full: options.full,
          workers,
          log: (line) => console.error(line),
        });
        if (options.json) return void process.stdout.write(`${JSON.stringify(stats, null, 2)}\n`);
        console.log(
          `${stats.mode === 'full' ? 'Built' : 'Updated'} ${stats.outDir} (${stats.servers} servers, ${stats.tools} tools, ${stats.pages} pages) in ${stats.seconds}s: ` +
            `${stats.rendered} pages rendered, ${stats.files} files written, ${stats.deleted} deleted (${stats.mode} build, peak RSS ${stats.peakRssMb} MB).`,
        );
      } finally {
        await db.close();
      }
    });
}
