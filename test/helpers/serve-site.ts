import { spawn, type ChildProcess } from 'node:child_process';
import { chromium, type Browser } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts `toolrisk serve` on a free port for a built site; resolves once it prints its URL. */
export async function serveSite(cli: string, siteDir: string, env: NodeJS.ProcessEnv, cwd: string): Promise<{ serve: ChildProcess; baseUrl: string }> {
  const serve = spawn(process.execPath, [cli, 'serve', '--port', '0', '--dir', siteDir], { env, cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    serve.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (match) resolve(match[1]);
    });
    serve.once('exit', (code) => reject(new Error(`toolrisk serve exited with ${code}`)));
  });
  return { serve, baseUrl };
}

/** The system Chromium, headless, with nothing of its own going to the network. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}
