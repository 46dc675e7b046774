import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { crawlTarget, runCrawl, type RunCrawlOptions, type SourcedServer } from '../crawler/index.ts';
import { endpointHost } from './endpoints.ts';
import { generateServer } from './generate.ts';
import { processCpuSeconds } from './measure.ts';
import { forEachConcurrently } from './seed.ts';
import { round } from './store.ts';
import { throwawayDatabase } from './throwaway.ts';
import type { Figures } from './types.ts';
import { loadVocabulary } from './vocabulary.ts';

const SERVER_SCRIPT = fileURLToPath(new URL('./crawl-server.ts', import.meta.url));
const SEED = 'toolrisk-bench-crawl';

export interface CrawlParams {
  servers: number;
  /** Processes serving the endpoints. */
  processes: number;
  /** Each HTTP response held back this long (standing for the network and the server's work); 0: raw loopback. */
  latencyMs?: number;
  /** Also list with crawlTarget alone, this many in flight, to show what the database costs (default 64). */
  listingConcurrency?: number;
  /** A PostgreSQL server for a run into PostgreSQL (a throwaway database); none without it. */
  postgresUrl?: string;
  /** The benchmark servers: `light` (default; bench/light-mcp-server.ts) or the SDK's own server. */
  serverKind?: ServerKind;
}

export type ServerKind = 'light' | 'sdk';

export interface Endpoints {
  urls: string[];
  children: ChildProcess[];
  cpuSeconds(): number;
  stop(): void;
}

/**
 * Starts `processes` server processes sharing `servers` endpoints between them, each on a loopback address
 * of its own, or all on `host`.
 */
export async function startEndpoints(servers: number, processes: number, latencyMs: number, kind: ServerKind, host?: string): Promise<Endpoints> {
  const per = Math.ceil(servers / processes);
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  try {
    for (let first = 0; first < servers; first += per) {
      const count = Math.min(per, servers - first);
      const args = [SERVER_SCRIPT, String(first), String(count), SEED, String(latencyMs), kind, ...(host ? [host] : [])];
      const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      const [line] = (await Promise.race([once(createInterface({ input: child.stdout! }), 'line'), once(child, 'exit').then(() => [`exited`])])) as string[];
      const port = /^LISTENING (\d+)$/.exec(line)?.[1];
      if (!port) throw new Error(`A benchmark server process did not start: ${line}`);
      for (let i = first; i < first + count; i++) urls.push(`http://${host ?? endpointHost(i)}:${port}/mcp/${i}`);
    }
  } catch (error) {
    for (const child of children) child.kill();
    throw error;
  }
  return {
    urls,
    children,
    cpuSeconds: () => children.reduce((sum, child) => sum + processCpuSeconds(child.pid!), 0),
    stop: () => {
      for (const child of children) child.kill();
    },
  };
}

/** The baseline: a plain SDK client, one server after another: connect, list every page, close. */
async function listOneByOne(urls: readonly string[]): Promise<number> {
  let tools = 0;
  for (const url of urls) {
    const client = new Client({ name: 'bench-baseline', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? {} : { cursor });
      tools += page.tools.length;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    await client.close();
  }
  return tools;
}

interface Timed<T> {
  value: T;
  seconds: number;
  clientCpuSeconds: number;
  serverCpuSeconds: number;
}

async function timed<T>(endpoints: Endpoints, work: () => Promise<T>): Promise<Timed<T>> {
  const cpu = process.cpuUsage();
  const serverCpu = endpoints.cpuSeconds();
  const started = performance.now();
  const value = await work();
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return { value, seconds, clientCpuSeconds: (used.user + used.system) / 1e6, serverCpuSeconds: endpoints.cpuSeconds() - serverCpu };
}

interface Variant {
  label: string;
  /** Lists every endpoint once; returns how many tools were listed. */
  run(endpoints: Endpoints): Promise<Timed<number>>;
}

function sourcedServers(endpoints: Endpoints): SourcedServer[] {
  const vocabulary = loadVocabulary();
  return endpoints.urls.map((url, index) => {
    const { server } = generateServer(index, SEED, vocabulary);
    return { server, targets: [{ kind: 'remote', serverId: server.id, url, transport: 'streamable-http', headers: {} }] };
  });
}

function loopbackOnly(endpoints: Endpoints): RunCrawlOptions['network'] {
  return { allowHosts: endpoints.urls.map((url) => new URL(url).hostname), allowPrivateNetwork: true };
}

/**
 * A whole runCrawl (attempts, snapshots, run records) into a fresh database. Only the crawl is timed:
 * creating and migrating the database, and deleting it, are not. Fails unless every server was listed.
 */
function runCrawlVariant(label: string, backend: 'pglite' | 'postgres', postgresUrl: string, limits: Partial<RunCrawlOptions>): Variant {
  return {
    label,
    async run(endpoints) {
      const sourced = sourcedServers(endpoints);
      const db = await throwawayDatabase(backend, postgresUrl);
      try {
        const result = await timed(endpoints, () => runCrawl(db.orm, sourced, { ...limits, network: loopbackOnly(endpoints) }));
        const summary = result.value;
        if ((summary.outcomes.ok ?? 0) !== sourced.length) throw new Error(`${label}: not every server was listed: ${JSON.stringify(summary.outcomes)}`);
        return { ...result, value: summary.results.reduce((sum, r) => sum + (r.toolCount ?? 0), 0) };
      } finally {
        await db.dispose();
      }
    },
  };
}

/** crawlTarget for every endpoint, `concurrency` at a time, storing nothing: the crawl without its database. */
function listingOnlyVariant(concurrency: number): Variant {
  return {
    label: `crawlTarget only, ${concurrency} in flight, no database`,
    run: (endpoints) =>
      timed(endpoints, async () => {
        let tools = 0;
        await forEachConcurrently(sourcedServers(endpoints), concurrency, async ({ targets: [target] }) => {
          const result = await crawlTarget(target, { network: loopbackOnly(endpoints) });
          if (result.outcome !== 'ok') throw new Error(`${result.label}: ${result.outcome} ${result.error ?? ''}`);
          tools += result.tools!.length;
        });
        return tools;
      }),
  };
}

/**
 * `servers` MCP servers over Streamable HTTP on loopback, listed one by one with a plain SDK client loop
 * (the baseline), then by runCrawl with its default flags (into PGlite, and PostgreSQL when given), and by
 * crawlTarget alone without a database (where the time goes), all in the same run against the same warm
 * server processes.
 */
export async function benchCrawl(params: CrawlParams, log: (line: string) => void): Promise<Figures> {
  const kind = params.serverKind ?? 'light';
  const endpoints = await startEndpoints(params.servers, params.processes, params.latencyMs ?? 0, kind);
  try {
    log(`${endpoints.urls.length} ${kind} endpoints on ${endpoints.children.length} processes; warming up`);
    await listingOnlyVariant(32).run(endpoints); // every listing generated and every code path compiled before timing

    const baseline = await timed(endpoints, () => listOneByOne(endpoints.urls));
    log(`baseline: ${baseline.value} tools in ${baseline.seconds.toFixed(1)} s`);
    const figures: Figures = {
      servers: params.servers,
      'added latency per HTTP response, ms': params.latencyMs ?? 0,
      'server processes': endpoints.children.length,
      'benchmark servers': kind === 'light' ? "light (bench/light-mcp-server.ts, the SDK server's messages)" : 'SDK Server + StreamableHTTPServerTransport',
      tools: baseline.value,
      'baseline: plain SDK client loop, one by one': describe(baseline, baseline),
    };
    const variants: Variant[] = [
      runCrawlVariant('runCrawl, default flags, PGlite', 'pglite', params.postgresUrl ?? '', {}),
      ...(params.postgresUrl ? [runCrawlVariant('runCrawl, default flags, PostgreSQL', 'postgres', params.postgresUrl, {})] : []),
      listingOnlyVariant(params.listingConcurrency ?? 64),
    ];
    for (const variant of variants) {
      const result = await variant.run(endpoints);
      if (result.value !== baseline.value) throw new Error(`${variant.label} listed ${result.value} tools, the baseline ${baseline.value}`);
      log(`${variant.label}: ${result.seconds.toFixed(1)} s`);
      figures[variant.label] = describe(result, baseline);
    }
    return figures;
  } finally {
    endpoints.stop();
  }
}

/** Seconds, the speed-up over the baseline, and where the CPU went (this process; the server processes). */
function describe(result: Timed<number>, baseline: Timed<number>): string {
  return (
    `${round(result.seconds, 1)} s, ×${round(baseline.seconds / result.seconds, 1)}; ` +
    `CPU s: crawler ${round(result.clientCpuSeconds, 1)}, servers ${round(result.serverCpuSeconds, 1)}`
  );
}
