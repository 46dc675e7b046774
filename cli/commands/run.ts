import type { Command } from 'commander';
import { closeBoss, openBoss, requirePostgres } from '../../queue/boss.ts';
import { sandboxRefusal } from '../../crawler/sandbox/index.ts';
import { openDatabase, type Database } from '../../db/index.ts';
import { runPipeline, type PipelineEvent, type PipelineSummary } from '../../pipeline/run.ts';
import { addCrawlFlags, countFlag, crawlOptionsFrom, type CrawlFlags } from '../crawl-flags.ts';
import { addSourceFlags, gatherSources, parseSources, type SourceFlags } from '../crawl-sources.ts';
import { UsageError } from '../errors.ts';
import { interruptOnSignals } from '../interrupts.ts';
import { printJson } from '../output.ts';
import { bossTiming, queueOptions, queueSettings, timingOptions, wholeNumber, type QueueFlags, type TimingFlags } from '../pipeline-options.ts';
import { describeSummary, pipelineProgress } from '../pipeline-report.ts';
import { defaultSiteDir } from './build.ts';

export interface RunFlags extends SourceFlags, CrawlFlags, QueueFlags, TimingFlags {
  concurrency?: string;
  perHost?: string;
  freshFor: string;
  out?: string;
  siteUrl: string;
  buildWorkers?: string;
  build: boolean;
  forceBuild?: boolean;
  distributed?: boolean;
}

/** The flags of one pipeline run, shared by `run` and `schedule`. */
export function addRunFlags(command: Command): Command {
  addSourceFlags(command)
    .option('--concurrency <n>', 'local (stdio) attempts at once (default 4; remote targets have their own pool of 64)')
    .option('--per-host <n>', 'attempts at once against one remote host (default 2)');
  addCrawlFlags(command)
    .option(
      '--fresh-for <duration>',
      'leave alone servers crawled within this long (e.g. 30m, 12h; 0 crawls every server); failed ones are retried unless they need configuration',
      '1h',
    )
    .option('--out <dir>', "where the site is built (default: the data folder's site/)")
    .option('--site-url <url>', 'absolute URL the site will be served from (sitemap, feed)', process.env.TOOLRISK_SITE_URL ?? 'http://127.0.0.1:4321/')
    .option('--build-workers <n>', 'site render worker threads (default: one per CPU)')
    .option('--no-build', 'crawl and classify only')
    .option('--force-build', 'build the site even when nothing changed since the last build')
    .option('--distributed', 'crawl through `toolrisk worker` processes (PostgreSQL: set DATABASE_URL)');
  for (const option of [...queueOptions, ...timingOptions]) command.addOption(option);
  return command;
}

export interface PreparedRun {
  /** Runs the pipeline once on an open database. */
  run(db: Database, options: { onEvent?: (e: PipelineEvent) => void; signal?: AbortSignal }): Promise<PipelineSummary>;
  close(): Promise<void>;
}

/**
 * Checks every flag (and reads the servers file) before anything runs; opens pg-boss for --distributed.
 * Each run reads the servers file again, so a long-running schedule sees its edits.
 */
export async function prepareRun(flags: RunFlags): Promise<PreparedRun> {
  const sources = await parseSources(flags);
  const crawl = {
    ...crawlOptionsFrom(flags),
    concurrency: countFlag('--concurrency', flags.concurrency),
    perHostConcurrency: countFlag('--per-host', flags.perHost),
    runOptions: sources.described,
  };
  const freshForMs = parseDuration('--fresh-for', flags.freshFor);
  const workers = wholeNumber('--build-workers', flags.buildWorkers, 1, 64);
  try {
    new URL(flags.siteUrl);
  } catch {
    throw new UsageError(`--site-url must be an absolute URL, got ${JSON.stringify(flags.siteUrl)}`);
  }
  const queue = queueSettings(flags);
  const boss = flags.distributed ? await openBoss(requirePostgres(process.env.DATABASE_URL, '--distributed'), { timing: bossTiming(flags) }) : undefined;
  return {
    async run(db, { onEvent, signal }) {
      const current = flags.servers ? await parseSources(flags) : sources;
      const gathered = await gatherSources(current, db.orm, { signal, log: (line) => console.error(line) });
      const sourced = gathered.servers;
      const refusal = await sandboxRefusal(sourced, crawl.unsafeNoSandbox);
      if (refusal) throw new Error(refusal);
      const summary = await runPipeline(db, {
        sourced,
        crawl,
        distributed: boss ? { boss, queue } : undefined,
        freshForMs,
        site: flags.build ? { outDir: flags.out ?? defaultSiteDir(), siteUrl: flags.siteUrl, workers } : null,
        forceBuild: flags.forceBuild,
        onEvent,
        signal,
      });
      await gathered.settle(summary.crawl);
      return summary;
    },
    close: async () => void (boss && (await closeBoss(boss))),
  };
}

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description('The main job: crawl the servers, classify every new tool, build the site; then print a summary. A second run in a row only re-checks.');
  addRunFlags(command)
    .option('--json', 'print the summary as JSON')
    .action(async (flags: RunFlags & { json?: boolean }) => {
      const prepared = await prepareRun(flags);
      const db = await openDatabase();
      const interrupts = interruptOnSignals();
      const progress = pipelineProgress();
      try {
        const summary = await prepared.run(db, { onEvent: flags.json ? undefined : (e) => progress.event(e), signal: interrupts.signal });
        progress.done();
        if (flags.json) return printJson(summary);
        console.log(describeSummary(summary).join('\n'));
        if (summary.site.outDir) console.log(`\nBrowse it: toolrisk serve --dir ${summary.site.outDir}`);
      } finally {
        interrupts.dispose();
        await prepared.close();
        await db.close();
      }
    });
}

/** `0`, `90s`, `30m`, `12h`, `2d` as milliseconds, or a UsageError naming the flag. */
export function parseDuration(flag: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/.exec(value.trim());
  if (!match) throw new UsageError(`${flag} must be a duration such as 0, 90s, 30m, 12h or 2d, got ${JSON.stringify(value)}`);
  const units: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const unit = units[match[2] ?? 's'];
  return Math.round(Number(match[1]) * unit);
}
