import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { serveSite } from '../../site/build/serve.ts';
import { UsageError } from '../errors.ts';
import { DEFAULT_SITE_DIR } from './build.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Preview the built site on 127.0.0.1.')
    .option('--port <n>', 'port (0 picks a free one)', '4321')
    .option('--dir <dir>', 'the built site', DEFAULT_SITE_DIR)
    .action(async (options: { port: string; dir: string }) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a port number (0–65535)');
      if (!existsSync(path.join(options.dir, 'index.html'))) {
        throw new Error(`No built site in ${options.dir}: run \`toolrisk build --out ${options.dir}\` first.`);
      }
      const { url } = await serveSite(options.dir, port);
      console.log(`Serving ${path.resolve(options.dir)} at ${url} (Ctrl+C to stop)`);
      await new Promise(() => {});
    });
}
