import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { serveSite } from '../../site/render/serve.ts';
import { UsageError } from '../errors.ts';
import { defaultSiteDir } from './build.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Preview the built site on 127.0.0.1.')
    .option('--port <n>', 'port (0 picks a free one)', '4321')
    .option('--dir <dir>', 'the built site (default: $TOOLRISK_DATA_DIR/site, or ./data/site)')
    .action(async (options: { port: string; dir?: string }) => {
      const dir = options.dir ?? defaultSiteDir();
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('--port must be a port number (0–65535)');
      if (!existsSync(path.join(dir, 'index.html'))) {
        throw new Error(`No built site in ${dir}: run \`toolrisk build --out ${dir}\` first.`);
      }
      const { url } = await serveSite(dir, port);
      console.log(`Serving ${path.resolve(dir)} at ${url} (Ctrl+C to stop)`);
      await new Promise(() => {});
    });
}
