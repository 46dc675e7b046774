import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { openDatabase } from '../../db/index.ts';
import { serveSite } from '../../site/render/serve.ts';
import { unsafeNoSandboxOption } from '../crawl-flags.ts';
import { formatChecks, runChecks } from '../doctor.ts';
import { interruptOnSignals, untilAborted } from '../interrupts.ts';
import { printable } from '../output.ts';
import { wholeNumberFlag } from '../flag-schemas.ts';
import { describeSummary, pipelineProgress } from '../pipeline-report.ts';
import { runConfigFrom } from '../run-config.ts';
import { defaultSiteDir } from './build.ts';
import { runOnce } from './run.ts';

/** The bundled list of real, credential-free MCP servers published on npm. */
export const DEFAULT_SERVERS_FILE = fileURLToPath(new URL('../../servers/default.yaml', import.meta.url));

export function registerStart(program: Command): void {
  program
    .command('start')
    .description(
      `The newcomer's main job (npm start): run the pipeline on the embedded database over the bundled servers file ` +
        `(${path.relative(process.cwd(), DEFAULT_SERVERS_FILE) || DEFAULT_SERVERS_FILE}), then serve the site on localhost.`,
    )
    .option('--port <n>', 'where to serve the site (taken: any free port)', '4321')
    .option('--no-serve', 'build the catalogue and exit')
    .addOption(unsafeNoSandboxOption())
    .action(async (options: { port: string; serve: boolean; unsafeNoSandbox?: boolean }) => {
      const port = wholeNumberFlag('--port', options.port, 0, 65535)!;
      // The defaults of `run`, over the bundled servers, with start's own flags.
      const outDir = defaultSiteDir();
      const siteUrl = `http://127.0.0.1:${port}/`;
      const config = await runConfigFrom({ servers: DEFAULT_SERVERS_FILE, out: outDir, siteUrl, unsafeNoSandbox: options.unsafeNoSandbox });
      // Quietly: only what is missing is printed, each with the command that installs it.
      for (const line of formatChecks(await runChecks({ database: false }), true)) console.error(`toolrisk doctor: ${line}`);
      const db = await openDatabase();
      const interrupts = interruptOnSignals();
      const progress = pipelineProgress();
      console.error(`toolrisk: crawling the ${path.basename(DEFAULT_SERVERS_FILE)} servers into ${db.location} (the first run installs them from npm)`);
      try {
        const summary = await runOnce(db, config, { onEvent: (e) => progress.event(e), signal: interrupts.signal });
        progress.done();
        console.log(describeSummary(summary).join('\n'));
      } finally {
        interrupts.dispose();
        await db.close();
      }
      if (!options.serve || interrupts.signal.aborted) return;
      const { server, url } = await serveSite(outDir, port).catch(() => serveSite(outDir, 0));
      console.log(`\nThe catalogue is at ${printable(url)} (Ctrl-C stops the server).`);
      const stop = interruptOnSignals({ stopping: 'closing the server' });
      await untilAborted(stop.signal);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      stop.dispose();
    });
}
