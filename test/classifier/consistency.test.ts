import { beforeAll, describe, expect, it } from 'vitest';
import { classify, severityRank, type Classification } from '../../classifier/index.ts';
import { loadLabelledTools, type LabelledTool } from '../../classifier/eval/index.ts';
import { tokenizeName } from '../../classifier/tokenize.ts';
import { DEV_SET, UNSEEN_CRAWLED, UNSEEN_FRESH_4 } from './paths.ts';

/**
 * Equivalent tools on different real servers must get one verdict. Each group names real definitions
 * (server, tool name) from the dev set, the crawled unseen set and the fourth fresh set, and the category all of them should get.
 */
type Ref = readonly [server: string, name: string];

const PLAYWRIGHT = 'npm:@playwright/mcp@0.0.83';
const DEVTOOLS = 'npm:chrome-devtools-mcp@1.11.0';
const PUPPETEER = 'npm:@modelcontextprotocol/server-puppeteer@2025.5.12';
const EA_PLAYWRIGHT = 'npm:@executeautomation/playwright-mcp-server@1.0.12';
const FILESYSTEM = 'modelcontextprotocol/servers#filesystem';
const DESKTOP = 'wonderwhy-er/DesktopCommanderMCP';
const SANDBOX = 'cloudflare/mcp-server-cloudflare#sandbox-container';
const REF_GIT = 'modelcontextprotocol/servers#git';
const CYANHEADS_GIT = 'npm:@cyanheads/git-mcp-server@2.15.3';
const GITHUB = 'github/github-mcp-server';
const GITLAB = 'npm:@modelcontextprotocol/server-gitlab@2025.4.25';
const SLACK_KOROTOVSKY = 'korotovsky/slack-mcp-server';
const SLACK = 'npm:@modelcontextprotocol/server-slack@2025.4.25';
const DISCORD = 'npm:mcp-discord@1.3.4';
const LINEAR = 'npm:linear-mcp-server@0.1.0';
const SENTRY = 'getsentry/sentry-mcp';
const JUST_BASH = 'npm:just-bash-mcp@3.1.0';
const CONWAY = 'npm:conway-terminal@2.0.9';

const GROUPS: ReadonlyArray<{ domain: string; action: string; category: string; tools: readonly Ref[] }> = [
  // browser automation
  {
    domain: 'browser',
    action: 'hover',
    category: 'read',
    tools: [
      [PLAYWRIGHT, 'browser_hover'],
      [DEVTOOLS, 'hover'],
      [PUPPETEER, 'puppeteer_hover'],
      [EA_PLAYWRIGHT, 'playwright_hover'],
    ],
  },
  {
    domain: 'browser',
    action: 'navigate',
    category: 'read',
    tools: [
      [PLAYWRIGHT, 'browser_navigate'],
      [DEVTOOLS, 'navigate_page'],
      [PUPPETEER, 'puppeteer_navigate'],
      [EA_PLAYWRIGHT, 'playwright_navigate'],
    ],
  },
  {
    domain: 'browser',
    action: 'screenshot',
    category: 'read',
    tools: [
      [PLAYWRIGHT, 'browser_take_screenshot'],
      [DEVTOOLS, 'take_screenshot'],
      [PUPPETEER, 'puppeteer_screenshot'],
      [EA_PLAYWRIGHT, 'playwright_screenshot'],
    ],
  },
  {
    domain: 'browser',
    action: 'click',
    category: 'write',
    tools: [
      [PLAYWRIGHT, 'browser_click'],
      [DEVTOOLS, 'click'],
      [PUPPETEER, 'puppeteer_click'],
      [EA_PLAYWRIGHT, 'playwright_click'],
    ],
  },
  {
    domain: 'browser',
    action: 'fill a field',
    category: 'write',
    tools: [
      [PLAYWRIGHT, 'browser_type'],
      [DEVTOOLS, 'fill'],
      [PUPPETEER, 'puppeteer_fill'],
      [EA_PLAYWRIGHT, 'playwright_fill'],
    ],
  },
  {
    domain: 'browser',
    action: 'select an option',
    category: 'write',
    tools: [
      [PLAYWRIGHT, 'browser_select_option'],
      [PUPPETEER, 'puppeteer_select'],
      [EA_PLAYWRIGHT, 'playwright_select'],
    ],
  },
  {
    domain: 'browser',
    action: 'press a key',
    category: 'write',
    tools: [
      [PLAYWRIGHT, 'browser_press_key'],
      [DEVTOOLS, 'press_key'],
      [EA_PLAYWRIGHT, 'playwright_press_key'],
    ],
  },
  {
    domain: 'browser',
    action: 'drag',
    category: 'write',
    tools: [
      [PLAYWRIGHT, 'browser_drag'],
      [DEVTOOLS, 'drag'],
      [EA_PLAYWRIGHT, 'playwright_drag'],
    ],
  },
  {
    domain: 'browser',
    action: 'evaluate JavaScript',
    category: 'execute',
    tools: [
      [PLAYWRIGHT, 'browser_evaluate'],
      [DEVTOOLS, 'evaluate_script'],
      [PUPPETEER, 'puppeteer_evaluate'],
      [EA_PLAYWRIGHT, 'playwright_evaluate'],
    ],
  },
  // filesystems
  {
    domain: 'filesystem',
    action: 'read a file',
    category: 'read',
    tools: [
      [FILESYSTEM, 'read_file'],
      [DESKTOP, 'read_file'],
      [SANDBOX, 'container_file_read'],
      // a program's name before the verb is a namespace (2.4.0)
      [JUST_BASH, 'bash_read_file'],
      [CONWAY, 'sandbox_read_file'],
    ],
  },
  {
    domain: 'filesystem',
    action: 'list a directory',
    category: 'read',
    tools: [
      [FILESYSTEM, 'list_directory'],
      [DESKTOP, 'list_directory'],
      [SANDBOX, 'container_files_list'],
      [JUST_BASH, 'bash_list_files'],
    ],
  },
  {
    domain: 'filesystem',
    action: 'write a whole file',
    category: 'destructive',
    tools: [
      [FILESYSTEM, 'write_file'],
      [DESKTOP, 'write_file'],
      [SANDBOX, 'container_file_write'],
      [JUST_BASH, 'bash_write_file'],
      [CONWAY, 'sandbox_write_file'],
    ],
  },
  {
    domain: 'filesystem',
    action: 'create a directory',
    category: 'write',
    tools: [
      [FILESYSTEM, 'create_directory'],
      [DESKTOP, 'create_directory'],
    ],
  },
  // git
  {
    domain: 'git',
    action: 'log',
    category: 'read',
    tools: [
      [REF_GIT, 'git_log'],
      [CYANHEADS_GIT, 'git_log'],
      [GITHUB, 'list_commits'],
    ],
  },
  {
    domain: 'git',
    action: 'status and diff',
    category: 'read',
    tools: [
      [REF_GIT, 'git_status'],
      [CYANHEADS_GIT, 'git_status'],
      [REF_GIT, 'git_diff'],
      [CYANHEADS_GIT, 'git_diff'],
    ],
  },
  {
    domain: 'git',
    action: 'commit',
    category: 'write',
    tools: [
      [REF_GIT, 'git_commit'],
      [CYANHEADS_GIT, 'git_commit'],
    ],
  },
  {
    domain: 'git',
    action: 'create a branch',
    category: 'write',
    tools: [
      [REF_GIT, 'git_create_branch'],
      [GITHUB, 'create_branch'],
      [GITLAB, 'create_branch'],
    ],
  },
  // SQL databases
  {
    domain: 'sql',
    action: 'run SQL',
    category: 'execute',
    tools: [
      ['ClickHouse/mcp-clickhouse', 'run_query'],
      ['awslabs/mcp#postgres-mcp-server', 'run_query'],
      ['awslabs/mcp#mysql-mcp-server', 'run_query'],
      ['cloudflare/mcp-server-cloudflare#workers-bindings', 'd1_database_query'],
      ['supabase-community/supabase-mcp', 'execute_sql'],
      ['npm:@modelcontextprotocol/server-postgres@0.6.2', 'query'],
    ],
  },
  // messaging
  {
    domain: 'messaging',
    action: 'post a message',
    category: 'write',
    tools: [
      [SLACK_KOROTOVSKY, 'conversations_add_message'],
      [SLACK, 'slack_post_message'],
      [DISCORD, 'discord_send'],
    ],
  },
  {
    domain: 'messaging',
    action: 'read channel history',
    category: 'read',
    tools: [
      [SLACK_KOROTOVSKY, 'conversations_history'],
      [SLACK, 'slack_get_channel_history'],
      [DISCORD, 'discord_read_messages'],
    ],
  },
  {
    domain: 'messaging',
    action: 'add a reaction',
    category: 'write',
    tools: [
      [SLACK_KOROTOVSKY, 'reactions_add'],
      [SLACK, 'slack_add_reaction'],
      [DISCORD, 'discord_add_reaction'],
    ],
  },
  {
    domain: 'messaging',
    action: 'remove a reaction',
    category: 'write',
    tools: [
      [SLACK_KOROTOVSKY, 'reactions_remove'],
      [DISCORD, 'discord_remove_reaction'],
    ],
  },
  // issue trackers
  {
    domain: 'issues',
    action: 'create an issue',
    category: 'write',
    tools: [
      [GITHUB, 'create_issue'],
      [GITLAB, 'create_issue'],
      [LINEAR, 'linear_create_issue'],
    ],
  },
  {
    domain: 'issues',
    action: 'comment on an issue',
    category: 'write',
    tools: [
      [GITHUB, 'add_issue_comment'],
      [LINEAR, 'linear_add_comment'],
      [SENTRY, 'add_issue_note'],
    ],
  },
  {
    domain: 'issues',
    action: 'search issues',
    category: 'read',
    tools: [
      [GITHUB, 'search_issues'],
      [LINEAR, 'linear_search_issues'],
      [SENTRY, 'search_issues'],
    ],
  },
  {
    domain: 'issues',
    action: 'update an issue',
    category: 'write',
    tools: [
      [SENTRY, 'update_issue'],
      [LINEAR, 'linear_update_issue'],
    ],
  },
];

/** Tools a person would call UI actions: they act on a page, not on data. */
const UI_VERBS = new Set(['hover', 'click', 'type', 'fill', 'navigate', 'select', 'press', 'drag', 'scroll']);
/** Tools that evaluate code the caller writes. */
const CODE_WORDS = new Set(['evaluate', 'eval', 'script', 'code', 'javascript']);

let tools: LabelledTool[];
let byRef: Map<string, LabelledTool>;

beforeAll(async () => {
  tools = [...(await loadLabelledTools(DEV_SET)), ...(await loadLabelledTools(UNSEEN_CRAWLED)), ...(await loadLabelledTools(UNSEEN_FRESH_4))];
  byRef = new Map(tools.map((t) => [`${t.server} ${t.tool.name}`, t]));
});

describe('equivalent tools on different servers get one verdict', () => {
  it('has groups over at least 3 real servers in each domain', () => {
    const serversByDomain = new Map<string, Set<string>>();
    for (const g of GROUPS) for (const [server] of g.tools) serversByDomain.set(g.domain, (serversByDomain.get(g.domain) ?? new Set()).add(server));
    for (const [domain, servers] of serversByDomain) expect(servers.size, domain).toBeGreaterThanOrEqual(3);
  });

  it.each(GROUPS.map((g) => [`${g.domain}: ${g.action}`, g] as const))('%s', (_, group) => {
    const verdicts = group.tools.map(([server, name]) => {
      const tool = byRef.get(`${server} ${name}`);
      expect(tool, `${server} ${name} is in the labelled sets`).toBeDefined();
      expect(tool!.category, `${server} ${name}: the human label`).toBe(group.category);
      return `${server} ${name}: ${classify(tool!.tool).category}`;
    });
    expect(verdicts).toEqual(group.tools.map(([server, name]) => `${server} ${name}: ${group.category}`));
  });
});

describe('on one server, severity is monotone in capability', () => {
  const wordsOf = (name: string) => tokenizeName(name);
  const nameVerbOf = (c: Classification) => c.evidence.find((e) => e.rule.startsWith('name-verb:'))?.match ?? '';

  it('no UI action is critical, and code evaluation is never below a UI action of the same server', () => {
    const byServer = new Map<string, Array<{ name: string; c: Classification }>>();
    for (const t of tools) {
      const list = byServer.get(t.server ?? '') ?? [];
      list.push({ name: t.tool.name, c: classify(t.tool) });
      byServer.set(t.server ?? '', list);
    }
    let compared = 0;
    for (const [server, list] of byServer) {
      // The name's action, not any word of it: `delete_issue_type` deletes, it does not type.
      const ui = list.filter((t) => UI_VERBS.has(nameVerbOf(t.c)) && t.c.category !== 'execute');
      const code = list.filter((t) => t.c.category === 'execute' && wordsOf(t.name).some((w) => CODE_WORDS.has(w)));
      for (const t of ui) expect(t.c.severity, `${server} ${t.name}`).not.toBe('critical');
      if (ui.length === 0 || code.length === 0) continue;
      compared++;
      const worstUi = Math.max(...ui.map((t) => severityRank(t.c.severity)));
      for (const t of code) expect(severityRank(t.c.severity), `${server} ${t.name} vs its UI actions`).toBeGreaterThanOrEqual(worstUi);
    }
    expect(compared).toBeGreaterThanOrEqual(4); // the four browser servers at least
  });
});
