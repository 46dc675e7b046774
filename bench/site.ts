import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, type Database } from '../db/index.ts';
import { addCrawlHistory, churnCatalogue } from './churn.ts';
import { generateCatalogue } from './generate.ts';
import { megabytes, runMeasured } from './measure.ts';
import { classifyCatalogue } from '../pipeline/classify.ts';
import { seedCatalogue } from './seed.ts';
import { throwawayDatabase } from './throwaway.ts';
import { round } from './store.ts';
import type { Figures } from './types.ts';

const CLI = fileURLToPath(new URL('../cli/bin.js', import.meta.url));

export interface SiteParams {
  tools: number;
  /** Where the catalogue is: the embedded database (the default, as a user starts) or a new database on `postgresUrl`. */
  backend?: 'pglite' | 'postgres';
  postgresUrl?: string;
  /** After the full build, a crawl that changes this share of the tools, then an incremental build (default 0.01). */
  churn?: number;
  /** Nights of crawl history (a run a night, an attempt a server) stored before the catalogue's own crawl (default 0). */
  history?: number;
  /** Keep the built site and its database, embedded or PostgreSQL (printed), instead of deleting them. */
  keep?: boolean;
}

/**
 * `toolrisk build` over a synthetic catalogue of `tools` tools in the default embedded database, stored and
 * classified first (not timed). The build runs as its own process, as a user runs it; its whole process tree
 * (render workers, search indexer) is sampled for peak resident memory.
 */
export async function benchSite(params: SiteParams, log: (line: string) => void): Promise<Figures> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-bench-site-'));
  if (params.backend === 'postgres' && !params.postgresUrl) throw new Error('The site case on PostgreSQL needs postgresUrl.');
  const postgres = params.backend === 'postgres' ? await throwawayDatabase('postgres', params.postgresUrl!) : null;
  const open = () => openDatabase({ ...(postgres ? { url: postgres.url } : { dataDir: path.join(dataDir, 'db') }), env: {} });
  try {
    const at = new Date('2026-01-01T00:00:00Z');
    const seedStarted = performance.now();
    const db = await open();
    let classified = 0;
    try {
      await seedCatalogue(db.orm, generateCatalogue({ tools: params.tools }), { at, mode: 'batched', batchServers: 500 });
      if (params.history) await addCrawlHistory(db.orm, params.history, at);
      ({ classified } = await classifyCatalogue(db.orm, { now: () => at }));
    } finally {
      await db.close();
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`stored and classified ${params.tools} tools in ${seedSeconds.toFixed(0)} s; building`);

    const outDir = path.join(dataDir, 'site');
    const env: NodeJS.ProcessEnv = { ...process.env, TOOLRISK_DATA_DIR: dataDir };
    if (postgres) env.DATABASE_URL = postgres.url;
    else delete env.DATABASE_URL;
    const runBuild = async () => {
      const loadAtStart = os.loadavg()[0];
      const build = await runMeasured(process.execPath, [CLI, 'build', '--out', outDir, '--json'], { env });
      if (build.exitCode !== 0) throw new Error(`toolrisk build exited with ${build.exitCode}:\n${build.output.slice(-4000)}`);
      // The build's own phase log ("  server fingerprints: 0.4 s"), so a report shows where the time went.
      for (const line of build.output.split('\n')) if (/^ {2}\S.*: \d+(\.\d+)? s$/.test(line)) log(`  ${line.trim()}`);
      return {
        stats: JSON.parse(build.stdout) as Record<string, number> & { mode: string },
        seconds: build.wallMs / 1000,
        peakRssBytes: build.peakRssBytes,
        load: `${loadAtStart.toFixed(1)} → ${os.loadavg()[0].toFixed(1)}`,
      };
    };
    const full = await runBuild();
    const stats = full.stats;
    const seconds = full.seconds;
    const outputBytes = Number(execFileSync('du', ['-sb', outDir], { encoding: 'utf8' }).split('\t')[0]);
    const outputFiles = Number(execFileSync('sh', ['-c', 'find "$1" -type f | wc -l', 'sh', outDir], { encoding: 'utf8' }).trim());
    const outputFolders = Number(execFileSync('sh', ['-c', 'find "$1" -type d | wc -l', 'sh', outDir], { encoding: 'utf8' }).trim());
    // du counts each folder's own block too; the files' bytes alone are what a static host stores and serves.
    const fileBytes = Number(
      execFileSync('sh', ['-c', 'find "$1" -type f -printf "%s\\n" | awk "{s+=\\$1} END {printf \\"%d\\", s}"', 'sh', outDir], { encoding: 'utf8' }).trim(),
    );
    log(`full build: ${seconds.toFixed(1)} s; ${outputFiles} files, ${megabytes(outputBytes)} MB`);

    // A crawl that changed `churn` of the tools (and only those servers were crawled), then the nightly case:
    // the same share changed, but every server crawled again (each server page shows its last crawl).
    const incremental = async (recrawlAll: boolean, day: number) => {
      const db: Database = await open();
      try {
        await churnCatalogue(db.orm, { fraction: params.churn ?? 0.01, at: new Date(at.getTime() + day * 86_400_000), recrawlAll });
      } finally {
        await db.close();
      }
      const startedMs = Date.now();
      const run = await runBuild();
      if (run.stats.mode !== 'incremental') throw new Error(`expected an incremental build, got ${run.stats.mode}`);
      log(`incremental build${recrawlAll ? ' after a crawl of every server' : ''}: ${run.seconds.toFixed(1)} s, ${run.stats.rendered} pages rendered`);
      return { ...run, rewritten: rewrittenByFolder(outDir, startedMs) };
    };
    // The floor of every incremental build: what one costs when nothing changed since the last.
    const unchanged = await runBuild();
    if (unchanged.stats.mode !== 'incremental' || unchanged.stats.rendered > 1) {
      throw new Error(`expected an incremental build rendering the home page alone, got ${unchanged.stats.mode} rendering ${unchanged.stats.rendered}`);
    }
    log(`incremental build with nothing changed: ${unchanged.seconds.toFixed(1)} s`);
    const changedOnly = await incremental(false, 1);
    const nightly = await incremental(true, 2);
    const share = `${Math.round((params.churn ?? 0.01) * 1000) / 10}%`;
    if (params.keep) log(`kept ${dataDir}${postgres ? ` and ${postgres.url}` : ''}`);
    return {
      tools: stats.tools,
      servers: stats.servers,
      'crawl history stored first (nights, an attempt a server each)': params.history ?? 0,
      'classifications stored': classified,
      pages: stats.pages,
      'files written by the full build': stats.files,
      'output files (all)': outputFiles,
      'output folders': outputFolders,
      'files per tool (all files / tools)': round(outputFiles / stats.tools, 2),
      'output MB (du -sb: files and folders)': megabytes(outputBytes),
      'output file bytes per tool (KB)': round(fileBytes / stats.tools / 1000, 1),
      'output file bytes (GB, what a static host stores; target ≤ 6 at 500,000 tools)': round(fileBytes / 1e9, 3),
      'output per tool, folders included (du, KB)': round(outputBytes / stats.tools / 1000, 1),
      'output at 500,000 tools, extrapolated linearly (du, GB; target ≤ 6)': round(((outputBytes / stats.tools) * 500_000) / 1e9, 1),
      'search documents': stats.searchDocuments,
      'full build seconds (process wall)': round(seconds, 1),
      'full build load average start → end': full.load,
      'full build CPU seconds (the build process, all threads)': stats.cpuSeconds,
      'pages/s': Math.round(stats.pages / seconds),
      'tools/s': Math.round(stats.tools / seconds),
      'peak RSS of the build process tree, MB': megabytes(full.peakRssBytes),
      'peak RSS the build reports for its main process, MB': stats.peakRssMb,
      'incremental with nothing changed: seconds (the floor of every incremental build)': round(unchanged.seconds, 1),
      'incremental with nothing changed / full time': `${round((100 * unchanged.seconds) / seconds, 1)}%`,
      [`incremental after ${share} of tools changed (only those servers crawled): seconds`]: round(changedOnly.seconds, 1),
      [`incremental after ${share} changed: pages rendered, files written, deleted`]: `${changedOnly.stats.rendered}, ${changedOnly.stats.files}, ${changedOnly.stats.deleted}`,
      [`incremental after ${share} changed: files written / all, by folder`]: changedOnly.rewritten,
      [`incremental after ${share} changed: load average start → end`]: changedOnly.load,
      'incremental / full time': `${round((100 * changedOnly.seconds) / seconds, 1)}%`,
      [`incremental after ${share} changed: CPU seconds`]: changedOnly.stats.cpuSeconds,
      'incremental / full CPU': `${round((100 * changedOnly.stats.cpuSeconds) / stats.cpuSeconds, 1)}%`,
      [`incremental after ${share} changed and every server re-crawled: seconds`]: round(nightly.seconds, 1),
      [`incremental after ${share} changed and every server re-crawled: pages rendered`]: nightly.stats.rendered,
      [`incremental after ${share} changed and every server re-crawled: files written / all, by folder`]: nightly.rewritten,
      'incremental (every server re-crawled) / full time': `${round((100 * nightly.seconds) / seconds, 1)}%`,
      'seed + classify seconds (not timed)': round(seedSeconds, 0),
    };
  } finally {
    // rm is many times faster than a recursive rmSync over a million small files.
    if (params.keep) await postgres?.close();
    else {
      execFileSync('rm', ['-rf', dataDir]);
      await postgres?.dispose();
    }
  }
}

/**
 * How many of each top folder's files a build wrote (modified since `sinceMs`) against all it holds: the lists and the
 * search index are what a small crawl rewrites in proportion to the catalogue (bench/RESULTS.md).
 */
function rewrittenByFolder(outDir: string, sinceMs: number): string {
  const counts = new Map<string, [written: number, all: number]>();
  for (const entry of readdirSync(outDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const [folder] = path.relative(outDir, file).split(path.sep);
    const count = counts.get(folder) ?? [0, 0];
    count[1]++;
    if (statSync(file).mtimeMs >= sinceMs) count[0]++;
    counts.set(folder, count);
  }
  return [...counts]
    .filter(([, [, all]]) => all > 1)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([folder, [written, all]]) => `${folder} ${written}/${all}`)
    .join(', ');
}
