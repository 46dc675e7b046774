import type { Command } from 'commander';
import { z } from 'zod';
import type { CrawlConfig } from '../crawler/crawl-entry.ts';
import type { PipelineConfig } from '../pipeline/run.ts';
import { defaultSiteDir } from './commands/build.ts';
import { addCrawlFlags, addPoolFlags, crawlSettingsFrom, type CrawlFlags, type PoolFlags } from './crawl-flags.ts';
import { addSourceFlags, readSources, sourceSpecFrom, type SourceFlags, type Sources } from './crawl-sources.ts';
import { absoluteUrl, duration, parseFlags, wholeNumber } from './flag-schemas.ts';
import { distributedFrom, queueOptions, timingOptions, type DistributedFlags } from './pipeline-options.ts';

/** The flags of `toolrisk crawl`, as commander hands them over. */
export interface CrawlCommandFlags extends CrawlFlags, PoolFlags, SourceFlags, DistributedFlags {}

/** What `toolrisk crawl` does, checked: the sources (the servers file read) and how to crawl them. */
export interface CrawlCommandConfig {
  sources: Sources;
  crawl: CrawlConfig;
}

/** The sources, crawl-settings, pool, queue and timing groups, parsed once; then the servers file is read. */
export async function crawlConfigFrom(flags: CrawlCommandFlags): Promise<CrawlCommandConfig> {
  const { crawl, sources } = crawlGroups(flags);
  // An interrupted crawl of the same sources, the same way, is completed by the next one.
  const resumeKey = JSON.stringify({ ...sources.described, ...(crawl.distributed ? { distributed: true } : {}) });
  return { sources: await readSources(sources), crawl: { ...crawl, resumeKey } };
}

function crawlGroups(flags: CrawlCommandFlags) {
  const sources = sourceSpecFrom(flags);
  const crawl: CrawlConfig = { settings: crawlSettingsFrom(flags), distributed: distributedFrom(flags), runOptions: sources.described };
  return { sources, crawl };
}

/** The flags of one pipeline run (`run`, `schedule`; `start` gives its own few), as commander hands them over. */
export interface RunFlags extends CrawlCommandFlags {
  freshFor?: string;
  out?: string;
  siteUrl?: string;
  buildWorkers?: string;
  build?: boolean;
  forceBuild?: boolean;
}

export const DEFAULT_SITE_URL = 'http://127.0.0.1:4321/';

/** The site group: what is crawled again, and where and whether the site is built. */
const siteSchema = z
  .object({
    freshFor: duration('--fresh-for').transform((ms) => ms ?? 60 * 60 * 1000),
    out: z.string().optional(),
    siteUrl: absoluteUrl('--site-url'),
    buildWorkers: wholeNumber('--build-workers', 1, 64),
    build: z.boolean().default(true),
    forceBuild: z.boolean().default(false),
  })
  .transform((flags) => ({
    freshForMs: flags.freshFor,
    site: flags.build
      ? { outDir: flags.out ?? defaultSiteDir(), siteUrl: flags.siteUrl ?? process.env.TOOLRISK_SITE_URL ?? DEFAULT_SITE_URL, workers: flags.buildWorkers }
      : null,
    forceBuild: flags.forceBuild,
  }));

/** A pipeline run, checked: its sources (read again before each run) and the config the pipeline takes. */
export interface RunConfig extends PipelineConfig {
  sources: Sources;
}

/** Every group of a pipeline run, parsed once; flags left out take their defaults. */
export async function runConfigFrom(flags: RunFlags): Promise<RunConfig> {
  const { crawl, sources } = crawlGroups(flags);
  return { crawl, ...parseFlags(siteSchema, flags), sources: await readSources(sources) };
}

/** The flags of one pipeline run, shared by `run` and `schedule`. */
export function addRunFlags(command: Command): Command {
  addPoolFlags(addSourceFlags(command));
  addCrawlFlags(command)
    .option(
      '--fresh-for <duration>',
      'leave alone servers crawled within this long (e.g. 30m, 12h; 0 crawls every server); failed ones are retried unless they need configuration (default 1h)',
    )
    .option('--out <dir>', "where the site is built (default: the data folder's site/)")
    .option('--site-url <url>', `absolute URL the site will be served from (sitemap, feed) (default $TOOLRISK_SITE_URL, else ${DEFAULT_SITE_URL})`)
    .option('--build-workers <n>', 'site render worker threads (default: one per CPU)')
    .option('--no-build', 'crawl and classify only')
    .option('--force-build', 'build the site even when nothing changed since the last build')
    .option('--distributed', 'crawl through `toolrisk worker` processes (PostgreSQL: set DATABASE_URL)');
  for (const option of [...queueOptions, ...timingOptions]) command.addOption(option);
  return command;
}
