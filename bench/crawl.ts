import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { runCrawl, type RunCrawlOptions, type SourcedServer } from '../crawler/index.ts';
import { createPglite } from '../test/helpers/databases.ts';
import { endpointHost } from './endpoints.ts';
import { generateServer } from './generate.ts';
import { processCpuSeconds } from './measure.ts';
import { round } from './store.ts';
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
  /** An extra crawler run with these limits (beside the defaults), to show what the defaults leave on the table. */
  tuned?: { concurrency: number; perHostConcurrency: number };
}

interface Endpoints {
  urls: string[];
  children: ChildProcess[];
  cpuSeconds(): number;
  stop(): void;
}

/** Starts `processes` server processes sharing `servers` endpoints between them. */
async function startEndpoints(servers: number, processes: number, latencyMs: number): Promise<Endpoints> {
  const per = Math.ceil(servers / processes);
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  try {
    for (let first = 0; first < servers; first += per) {
      const count = Math.min(per, servers - first);
      const child = spawn(process.execPath, ['--import', 'tsx', SERVER_SCRIPT, String(first), String(count), SEED, String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      const [line] = (await Promise.race([
        once(createInterface({ input: child.stdout! }), 'line'),
        once(child, 'exit').then(() => [`exited`]),
      ])) as string[];
      const port = /^LISTENING (\d+)$/.exec(line)?.[1];
      if (!port) throw new Error(`A benchmark server process did not start: ${line}`);
      for (let i = first; i < first + count; i++) urls.push(`http://${endpointHost(i)}:${port}/mcp/${i}`);
    }
  } catch (error) {
    for (const child of children) child.kill();
    throw error;
  }
  return {
    urls,
    children,
    cpuSeconds: () => children.reduce((sum, child) => sum + processCpuSeconds(child.pid!), 0),
    stop: () => children.forEach((child) => child.kill()),
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

/**
 * A whole runCrawl over the endpoints into a fresh embedded database (the default backend). Only the crawl
 * is timed: opening and migrating the database, and deleting it, are not.
 */
async function crawlAll(endpoints: Endpoints, options: RunCrawlOptions) {
  const vocabulary = loadVocabulary();
  const sourced: SourcedServer[] = endpoints.urls.map((url, index) => {
    const { server } = generateServer(index, SEED, vocabulary);
    return { server, targets: [{ kind: 'remote', serverId: server.id, url, transport: 'streamable-http', headers: {} }] };
  });
  const db = await createPglite();
  try {
    return await timed(endpoints, async () => {
      const summary = await runCrawl(db.orm, sourced, { ...options, network: { allowHosts: endpoints.urls.map((url) => new URL(url).hostname), allowPrivateNetwork: true } });
      const tools = summary.results.reduce((sum, r) => sum + (r.toolCount ?? 0), 0);
      return { summary, tools };
    });
  } finally {
    await db.dispose();
  }
}

/**
 * `servers` MCP servers over Streamable HTTP on 127.0.0.1, listed one by one with a plain SDK client loop
 * (the baseline), then crawled by runCrawl with its default concurrency (and, if asked, tuned limits), in
 * the same run against the same warm server processes.
 */
export async function benchCrawl(params: CrawlParams, log: (line: string) => void): Promise<Figures> {
  const endpoints = await startEndpoints(params.servers, params.processes, params.latencyMs ?? 0);
  try {
    log(`${endpoints.urls.length} endpoints on ${endpoints.children.length} processes; warming up`);
    await listOneByOne(endpoints.urls); // every listing generated and every code path compiled before timing

    const baseline = await timed(endpoints, () => listOneByOne(endpoints.urls));
    log(`baseline: ${baseline.value} tools in ${baseline.seconds.toFixed(1)} s`);
    const crawled = await crawlAll(endpoints, {});
    log(`runCrawl (defaults): ${crawled.value.tools} tools in ${crawled.seconds.toFixed(1)} s`);
    const ok = crawled.value.summary.outcomes.ok ?? 0;
    if (ok !== params.servers || crawled.value.tools !== baseline.value) {
      throw new Error(`runCrawl listed ${ok} of ${params.servers} servers and ${crawled.value.tools} tools (baseline ${baseline.value}): ${JSON.stringify(crawled.value.summary.outcomes)}`);
    }
    const figures: Figures = {
      servers: params.servers,
      'added latency per HTTP response, ms': params.latencyMs ?? 0,
      'server processes': endpoints.children.length,
      tools: baseline.value,
      'baseline seconds (plain SDK loop, one by one)': round(baseline.seconds, 1),
      'baseline servers/s': round(params.servers / baseline.seconds, 1),
      'baseline client CPU s': round(baseline.clientCpuSeconds, 1),
      'baseline server CPU s': round(baseline.serverCpuSeconds, 1),
      'runCrawl seconds (default limits, PGlite)': round(crawled.seconds, 1),
      'runCrawl servers/s': round(params.servers / crawled.seconds, 1),
      'runCrawl client CPU s (crawler + PGlite)': round(crawled.clientCpuSeconds, 1),
      'runCrawl server CPU s': round(crawled.serverCpuSeconds, 1),
      'speed-up, default limits (baseline / runCrawl)': round(baseline.seconds / crawled.seconds, 2),
    };
    if (params.tuned) {
      const tuned = await crawlAll(endpoints, params.tuned);
      log(`runCrawl (tuned): ${tuned.value.tools} tools in ${tuned.seconds.toFixed(1)} s`);
      const label = `concurrency ${params.tuned.concurrency}, per host ${params.tuned.perHostConcurrency}`;
      figures[`runCrawl seconds (${label})`] = round(tuned.seconds, 1);
      figures[`runCrawl client CPU s (${label})`] = round(tuned.clientCpuSeconds, 1);
      figures[`speed-up, ${label}`] = round(baseline.seconds / tuned.seconds, 2);
    }
    return figures;
  } finally {
    endpoints.stop();
  }
}
