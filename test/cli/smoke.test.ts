import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commands } from '../../cli/commands/index.ts';
import { ROOT, spawnCli, toolrisk } from '../helpers/cli.ts';

// The few tests that start the real `toolrisk` binary (cli/bin.js) as a user does; every other CLI test runs the
// commands in-process (test/helpers/cli.ts).
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };

describe('the toolrisk binary', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-smoke-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints its version, and a help that lists every command with examples', async () => {
    const version = await spawnCli(['--version'], { env });
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version);

    const help = await spawnCli(['--help'], { env });
    expect(help.code, help.stderr).toBe(0);
    for (const command of commands) expect(help.stdout).toMatch(new RegExp(`^  ${command.name} `, 'm'));
    expect(help.stdout).toMatch(/\nExamples:\n {2}toolrisk start/);
  });

  it("shows every command's own help with its examples (in-process: loading each command is what is tested)", async () => {
    for (const command of commands) {
      const help = await toolrisk([command.name, '--help'], { env });
      expect(help.code, `${command.name}: ${help.stderr}`).toBe(0);
      expect(help.stdout).toContain(`Usage: toolrisk ${command.name}`);
      expect(help.stdout).toContain(`Examples:\n  ${command.examples[0]}`);
    }
  });

  it('opens (and migrates) a new embedded database, and exits 2 on a command it does not know, suggesting one', async () => {
    const status = await spawnCli(['db', 'status', '--json'], { env: { ...env, TOOLRISK_DATA_DIR: dataDir } });
    expect(status.code, status.stderr).toBe(0);
    const parsed = JSON.parse(status.stdout);
    expect(parsed).toMatchObject({ backend: 'pglite', location: path.join(dataDir, 'db') });
    expect(parsed.schemaVersion.applied).toBe(parsed.schemaVersion.available);

    const typo = await spawnCli(['crawll'], { env });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain("error: unknown command 'crawll'\n(Did you mean crawl?)");
  });
});
