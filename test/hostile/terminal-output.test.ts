import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InitializeResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, describe, expect, it } from 'vitest';
import { failureOf } from '../../crawler/connect/outcome.ts';
import { toolrisk as runToolrisk } from '../helpers/cli.ts';
import { migratedDataDir } from '../helpers/databases.ts';
import { FIXTURES } from './cases.ts';

const SERVER = join(FIXTURES, 'stdio-server.mjs');
const folder = migratedDataDir('toolrisk-terminal-');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** ESC, BEL, CSI (8-bit), bidi overrides and isolates: none may reach the terminal raw. */
const RAW = /[\u001b\u0007\u009b\u202a-\u202e\u2066-\u2069]/;

async function toolrisk(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return runToolrisk(args, { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TOOLRISK_DATA_DIR: folder } });
}

describe('hostile server metadata never reaches the terminal raw', () => {
  it('check: the server line and the tools table', async () => {
    const { stdout, stderr } = await toolrisk(['check', '--', process.execPath, SERVER, 'hostile-info']);
    expect(stdout).toContain('\\u{1b}]0;pwned title\\u{7}evil');
    expect(stdout).toContain('\\u{202e}');
    expect(stdout + stderr).not.toMatch(RAW);
  });

  it('check --json: the same values, with every terminal-changing character escaped', async () => {
    const { stdout } = await toolrisk(['check', '--json', '--', process.execPath, SERVER, 'hostile-info']);
    expect(stdout).not.toMatch(RAW);
    const parsed = JSON.parse(stdout);
    expect(parsed.server.name).toBe('\u001b]0;pwned title\u0007evil\u001b[31m-red\u202Etxt.exe');
    expect(parsed.tools[0].description).toContain('\u009b31m');
  });

  it('crawl: the progress lines and the summary', async () => {
    const file = join(folder, 'servers.json');
    const hostileId = '\u001b]0;owned\u0007srv\u202Egnp.exe';
    writeFileSync(
      file,
      JSON.stringify({
        servers: [
          { id: hostileId, command: process.execPath, args: [SERVER, 'hostile-info'], cwd: FIXTURES },
          { id: `${hostileId}-2`, command: process.execPath, args: [SERVER, 'hang-initialize'], cwd: FIXTURES },
        ],
      }),
    );
    const { stdout, stderr } = await toolrisk(['crawl', '--servers', file, '--timeout', '2']);
    expect(stderr).toMatch(/\d\/2 ok \\u\{1b\}\]0;owned\\u\{7\}srv\\u\{202e\}gnp\.exe/);
    expect(stdout).toMatch(/timeout/);
    expect(stdout + stderr).not.toMatch(RAW);
  });

  it('a malformed answer is described in a sentence, not as a dump of zod issues', () => {
    const parsed = InitializeResultSchema.safeParse({ protocolVersion: 1, capabilities: 'none' });
    expect(parsed.success).toBe(false);
    const failure = failureOf(parsed.error, false);
    expect(failure.outcome).toBe('protocol_error');
    expect(failure.error).toMatch(/^The server's answer is not a valid MCP message: protocolVersion: .+; capabilities: .+/);
    expect(failure.error).not.toMatch(/^\[|"code":/);
  });
});
