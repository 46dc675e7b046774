import type { Command } from 'commander';
import { crawlOrResume, type ResumableCrawlSummary } from '../../crawler/run-lifecycle.ts';
import { interruptOnSignals } from '../interrupts.ts';
import { sandboxRefusal } from '../../crawler/sandbox/index.ts';
import { openDatabase } from '../../db/index.ts';
import { storageError } from '../storage-error.ts';
import { addCrawlFlags, countFlag, crawlOptionsFrom, type CrawlFlags } from '../crawl-flags.ts';
import { progressReporter } from '../crawl-progress.ts';
import { addSourceFlags, gatherSources, parseSources, type SourceFlags } from '../crawl-sources.ts';
import { addDistributedFlags, checkDistributed, crawlDistributed, type DistributedFlags } from '../distributed-crawl.ts';
import { formatTable, printJson } from '../output.ts';

interface CrawlCommandFlags extends CrawlFlags, SourceFlags, DistributedFlags {
  concurrency?: string;
  perHost?: string;
  json?: boolean;
}

export function registerCrawl(program: Command): void {
  const command = program
    .command('crawl')
    .description('List the tools of MCP servers from the MCP Registry and/or a servers file, and store them in the catalogue.');
  addSourceFlags(command)
    .option('--concurrency <n>', 'local (stdio) attempts at once (default 4; remote targets have their own pool of 64)')
    .option('--per-host <n>', 'attempts at once against one remote host (default 2)');
  addDistributedFlags(addCrawlFlags(command))
    .option('--json', 'print the run summary as JSON')
    .action(async (flags: CrawlCommandFlags) => crawl(flags));
}

async function crawl(flags: CrawlCommandFlags): Promise<void> {
  checkDistributed(flags);
  const sources = await parseSources(flags);
  const options = {
    ...crawlOptionsFrom(flags),
    concurrency: countFlag('--concurrency', flags.concurrency),
    perHostConcurrency: countFlag('--per-host', flags.perHost),
  };
  const database = await openDatabase();
  // Ctrl-C/SIGTERM: the run is marked interrupted, finished attempts kept, every server killed; the next
  // crawl with the same sources completes it.
  const interrupts = interruptOnSignals();
  try {
    const gathered = await gatherSources(sources, database.orm, { signal: interrupts.signal, log: flags.json ? undefined : (line) => console.error(line) });
    const selected = gathered.servers;
    const refusal = await sandboxRefusal(selected, options.unsafeNoSandbox);
    if (refusal) throw new Error(refusal);
    const progress = progressReporter();
    const resumeKey = JSON.stringify({ ...sources.described, ...(flags.distributed ? { distributed: true } : {}) });
    const log = (line: string) => console.error(line);
    const summary: ResumableCrawlSummary = flags.distributed
      ? await crawlDistributed(database, selected, flags, {
          ...options,
          runOptions: sources.described,
          resumeKey,
          signal: interrupts.signal,
          quiet: flags.json,
          log,
        })
      : await crawlOrResume(database.orm, selected, {
          ...options,
          signal: interrupts.signal,
          runOptions: sources.described,
          resumeKey,
          log,
          onProgress: flags.json ? undefined : (p) => progress.update(p),
        });
    progress.done();
    await gathered.settle(summary);
    if (flags.json) return printJson(summary);
    console.log(
      formatTable(
        ['outcome', 'servers'],
        Object.entries(summary.outcomes).sort(([, a], [, b]) => b! - a!),
      ),
    );
    const failures = summary.results.filter((r) => r.outcome !== 'ok');
    if (failures.length > 0) {
      console.log();
      console.log(
        formatTable(
          ['server', 'outcome', 'error'],
          failures.slice(0, 30).map((r) => [r.serverId, r.outcome, r.error ?? '']),
        ),
      );
      if (failures.length > 30) console.log(`… and ${failures.length - 30} more (toolrisk crawl --json lists them all)`);
    }
    console.log();
    if (summary.resumed) console.log(`completing interrupted run ${summary.resumed.runId}: ${summary.resumed.alreadyDone} servers were already done`);
    console.log(
      `run ${summary.runId} ${summary.status}: ${summary.servers} servers, ${summary.outcomes.ok ?? 0} listed, ${summary.changes} tool changes, ${(summary.durationMs / 1000).toFixed(1)}s`,
    );
  } catch (error) {
    throw storageError(error, database);
  } finally {
    interrupts.dispose();
    await database.close();
    process.exitCode = interrupts.exitCode() ?? process.exitCode;
  }
}
