import type { Command } from 'commander';

/**
 * Every subcommand: what the root help lists, the examples its own help ends with, and how to load it.
 * A command's module (and what it imports: the database, the crawler, Astro, pg-boss) is loaded only when
 * that command runs, so `toolrisk --help` loads none of them.
 */
export interface CommandEntry {
  name: string;
  /** One line for the root help's list. */
  summary: string;
  examples: readonly string[];
  load(): Promise<(program: Command) => void>;
}

export const commands: readonly CommandEntry[] = [
  {
    name: 'start',
    summary: 'crawl the bundled servers, classify, build the site and serve it (npm start)',
    examples: ['toolrisk start', 'toolrisk start --port 8080', 'toolrisk start --no-serve'],
    load: async () => (await import('./start.ts')).registerStart,
  },
  {
    name: 'run',
    summary: 'the main job: crawl, classify every new tool, build the site, print a summary',
    examples: [
      'toolrisk run --servers servers/default.yaml',
      'toolrisk run --registry --since auto --servers servers/default.yaml',
      'toolrisk run --servers my-servers.yaml --fresh-for 0 --force-build --json',
    ],
    load: async () => (await import('./run.ts')).registerRun,
  },
  {
    name: 'crawl',
    summary: "list MCP servers' tools and store them in the catalogue",
    examples: [
      'toolrisk crawl --servers servers/default.yaml',
      'toolrisk crawl --registry --since auto',
      'toolrisk crawl --registry --only io.github.owner/repo --limit 50 --json',
      'toolrisk crawl --distributed --registry   # with DATABASE_URL and `toolrisk worker`s',
    ],
    load: async () => (await import('./crawl.ts')).registerCrawl,
  },
  {
    name: 'check',
    summary: "list one server's tools now, classified, without storing anything",
    examples: [
      'toolrisk check --npm @modelcontextprotocol/server-memory',
      'toolrisk check --url https://example.com/mcp --transport auto',
      'toolrisk check -- node ./my-server.js --verbose',
    ],
    load: async () => (await import('./check.ts')).registerCheck,
  },
  {
    name: 'classify',
    summary: 'classify tool definitions from a file, or the catalogue',
    examples: ['toolrisk classify --file tools.jsonl', 'toolrisk classify'],
    load: async () => (await import('./classify.ts')).registerClassify,
  },
  {
    name: 'eval',
    summary: 'measure the classifier against labelled tools',
    examples: ['toolrisk eval datasets/tools-dev.jsonl', 'toolrisk eval datasets/tools-dev.jsonl --json'],
    load: async () => (await import('./eval.ts')).registerEval,
  },
  {
    name: 'policy',
    summary: 'print the recommended gateway policy for a server or one of its tools',
    examples: [
      'toolrisk policy io.github.owner/repo',
      'toolrisk policy @modelcontextprotocol/server-memory create_entities --format intercept',
      'toolrisk policy npm:@modelcontextprotocol/server-mem --out memory.policylayer.json   # a unique prefix',
      'toolrisk policy --config ~/.cursor/mcp.json --check-missing',
    ],
    load: async () => (await import('./policy.ts')).registerPolicy,
  },
  {
    name: 'build',
    summary: 'render the static site from the catalogue',
    examples: ['toolrisk build', 'toolrisk build --out dist/site --site-url https://toolrisk.example/'],
    load: async () => (await import('./build.ts')).registerBuild,
  },
  {
    name: 'serve',
    summary: 'preview the built site on 127.0.0.1',
    examples: ['toolrisk serve', 'toolrisk serve --port 8080 --dir dist/site'],
    load: async () => (await import('./serve.ts')).registerServe,
  },
  {
    name: 'schedule',
    summary: 'run the main job on a cron schedule',
    examples: ['toolrisk schedule --cron "0 3 * * *" --registry --since auto --servers servers/default.yaml'],
    load: async () => (await import('./schedule.ts')).registerSchedule,
  },
  {
    name: 'worker',
    summary: 'crawl servers from the shared PostgreSQL job queue',
    examples: ['DATABASE_URL=postgres://… toolrisk worker --concurrency 4'],
    load: async () => (await import('./worker.ts')).registerWorker,
  },
  {
    name: 'status',
    summary: "show a crawl run's progress",
    examples: ['toolrisk status', 'toolrisk status --json'],
    load: async () => (await import('./status.ts')).registerStatus,
  },
  {
    name: 'db',
    summary: 'inspect and migrate the catalogue database',
    examples: ['toolrisk db status', 'toolrisk db status --json', 'DATABASE_URL=postgres://… toolrisk db migrate'],
    load: async () => (await import('./db.ts')).registerDb,
  },
  {
    name: 'doctor',
    summary: 'check what the crawler needs and print how to install what is missing',
    examples: ['toolrisk doctor', 'toolrisk doctor --quiet', 'toolrisk doctor --json'],
    load: async () => (await import('./doctor.ts')).registerDoctor,
  },
];
