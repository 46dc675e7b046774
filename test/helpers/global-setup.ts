import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { REQUIRE_BANNER, sourceLocations } from '../../cli/bundle-source-urls.mjs';
import { MIGRATIONS_FOLDER, openDatabase } from '../../db/connection.ts';
import { compileViews } from '../../site/render/compile.ts';
import { compiledFixture, FIXTURES_OUT, TS_FIXTURES } from './fixtures.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PGlite folder: copy it, never open it. */
    pgliteTemplate: string;
    /** A migrated PostgreSQL database to create test databases from (CREATE DATABASE … TEMPLATE); '' without TEST_DATABASE_URL. */
    postgresTemplate: string;
    /** A folder for what outlives a test file (a worker's pooled database), deleted when the run ends. */
    runFolder: string;
  }
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Migrating a new database is most of a database test's set-up (PGlite: seconds), so it is done once: a migrated
 * PGlite folder that tests copy, and on PostgreSQL a migrated template database; so is compiling the site's views
 * (site/render/compile.ts), which every site build of a fresh clone would otherwise do at once. The tests that start
 * `toolrisk` as a process get the compiled CLI, as after `npm ci`, not the sources through tsx (seconds a start), and
 * the TypeScript fixtures they start as processes bundled (test/helpers/fixtures.ts).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  execFileSync(process.execPath, [path.join(ROOT, 'cli', 'build.mjs'), '--if-stale'], { stdio: 'inherit' });
  const adminUrl = process.env.TEST_DATABASE_URL;
  const [pglite, template] = await Promise.all([pgliteTemplate(), adminUrl ? postgresTemplate(adminUrl) : '', bundleFixtures(), compileViews()]);
  const runFolder = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-test-run-'));
  project.provide('pgliteTemplate', pglite);
  project.provide('postgresTemplate', template);
  project.provide('runFolder', runFolder);
  return async () => {
    rmSync(runFolder, { recursive: true, force: true });
    if (!adminUrl) return;
    const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
    try {
      await admin.unsafe(`drop database if exists "${template}" with (force)`);
    } finally {
      await admin.end({ timeout: 5 });
    }
  };
}

/**
 * The migrated PGlite folder, kept in node_modules/.cache between runs and named after what it depends on
 * (the migrations and the PGlite version), so only a change to either builds a new one.
 */
async function pgliteTemplate(): Promise<string> {
  const cache = path.join(ROOT, 'node_modules', '.cache', 'toolrisk-test');
  const folder = path.join(cache, `pglite-${templateKey()}`);
  if (existsSync(path.join(folder, 'PG_VERSION'))) return folder;
  mkdirSync(cache, { recursive: true });
  const building = mkdtempSync(`${folder}.building-`);
  const db = await openDatabase({ dataDir: building, env: {} });
  await db.close();
  try {
    renameSync(building, folder);
  } catch {
    // Another run made it first: use theirs.
    rmSync(building, { recursive: true, force: true });
  }
  return folder;
}

/**
 * Each TypeScript fixture in one self-contained file (packages included but PGlite), every run: it takes a fraction of a
 * second. `import.meta.url` stays its source file's URL (cli/bundle-source-urls.mjs), so code that finds files
 * beside its source (the migrations, the bundled servers file) still does. Written beside and renamed, so a file
 * another run is starting is never half written.
 */
async function bundleFixtures(): Promise<void> {
  mkdirSync(FIXTURES_OUT, { recursive: true });
  await Promise.all(
    TS_FIXTURES.map(async (file) => {
      const out = compiledFixture(file);
      const building = `${out}.${process.pid}`;
      await build({
        absWorkingDir: ROOT,
        entryPoints: [file],
        outfile: building,
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        banner: { js: REQUIRE_BANNER },
        // PGlite loads its WebAssembly and data files from beside its own module.
        external: ['@electric-sql/pglite', '@electric-sql/pglite/*'],
        plugins: [sourceLocations(FIXTURES_OUT)],
        logLevel: 'warning',
      });
      renameSync(building, out);
    }),
  );
}

function templateKey(): string {
  const hash = createHash('sha256');
  hash.update(readFileSync(path.join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json')));
  for (const name of readdirSync(MIGRATIONS_FOLDER, { recursive: true, encoding: 'utf8' }).sort()) {
    const file = path.join(MIGRATIONS_FOLDER, name);
    if (name.endsWith('.sql') || name.endsWith('.json')) hash.update(name).update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 12);
}

async function postgresTemplate(adminUrl: string): Promise<string> {
  const name = `toolrisk_template_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDatabase({ url: url.toString(), env: {} });
  await db.close();
  return name;
}
