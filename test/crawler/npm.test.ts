import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crawlTarget, installNpmPackage, parseNpmSpec, resolveVersion, type NpmTarget } from '../../crawler/index.ts';
import { ROOT, readableTempDir } from './helpers.ts';

// The fixture package is installed from its folder (`name@file:…`), so these tests never reach a registry.
const FIXTURE = 'toolrisk-fixture-token-server';
const VERSION = `file:${path.join(ROOT, 'test', 'fixtures', 'servers', 'npm-token-server')}`;
const cacheDir = readableTempDir('toolrisk-npm-cache-');
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const target = (fields: Partial<NpmTarget>): NpmTarget => ({
  kind: 'npm',
  serverId: 'token-server',
  package: FIXTURE,
  version: VERSION,
  args: [],
  env: {},
  placeholders: [],
  ...fields,
});

describe('npm packages', () => {
  it('parses package specs', () => {
    expect(parseNpmSpec('@modelcontextprotocol/server-memory@2025.9.25')).toEqual({ name: '@modelcontextprotocol/server-memory', version: '2025.9.25' });
    expect(parseNpmSpec('left-pad')).toEqual({ name: 'left-pad', version: undefined });
    expect(parseNpmSpec('@scope/pkg')).toEqual({ name: '@scope/pkg', version: undefined });
    expect(() => parseNpmSpec('not a package')).toThrow(/not an npm package name/);
    expect(() => parseNpmSpec('pkg@$(rm -rf)')).toThrow(/not an npm version/);
  });

  it('installs into its cache folder once, without scripts, and resolves the bin', async () => {
    const installed = await installNpmPackage(FIXTURE, VERSION, { cacheDir });
    expect(installed.dir.startsWith(cacheDir)).toBe(true);
    expect(installed.version).toBe('1.0.0');
    expect(installed.command).toBe(process.execPath);
    expect(installed.args[0]).toBe(path.join(installed.packageDir, 'index.js'));
    expect(existsSync(path.join(installed.dir, '.complete'))).toBe(true);
    // Reused: a broken npm would fail if it were asked again.
    const again = await installNpmPackage(FIXTURE, VERSION, { cacheDir, npmCommand: 'false' });
    expect(again.dir).toBe(installed.dir);
  });

  it('resolves a range or no version to the exact version npm reports, and fails clearly when none matches', async () => {
    // A stand-in for npm that answers `npm view` as the registry would.
    const bin = path.join(cacheDir, 'fake-npm.mjs');
    writeFileSync(
      bin,
      `#!${process.execPath}\nconst spec = process.argv[3];\nif (spec === 'pkg@^1') console.log(JSON.stringify(['1.0.0', '1.4.2']));\nelse if (spec === 'pkg@latest') console.log(JSON.stringify('2.0.1'));\nelse process.stdout.write('');\n`,
    );
    chmodSync(bin, 0o755);
    expect(await resolveVersion('pkg', '^1', { npmCommand: bin })).toBe('1.4.2');
    expect(await resolveVersion('pkg', 'latest', { npmCommand: bin })).toBe('2.0.1');
    await expect(resolveVersion('pkg', '^9', { npmCommand: bin })).rejects.toThrow(/npm has no version of pkg matching "\^9"/);
    await expect(installNpmPackage('pkg', '^9', { cacheDir, npmCommand: bin })).rejects.toMatchObject({ outcome: 'unreachable' });
  });

  it('gives required variables fake placeholders and never the crawler’s own environment', async () => {
    process.env.TOOLRISK_TEST_CRAWLER_SECRET = 'do-not-leak';
    try {
      const result = await crawlTarget(
        target({ env: { FIXTURE_TOKEN: 'TOOLRISK_PLACEHOLDER_FIXTURE_TOKEN' }, placeholders: ['FIXTURE_TOKEN'], args: ['--flag', 'value'] }),
        { npm: { cacheDir } },
      );
      expect(result.error).toBeUndefined();
      expect(result.outcome).toBe('ok');
      const description = result.tools![0].description!;
      expect(description).toContain('token=TOOLRISK_PLACEHOLDER_FIXTURE_TOKEN');
      expect(description).toContain('args=--flag value');
      expect(description).not.toContain('TOOLRISK_TEST_CRAWLER_SECRET');
      expect(result.details).toMatchObject({ npmVersion: '1.0.0', placeholders: ['FIXTURE_TOKEN'] });
    } finally {
      delete process.env.TOOLRISK_TEST_CRAWLER_SECRET;
    }
  });

  it('reports needs_config with the names when the server still cannot start', async () => {
    const result = await crawlTarget(
      target({ env: { FIXTURE_TOKEN: 'TOOLRISK_PLACEHOLDER_FIXTURE_TOKEN', FIXTURE_STRICT: '1' }, placeholders: ['FIXTURE_TOKEN'] }),
      { npm: { cacheDir } },
    );
    expect(result.outcome).toBe('needs_config');
    expect(result.error).toMatch(/placeholder values for FIXTURE_TOKEN/);
    expect(result.stderr).toContain('FIXTURE_TOKEN is missing or invalid');
  });

  it('reports crashed when no configuration was asked for', async () => {
    const result = await crawlTarget(target({}), { npm: { cacheDir } });
    expect(result.outcome).toBe('crashed');
  });
});
