/**
 * Coverage of the real ecosystem: serves a registry snapshot on loopback, syncs it, and crawls its npm servers
 * (real installs from the npm registry; the servers themselves run sandboxed without network). Remotes are
 * never contacted (allowlist 127.0.0.1). Prints outcomes by kind and the share of servers that installed and
 * started whose tools were listed.
 *
 *   npx tsx bench/registry-coverage.ts [--sample N] [--seed S] [--only id,id…] [--concurrency C] [--out file.json]
 *
 * Not a test: it needs the npm registry and takes long. Its database is a fresh PGlite in a temporary folder.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runCrawl, syncRegistry } from '../crawler/index.ts';
import { openDatabase } from '../db/index.ts';
import { startRegistry } from '../test/fixtures/servers/registry.ts';

const { values } = parseArgs({
  options: {
    snapshot: { type: 'string', default: 'datasets/registry-snapshot-2025-12-18.json' },
    sample: { type: 'string' },
    seed: { type: 'string', default: '13' },
    concurrency: { type: 'string', default: '3' },
    out: { type: 'string' },
    /** Only these server ids (e.g. those that installed and started in an earlier full run). */
    only: { type: 'string' },
  },
});

const entries = JSON.parse(readFileSync(values.snapshot!, 'utf8')) as unknown[];
const registry = await startRegistry(() => entries);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-coverage-'));
const db = await openDatabase({ dataDir });
try {
  const sync = await syncRegistry(db.orm, { baseUrl: registry.url });
  const npm = sync.servers.filter((s) => s.targets.some((t) => t.kind === 'npm'));
  const only = values.only ? new Set(values.only.split(',')) : undefined;
  const pool = only ? npm.filter((s) => only.has(s.server.id)) : npm;
  const chosen = values.sample ? sample(pool, Number(values.sample), Number(values.seed)) : pool;
  console.error(`${sync.servers.length} servers, ${npm.length} with an npm package; crawling ${chosen.length} (seed ${values.seed})`);
  // Only the npm targets: the question is how many npm servers list their tools.
  const sourced = chosen.map((s) => ({ ...s, targets: s.targets.filter((t) => t.kind === 'npm') }));
  const summary = await runCrawl(db.orm, sourced, {
    concurrency: Number(values.concurrency),
    network: { allowHosts: ['127.0.0.1'] },
    retry: { retries: 0, baseDelayMs: 0 },
    onProgress: (p) => console.error(`${p.done}/${p.total} ${p.outcome} ${p.serverId}`),
  });
  const installFailures = new Set(['package_not_found', 'version_not_found', 'install_failed', 'install_timeout', 'refused_by_policy', 'unsupported_runtime']);
  const started = summary.results.filter((r) => !installFailures.has(r.outcome));
  const listed = started.filter((r) => r.outcome === 'ok');
  const report = {
    snapshot: values.snapshot,
    npmServers: npm.length,
    crawled: chosen.length,
    seed: values.seed,
    outcomes: summary.outcomes,
    installedAndStarted: started.length,
    listed: listed.length,
    share: started.length > 0 ? Math.round((1000 * listed.length) / started.length) / 10 : null,
    durationS: Math.round(summary.durationMs / 1000),
    failures: summary.results.filter((r) => r.outcome !== 'ok').map((r) => ({ server: r.serverId, outcome: r.outcome, error: r.error?.slice(0, 300) })),
  };
  console.log(JSON.stringify({ ...report, failures: undefined }, null, 2));
  if (values.out) writeFileSync(values.out, JSON.stringify(report, null, 2));
} finally {
  await db.close();
  await registry.close();
}

/** A seeded random sample (mulberry32), so that the same seed picks the same servers. */
function sample<T>(items: readonly T[], n: number, seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, Math.min(n, copy.length));
}
