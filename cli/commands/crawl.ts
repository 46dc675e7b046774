import type { Command } from 'commander';
import { crawlServers } from '../../crawler/crawl-entry.ts';
import type { ResumableCrawlSummary } from '../../crawler/run-lifecycle.ts';
import { openDatabase } from '../../db/index.ts';
import { addCrawlFlags, addPoolFlags } from '../crawl-flags.ts';
import { progressReporter } from '../crawl-progress.ts';
import { addSourceFlags, crawlGathered } from '../crawl-sources.ts';
import { addDistributedFlags, queueProgressReporter } from '../distributed-crawl.ts';
import { interruptOnSignals } from '../interrupts.ts';
import { formatTable, printJson } from '../output.ts';
import { crawlConfigFrom, type CrawlCommandFlags } from '../run-config.ts';
import { storageError } from '../storage-error.ts';

export function registerCrawl(program: Command): void {
  const command = program
    .command('crawl')
    .description('List the tools of MCP servers from the MCP Registry and/or a servers file, and store them in the catalogue.');
  addPoolFlags(addSourceFlags(command));
  addDistributedFlags(addCrawlFlags(command))
    .option('--json', 'print the run summary as JSON')
    .action(async (flags: CrawlCommandFlags & { json?: boolean }) => crawl(flags));
}

async function crawl(flags: CrawlCommandFlags & { json?: boolean }): Promise<void> {
  const config = await crawlConfigFrom(flags);
  const database = await openDatabase();
  // Ctrl-C/SIGTERM: the run is marked interrupted, finished attempts kept, every server killed; the next
  // crawl with the same sources completes it.
  const interrupts = interruptOnSignals();
  try {
    const log = (line: string) => console.error(line);
    const progress = progressReporter();
    const summary = await crawlGathered(
      config.sources,
      database.orm,
      { unsafeNoSandbox: config.crawl.settings.unsafeNoSandbox ?? false, signal: interrupts.signal, log: flags.json ? undefined : log },
      (servers) =>
        crawlServers(database.orm, servers, config.crawl, {
          signal: interrupts.signal,
          log,
          onProgress: flags.json ? undefined : (p) => progress.update(p),
          onQueueProgress: flags.json ? undefined : queueProgressReporter(log),
        }),
      (summary) => summary,
    );
    progress.done();
    if (flags.json) return printJson(summary);
    printSummary(summary);
  } catch (error) {
    throw storageError(error, database);
  } finally {
    interrupts.dispose();
    await database.close();
    process.exitCode = interrupts.exitCode() ?? process.exitCode;
  }
}

function printSummary(summary: ResumableCrawlSummary): void {
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
}
