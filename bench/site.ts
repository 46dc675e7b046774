import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../db/index.ts';
import { generateCatalogue } from './generate.ts';
import { megabytes, runMeasured } from './measure.ts';
import { classifyCatalogue } from '../pipeline/classify.ts';
import { seedCatalogue } from './seed.ts';
import { round } from './store.ts';
import type { Figures } from './types.ts';

const CLI = fileURLToPath(new URL('../cli/bin.js', import.meta.url));

export interface SiteParams {
  tools: number;
  /** Keep the built site and its database (printed) instead of deleting them. */
  keep?: boolean;
}

/**
 * `toolrisk build` over a synthetic catalogue of `tools` tools in the default embedded database, stored and
 * classified first (not timed). The build runs as its own process, as a user runs it; its whole process tree
 * (render workers, search indexer) is sampled for peak resident memory.
 */
export async function benchSite(params: SiteParams, log: (line: string) => void): Promise<Figures> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-bench-site-'));
  try {
    const at = new Date('2026-01-01T00:00:00Z');
    const seedStarted = performance.now();
    const db = await openDatabase({ dataDir: path.join(dataDir, 'db'), env: {} });
    let classified = 0;
    try {
      await seedCatalogue(db.orm, generateCatalogue({ tools: params.tools }), { at, mode: 'batched', batchServers: 500 });
      ({ classified } = await classifyCatalogue(db.orm, { now: () => at }));
    } finally {
      await db.close();
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    log(`stored and classified ${params.tools} tools in ${seedSeconds.toFixed(0)} s; building`);

    const outDir = path.join(dataDir, 'site');
    const env: NodeJS.ProcessEnv = { ...process.env, TOOLRISK_DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    const build = await runMeasured(process.execPath, [CLI, 'build', '--out', outDir, '--json'], { env });
    if (build.exitCode !== 0) throw new Error(`toolrisk build exited with ${build.exitCode}:\n${build.output.slice(-4000)}`);
    const stats = JSON.parse(build.stdout) as Record<string, number>;
    const seconds = build.wallMs / 1000;
    const outputBytes = Number(execFileSync('du', ['-sb', outDir], { encoding: 'utf8' }).split('\t')[0]);
    if (params.keep) log(`kept ${dataDir}`);
    return {
      tools: stats.tools,
      servers: stats.servers,
      'classifications stored': classified,
      pages: stats.pages,
      files: stats.files,
      'search documents': stats.searchDocuments,
      'build seconds (process wall)': round(seconds, 1),
      'pages/s': Math.round(stats.pages / seconds),
      'tools/s': Math.round(stats.tools / seconds),
      'peak RSS of the build process tree, MB': megabytes(build.peakRssBytes),
      'peak RSS the build reports for its main process, MB': stats.peakRssMb,
      'output MB': megabytes(outputBytes),
      'seed + classify seconds (not timed)': round(seedSeconds, 0),
    };
  } finally {
    // rm is many times faster than a recursive rmSync over a million small files.
    if (!params.keep) execFileSync('rm', ['-rf', dataDir]);
  }
}
