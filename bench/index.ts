/**
 * npm run bench [-- --scale small|full] [--only store,classify,crawl,site] [--site-tools N,N…] [--postgres URL] [--out FILE]
 *
 * Runs every benchmark case in its own process (so each peak RSS is its own), prints each case's figures as
 * it finishes, and writes a Markdown report with the machine, the date and the command (by default
 * bench/results/<scale>.md; bench/RESULTS.md holds the curated figures and their analysis).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { megabytes, runMeasured } from './measure.ts';
import type { Figures } from './types.ts';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const CASE_SCRIPT = path.join(BENCH_DIR, 'case.ts');
const BENCHMARKS = ['store', 'classify', 'crawl', 'site'] as const;
type Benchmark = (typeof BENCHMARKS)[number];

interface Case {
  benchmark: Benchmark;
  title: string;
  /** The target this case measures against (issue 15), and the figure to read beside it. */
  target?: { text: string; figure: string };
  params: Record<string, unknown>;
  needsPostgres?: boolean;
}

/** What each scale runs. `small` is for a few minutes; `full` is the PolicyLayer-scale run (500,000 tools). */
function casesFor(scale: 'small' | 'full', postgresUrl: string, siteTools?: number[]): Case[] {
  const full = scale === 'full';
  const store = (backend: 'pglite' | 'postgres', mode: 'per-server' | 'batched', tools: number, concurrency = 1): Case => ({
    benchmark: 'store',
    title: `store: ${tools.toLocaleString('en')} tools into ${backend === 'pglite' ? 'PGlite' : 'PostgreSQL'}, ${mode === 'batched' ? `storePreparedSnapshots, 200 servers a call, ${concurrency} in flight, listings hashed as they come` : `storeSnapshot per server, ${concurrency} in flight`}`,
    params: { backend, mode, tools, concurrency, postgresUrl },
    target:
      backend === 'postgres' && mode === 'batched'
        ? { text: '≥ 20,000 tool definitions/s into PostgreSQL (issue 15: at 500,000 tools)', figure: 'tools/s (first crawl)' }
        : undefined,
    needsPostgres: backend === 'postgres',
  });
  const crawl = (servers: number, latencyMs: number): Case => ({
    benchmark: 'crawl',
    title: `crawl: ${servers.toLocaleString('en')} Streamable HTTP servers on loopback, ${latencyMs === 0 ? 'no added latency' : `${latencyMs} ms added to every HTTP response`}`,
    params: { servers, processes: 4, latencyMs, postgresUrl },
    target: latencyMs > 0 ? { text: '≥ 20× the one-by-one SDK loop with default flags', figure: 'runCrawl, default flags, PGlite' } : undefined,
  });
  const site = (tools: number, backend: 'pglite' | 'postgres' = 'pglite'): Case => ({
    benchmark: 'site',
    title: `site build: ${tools.toLocaleString('en')} tools (${backend === 'pglite' ? 'PGlite' : 'PostgreSQL'}), full then incremental after 1% changed`,
    params: { tools, backend, postgresUrl },
    needsPostgres: backend === 'postgres',
    target: { text: 'incremental ≤ 5% of the full build after a crawl that changed 1% (issue 15: at 100,000 tools)', figure: 'incremental / full time' },
  });
  return [
    store('postgres', 'batched', full ? 500_000 : 50_000, 2),
    store('postgres', 'per-server', full ? 100_000 : 20_000, 8),
    store('pglite', 'batched', full ? 500_000 : 50_000),
    store('pglite', 'per-server', full ? 50_000 : 10_000),
    { benchmark: 'classify', title: `classify: ${full ? '500,000' : '100,000'} tools, one core`, params: { tools: full ? 500_000 : 100_000 } },
    crawl(full ? 1000 : 100, 0),
    crawl(full ? 1000 : 100, 50),
    ...(siteTools ?? (full ? [10_000, 100_000, 500_000] : [10_000])).map((tools) => site(tools)),
    // A platform team running workers keeps the catalogue in PostgreSQL: the build's queries then run outside its process.
    ...(full && !siteTools ? [site(100_000, 'postgres')] : []),
  ];
}

interface Outcome {
  title: string;
  target?: Case['target'];
  /** 1-minute load average when the case started and when it ended. */
  load?: [number, number];
  figures?: Figures;
  error?: string;
  wallSeconds: number;
  peakRssMb: number;
}

async function runCase(c: Case): Promise<Outcome> {
  console.error(`\n▶ ${c.title}`);
  const loadAtStart = os.loadavg()[0];
  const run = await runMeasured(process.execPath, ['--import', 'tsx', CASE_SCRIPT, c.benchmark, JSON.stringify(c.params)], { echo: true });
  const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  const outcome: Outcome = {
    title: c.title,
    target: c.target,
    load: [loadAtStart, os.loadavg()[0]],
    wallSeconds: Math.round(run.wallMs / 100) / 10,
    peakRssMb: megabytes(run.peakRssBytes),
  };
  if (run.exitCode === 0 && line) outcome.figures = JSON.parse(line.slice('RESULT '.length)) as Figures;
  else outcome.error = `exit code ${run.exitCode}: ${run.output.trim().split('\n').slice(-5).join(' / ')}`;
  console.log(formatOutcome(outcome));
  return outcome;
}

function formatOutcome(o: Outcome): string {
  const load = o.load ? `| load average (1 min) at start / end | ${o.load.map((l) => l.toFixed(2)).join(' / ')} |\n` : '';
  const head = `### ${o.title}\n\n| figure | value |\n|---|---|\n${load}`;
  if (o.error) return `${head}| failed | ${o.error.replace(/\|/g, '\\|')} |\n`;
  const value = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en') : String(v));
  const target = o.target
    ? [`| **target** | ${o.target.text} |`, `| **measured** (${o.target.figure}) | **${value(o.figures![o.target.figure] ?? 'not measured')}** |`]
    : [];
  const rows = [...target, ...Object.entries(o.figures!).map(([k, v]) => `| ${k} | ${value(v)} |`)];
  rows.push(`| case wall seconds (set-up included) | ${o.wallSeconds} |`, `| peak RSS of the case's process tree, MB | ${o.peakRssMb.toLocaleString('en')} |`);
  return `${head}${rows.join('\n')}\n`;
}

function machine(postgresVersion: string | undefined): string {
  const cpus = os.cpus();
  const git = (args: string[]) => {
    try {
      return execFileSync('git', args, { cwd: BENCH_DIR, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return [
    `- CPU: ${cpus.length} × ${cpus[0]?.model ?? 'unknown'}; memory ${Math.round(os.totalmem() / 2 ** 30)} GB; ${os.type()} ${os.release()}`,
    `- Node ${process.version}; PostgreSQL: ${postgresVersion ?? 'not reachable'}`,
    `- Load average when the run started: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')} (other work on the machine slows wall-clock figures; CPU-second figures are steadier)`,
    `- Commit: ${git(['rev-parse', '--short', 'HEAD'])}${git(['status', '--porcelain']) ? ' (with uncommitted changes in the tree)' : ''}`,
  ].join('\n');
}

async function postgresVersion(url: string): Promise<string | undefined> {
  const client = postgres(url, { max: 1, connect_timeout: 5, onnotice: () => {} });
  try {
    const [row] = await client`select current_setting('server_version') as version`;
    return row.version as string;
  } catch {
    return undefined;
  } finally {
    await client.end({ timeout: 1 });
  }
}

function parseArguments(argv: string[]) {
  const options = {
    scale: 'small' as 'small' | 'full',
    only: [...BENCHMARKS] as Benchmark[],
    siteTools: undefined as number[] | undefined,
    postgres: process.env.BENCH_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/postgres',
    out: '',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--scale' && (value === 'small' || value === 'full')) options.scale = value;
    else if (flag === '--only' && value && value.split(',').every((b) => (BENCHMARKS as readonly string[]).includes(b)))
      options.only = value.split(',') as Benchmark[];
    else if (flag === '--postgres' && value) options.postgres = value;
    else if (flag === '--site-tools' && value && value.split(',').every((n) => Number.isInteger(Number(n)) && Number(n) > 0))
      options.siteTools = value.split(',').map(Number);
    else if (flag === '--out' && value) options.out = value;
    else {
      console.error(`Usage: npm run bench -- [--scale small|full] [--only ${BENCHMARKS.join(',')}] [--site-tools N,N…] [--postgres URL] [--out FILE]`);
      process.exit(2);
    }
    i++;
  }
  options.out ||= path.join(BENCH_DIR, 'results', `${options.scale}.md`);
  return options;
}

const options = parseArguments(process.argv.slice(2));
const started = new Date();
const version = await postgresVersion(options.postgres);
const header = [
  `# toolrisk benchmarks: ${options.scale} scale`,
  '',
  `- Date: ${started.toISOString()}`,
  `- Command: \`${['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ')}\``,
  machine(version),
  '',
].join('\n');
console.log(header);

const outcomes: Outcome[] = [];
for (const c of casesFor(options.scale, options.postgres, options.siteTools).filter((c) => options.only.includes(c.benchmark))) {
  if (c.needsPostgres && !version) {
    outcomes.push({
      title: c.title,
      error: `PostgreSQL not reachable at ${options.postgres} (set --postgres or BENCH_POSTGRES_URL)`,
      wallSeconds: 0,
      peakRssMb: 0,
    });
    continue;
  }
  outcomes.push(await runCase(c));
  mkdirSync(path.dirname(options.out), { recursive: true });
  writeFileSync(options.out, `${header}\n${outcomes.map(formatOutcome).join('\n')}\n_Finished ${outcomes.length} case(s) by ${new Date().toISOString()}._\n`);
}
console.error(`\nReport written to ${path.relative(process.cwd(), options.out)}`);
process.exit(outcomes.some((o) => o.error) ? 1 : 0);
