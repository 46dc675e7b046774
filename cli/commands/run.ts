import type { Command } from 'commander';
import { openDatabase, type Database } from '../../db/index.ts';
import { runPipeline, type PipelineEvent, type PipelineSummary } from '../../pipeline/run.ts';
import { crawlGathered, readSources } from '../crawl-sources.ts';
import { interruptOnSignals } from '../interrupts.ts';
import { printJson } from '../output.ts';
import { describeSummary, pipelineProgress } from '../pipeline-report.ts';
import { addRunFlags, runConfigFrom, type RunConfig, type RunFlags } from '../run-config.ts';

/**
 * Runs the pipeline once on an open database with a checked config. The servers file is read again at
 * each run, so a long-running schedule sees its edits.
 */
export async function runOnce(
  db: Database,
  config: RunConfig,
  options: { onEvent?: (e: PipelineEvent) => void; signal?: AbortSignal },
): Promise<PipelineSummary> {
  const sources = config.sources.serversFile ? await readSources(config.sources) : config.sources;
  return crawlGathered(
    sources,
    db.orm,
    { unsafeNoSandbox: config.crawl.settings.unsafeNoSandbox ?? false, signal: options.signal, log: (line) => console.error(line) },
    (sourced) => runPipeline(db, { ...config, sourced, ...options }),
    (summary) => summary.crawl,
  );
}

export function registerRun(program: Command): void {
  const command = program
    .command('run')
    .description('The main job: crawl the servers, classify every new tool, build the site; then print a summary. A second run in a row only re-checks.');
  addRunFlags(command)
    .option('--json', 'print the summary as JSON')
    .action(async (flags: RunFlags & { json?: boolean }) => {
      const config = await runConfigFrom(flags);
      const db = await openDatabase();
      const interrupts = interruptOnSignals();
      const progress = pipelineProgress();
      try {
        const summary = await runOnce(db, config, { onEvent: flags.json ? undefined : (e) => progress.event(e), signal: interrupts.signal });
        progress.done();
        if (flags.json) return printJson(summary);
        console.log(describeSummary(summary).join('\n'));
        if (summary.site.outDir) console.log(`\nBrowse it: toolrisk serve --dir ${summary.site.outDir}`);
      } finally {
        interrupts.dispose();
        await db.close();
      }
    });
}
