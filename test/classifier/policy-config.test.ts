import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ConfigError, readAgentConfig } from '../../classifier/policy/agent-config.ts';
import { policyForConfig, policyIndexServer, type PolicyIndex } from '../../classifier/policy/config-policy.ts';
import { claudeCodeDocument, geminiDocument, interceptDocument, policyLayerDocument, type PolicyTool } from '../../classifier/policy/index.ts';
import { catalogueKeys, launchKeys } from '../../classifier/policy/match.ts';

const FIXTURES = path.resolve('test/classifier/fixtures/agent-configs');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

const t = (name: string, severity: PolicyTool['severity'], category: PolicyTool['category'], flags: PolicyTool['flags'] = []): PolicyTool => ({
  name,
  severity,
  category,
  flags,
});

/** A small catalogue, as the site publishes it, covering each way a server is matched. */
const INDEX: PolicyIndex = {
  version: 1,
  servers: [
    policyIndexServer({ id: 'npm:@modelcontextprotocol/server-filesystem', packages: [], remotes: [] }, [
      t('read_file', 'low', 'read'),
      t('write_file', 'medium', 'write'),
      t('move_file', 'high', 'write'),
    ]),
    policyIndexServer(
      { id: 'io.example/memory', packages: [{ registryType: 'npm', identifier: '@modelcontextprotocol/server-memory', version: '1.0.0' }], remotes: [] },
      [t('read_graph', 'low', 'read'), t('delete_entities', 'critical', 'destructive')],
    ),
    policyIndexServer({ id: 'io.example/docs', packages: [], remotes: [{ type: 'streamable-http', url: 'https://mcp.example.com/mcp' }] }, [
      t('search_docs', 'low', 'read'),
      t('helper', 'low', 'read', ['poisoning_suspect']),
    ]),
    policyIndexServer({ id: 'io.example/git', packages: [{ registryType: 'pypi', identifier: 'MCP_Server.Git' }], remotes: [] }, [
      t('git_status', 'low', 'read'),
      t('git_reset', 'critical', 'destructive'),
    ]),
    policyIndexServer({ id: 'npm:@playwright/mcp', packages: [], remotes: [] }, [t('browser_click', 'medium', 'write')]),
    policyIndexServer({ id: 'io.example/git-image', packages: [{ registryType: 'oci', identifier: 'mcp/git:1.0' }], remotes: [] }, [
      t('git_log', 'low', 'read'),
    ]),
    // Catalogued, never crawled: listed as missing, with that said.
    policyIndexServer({ id: 'npm:@modelcontextprotocol/server-everything', packages: [], remotes: [] }, []),
  ],
};

describe('reading the MCP configuration of each client', () => {
  it.each([
    ['claude_desktop_config.json', 'mcpServers', ['filesystem', 'git', 'my-own']],
    ['.mcp.json', 'mcpServers', ['memory', 'docs']],
    ['cursor-mcp.json', 'mcpServers', ['playwright', 'docs']],
    ['vscode-mcp.json', 'servers', ['fs', 'docs']],
    ['codex-config.toml', 'mcp_servers', ['memory', 'docs remote', 'git']],
    ['gemini-settings.json', 'mcpServers', ['everything', 'docs', 'git']],
  ])('%s: finds %s and its servers with their lines', (file, shape, names) => {
    const config = readAgentConfig(fixture(file), file);
    expect(config.shape).toBe(shape);
    expect(config.servers.map((s) => s.name)).toEqual(names);
    const lines = fixture(file).split('\n');
    for (const server of config.servers) expect(lines[server.line - 1]).toContain(server.name);
  });

  it('tells JSON from TOML without a file name (a pasted configuration)', () => {
    expect(readAgentConfig(fixture('codex-config.toml')).syntax).toBe('toml');
    expect(readAgentConfig(fixture('vscode-mcp.json')).syntax).toBe('json');
  });

  it.each([
    ['{\n  "mcpServers": {\n    "a": { "command": "npx" }\n    "b": { "command": "npx" }\n  }\n}', /^line 4: not valid JSON: expected a comma$/],
    ['{\n  "mcpServers": {\n    "a": { "command": "npx", "args": ["-y", 3] }\n  }\n}', /^line 3: server "a": `args.1`: Expected string, received number$/],
    ['{\n  "mcpServers": {\n    "a": { "env": {} }\n  }\n}', /^line 3: server "a": has neither a `command` nor a `url`$/],
    ['{\n  "mcpServers": {\n    "a": "npx -y x"\n  }\n}', /^line 3: server "a": must be an object with a `command` or a `url`$/],
    ['{\n  "mcpServers": [1]\n}', /^line 2: `mcpServers` must be an object of servers by name$/],
    ['{ "theme": "dark" }', /^no MCP servers found; expected `mcpServers`/],
    ['[mcp_servers.a]\ncommand = "npx"\nargs = ["-y", "x"\n', /^line 4: not valid TOML: expected comma or end of structure$/],
    ['model = "x"\n\n[mcp_servers.a]\nargs = ["x"]\n', /^line 3: server "a": has neither a `command` nor a `url`$/],
    ['model = "x"\n', /^no MCP servers found/],
    ['   ', /^the file is empty/],
  ])('a malformed or unknown file gets an error naming the line: %#', (text, message) => {
    const error = (() => {
      try {
        readAgentConfig(text);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
  });

  it('keeps a server named __proto__ as a server', () => {
    expect(readAgentConfig('{"mcpServers":{"__proto__":{"command":"npx","args":["x"]}}}').servers.map((s) => s.name)).toEqual(['__proto__']);
  });
});

describe('matching a configured server to the catalogue', () => {
  it.each([
    [{ command: 'npx', args: ['-y', '@scope/pkg@1.2.3', '--flag'] }, ['npm:@scope/pkg']],
    [{ command: 'npx', args: ['--yes', '--package=@scope/pkg', 'bin-name'] }, ['npm:@scope/pkg']],
    [{ command: 'C:\\Program Files\\nodejs\\npx.cmd', args: ['-y', 'pkg'] }, ['npm:pkg']],
    [{ command: 'cmd', args: ['/c', 'npx', '-y', 'pkg@latest'] }, ['npm:pkg']],
    [{ command: 'npx -y pkg', args: [] }, ['npm:pkg']],
    [{ command: 'pnpm', args: ['dlx', 'pkg'] }, ['npm:pkg']],
    [{ command: 'bunx', args: ['pkg'] }, ['npm:pkg']],
    [{ command: 'npx', args: ['-y', 'mcp-remote', 'https://Remote.example.com/sse'] }, ['npm:mcp-remote', 'url:remote.example.com/sse']],
    [{ command: 'uvx', args: ['mcp-server-fetch'] }, ['pypi:mcp-server-fetch']],
    [{ command: 'uvx', args: ['--python', '3.12', 'Mcp_Server.Fetch==1.0'] }, ['pypi:mcp-server-fetch']],
    [{ command: 'uvx', args: ['--from', 'git-mcp[extra]>=1', 'git-mcp-cli'] }, ['pypi:git-mcp']],
    [{ command: 'uv', args: ['tool', 'run', 'pkg'] }, ['pypi:pkg']],
    [{ command: 'docker', args: ['run', '-i', '--rm', '-e', 'TOKEN', '--name', 'x', 'ghcr.io/org/img:1.2'] }, ['oci:ghcr.io/org/img']],
    [{ command: 'node', args: ['server.js'] }, []],
    [{ url: 'https://mcp.example.com/mcp/?key=secret#x', args: [] }, ['url:mcp.example.com/mcp']],
    [{ url: 'file:///etc/passwd', args: [] }, []],
  ])('%j → %j', (launch, keys) => {
    expect(launchKeys(launch)).toEqual(keys);
  });

  it('reads catalogue keys from ids, server.json packages (PEP 503 names, OCI references) and remotes', () => {
    expect(catalogueKeys({ id: 'url:mcp.example.com/mcp', packages: [], remotes: [] })).toEqual(['url:mcp.example.com/mcp']);
    expect(
      catalogueKeys({
        id: 'io.example/x',
        packages: [{ registryType: 'pypi', identifier: 'Foo__Bar' }, { registryType: 'oci', identifier: 'docker.io/library/img:tag' }, 'junk', null],
        remotes: [{ url: 'https://a.example/mcp/' }, { url: 42 }],
      }),
    ).toEqual(['pypi:foo-bar', 'oci:img', 'url:a.example/mcp']);
  });
});

describe('one policy for a whole configuration', () => {
  it('Claude Desktop → Claude Code permissions under the user’s server names; unknown servers listed', () => {
    const result = policyForConfig(fixture('claude_desktop_config.json'), 'claude_desktop_config.json', INDEX, 'claude-code');
    expect(result.matched.map((m) => [m.name, m.serverId])).toEqual([
      ['filesystem', 'npm:@modelcontextprotocol/server-filesystem'],
      ['git', 'io.example/git'],
    ]);
    expect(result.missing.map((m) => [m.name, m.catalogued])).toEqual([['my-own', null]]);
    expect(claudeCodeDocument.parse(JSON.parse(result.text))).toEqual({
      permissions: {
        allow: ['mcp__filesystem__read_file', 'mcp__git__git_status'],
        ask: ['mcp__filesystem__move_file', 'mcp__filesystem__write_file'],
        deny: ['mcp__git__git_reset'],
      },
    });
  });

  it('Codex config.toml → Codex tables with quoted keys; a catalogued server without tools is missing', () => {
    const result = policyForConfig(fixture('codex-config.toml'), 'config.toml', INDEX, 'codex');
    const doc = parseToml(result.text) as {
      mcp_servers: Record<string, { enabled_tools: string[]; disabled_tools: string[]; tools: Record<string, { approval_mode: string }> }>;
    };
    expect(Object.keys(doc.mcp_servers)).toEqual(['memory', 'docs remote', 'git']);
    expect(doc.mcp_servers.memory).toEqual({
      enabled_tools: ['read_graph'],
      disabled_tools: ['delete_entities'],
      tools: { read_graph: { approval_mode: 'approve' } },
    });
    expect(doc.mcp_servers['docs remote'].disabled_tools).toEqual(['helper']); // a poisoning suspect is denied
    expect(result.text).toContain('[mcp_servers."docs remote"]');
  });

  it('Gemini settings.json → includeTools/excludeTools; a docker image matches by OCI reference', () => {
    const result = policyForConfig(fixture('gemini-settings.json'), 'settings.json', INDEX, 'gemini');
    expect(geminiDocument.parse(JSON.parse(result.text))).toEqual({
      mcpServers: {
        docs: { includeTools: ['search_docs'], excludeTools: ['helper'] },
        git: { includeTools: ['git_log'], excludeTools: [] },
      },
    });
    expect(result.missing.map((m) => [m.name, m.catalogued])).toEqual([['everything', 'npm:@modelcontextprotocol/server-everything']]);
  });

  it('VS Code, Cursor and Claude Code files in the gateway formats: one document per server', () => {
    const vscode = policyForConfig(fixture('vscode-mcp.json'), 'mcp.json', INDEX, 'policylayer');
    const docs = JSON.parse(vscode.text) as Record<string, unknown>;
    expect(Object.keys(docs)).toEqual(['fs', 'docs']);
    for (const doc of Object.values(docs)) policyLayerDocument.parse(doc);

    const cursor = policyForConfig(fixture('cursor-mcp.json'), 'mcp.json', INDEX, 'intercept');
    const streams = cursor.text
      .split(/^---\n/m)
      .slice(1)
      .map((d) => interceptDocument.parse(parseYaml(d)));
    expect(streams.map((d) => Object.keys(d.tools))).toEqual([['browser_click'], ['helper', 'search_docs']]);
    expect(streams[1].hide).toEqual(['helper']);

    const claudeCode = policyForConfig(fixture('.mcp.json'), '.mcp.json', INDEX, 'claude-code');
    expect(claudeCode.matched.map((m) => m.name)).toEqual(['memory', 'docs']);
  });

  it('gives byte-identical output for the same file and index', () => {
    const a = policyForConfig(fixture('gemini-settings.json'), '', INDEX, 'codex').text;
    const b = policyForConfig(fixture('gemini-settings.json'), '', structuredClone(INDEX), 'codex').text;
    expect(b).toBe(a);
  });
});
