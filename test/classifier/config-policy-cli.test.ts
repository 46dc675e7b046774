import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { claudeCodeDocument, geminiDocument } from '../../classifier/policy/index.ts';
import { ROOT, toolrisk as runToolrisk } from '../helpers/cli.ts';
import { NOTES_SERVER as NOTES } from '../helpers/fixtures.ts';
import { seedPolicyCatalogue } from './policy-catalogue.ts';

// --check-missing starts a server in the sandbox: slow on a loaded machine.
vi.setConfig({ testTimeout: 180_000 });
const FIXTURES = path.join(ROOT, 'test', 'classifier', 'fixtures', 'agent-configs');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-policy-cli-'));
const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TOOLRISK_DATA_DIR: path.join(tmp, 'data') };
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const toolrisk = (args: string[]) => runToolrisk(args, { env, cwd: ROOT });

beforeAll(() => seedPolicyCatalogue(env.TOOLRISK_DATA_DIR), 120_000);

describe('toolrisk policy --config', () => {
  it('writes one Claude Code policy for a Claude Desktop file, and lists the server it does not know', async () => {
    const result = await toolrisk(['policy', '--config', path.join(FIXTURES, 'claude_desktop_config.json'), '--format', 'claude-code']);
    expect(result.code, result.stderr).toBe(0);
    expect(claudeCodeDocument.parse(JSON.parse(result.stdout))).toEqual({
      permissions: {
        allow: ['mcp__filesystem__read_file', 'mcp__git__git_status'],
        // Writing a file replaces what was at its path (destructive since classifier 2.4.0): denied.
        ask: [],
        deny: ['mcp__filesystem__delete_file', 'mcp__filesystem__write_file', 'mcp__git__git_reset'],
      },
    });
    expect(result.stderr).toMatch(
      /^2 of 3 configured servers have a policy:\n {2}filesystem → npm:@modelcontextprotocol\/server-filesystem \(3 tools\)\n {2}git → io\.example\/git \(2 tools\)/,
    );
    expect(result.stderr).toMatch(/my-own \(line 11\): not started by npx, uvx, docker or a URL/);
  });

  it('writes Codex and Gemini policies and warns about tool names a format cannot carry', async () => {
    const codex = await toolrisk(['policy', '--config', path.join(FIXTURES, 'codex-config.toml'), '--format', 'codex']);
    expect(codex.code, codex.stderr).toBe(0);
    const doc = parseToml(codex.stdout) as { mcp_servers: Record<string, { enabled_tools: string[] }> };
    expect(Object.keys(doc.mcp_servers)).toEqual(['memory', 'docs remote', 'git']);
    expect(doc.mcp_servers['docs remote'].enabled_tools).toContain('<<');

    const gemini = await toolrisk(['policy', '--config', path.join(FIXTURES, 'gemini-settings.json'), '--format', 'intercept']);
    expect(gemini.code, gemini.stderr).toBe(0);
    expect(gemini.stderr).toMatch(/Left out tool "\*" of docs: Intercept reads `\*` in a tool name as a wildcard/);
    const geminiOwn = await toolrisk(['policy', '--config', path.join(FIXTURES, 'gemini-settings.json'), '--format', 'gemini']);
    expect(Object.keys(geminiDocument.parse(JSON.parse(geminiOwn.stdout)).mcpServers)).toEqual(['docs']);
    expect(geminiOwn.stderr).toMatch(/everything \(line 5\): looked for npm:@modelcontextprotocol\/server-everything/);
  });

  it('exports one server, and one of its tools, in the client formats under the name its install snippets use', async () => {
    const server = await toolrisk(['policy', 'io.example/memory', '--format', 'codex']);
    expect(server.code, server.stderr).toBe(0);
    expect(parseToml(server.stdout)).toEqual({
      mcp_servers: { memory: { enabled_tools: ['read_graph'], disabled_tools: ['delete_entities'], tools: { read_graph: { approval_mode: 'approve' } } } },
    });
    const tool = await toolrisk(['policy', 'io.example/memory', 'delete_entities', '--format', 'claude-code']);
    expect(JSON.parse(tool.stdout)).toEqual({ permissions: { allow: [], ask: [], deny: ['mcp__memory__delete_entities'] } });
  });

  it('says which line of a malformed file is wrong, and exits 2', async () => {
    const bad = path.join(tmp, 'broken.json');
    writeFileSync(bad, '{\n  "mcpServers": {\n    "a": { "command": "npx", }\n    "b": {}\n  }\n}\n');
    const result = await toolrisk(['policy', '--config', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${bad}: line 4: not valid JSON: expected a comma`);
    expect(result.stdout).toBe('');
  });

  it('--check-missing lists an unknown server’s tools live in the sandbox and includes them', async () => {
    const config = path.join(tmp, 'claude_desktop_config.json');
    writeFileSync(
      config,
      JSON.stringify({
        mcpServers: {
          filesystem: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/tmp'] },
          notes: { command: process.execPath, args: [NOTES], env: { SECRET: 'not passed on' } },
        },
      }),
    );
    const without = await toolrisk(['policy', '--config', config, '--format', 'claude-code']);
    expect(JSON.parse(without.stdout).permissions.deny).toEqual(['mcp__filesystem__delete_file', 'mcp__filesystem__write_file']);
    const result = await toolrisk(['policy', '--config', config, '--format', 'claude-code', '--check-missing']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/notes: 3 tools, classified now/);
    const doc = claudeCodeDocument.parse(JSON.parse(result.stdout));
    expect(doc.permissions.allow).toContain('mcp__notes__list_notes');
    expect(doc.permissions.deny).toEqual(['mcp__filesystem__delete_file', 'mcp__filesystem__write_file', 'mcp__notes__delete_note']);
  });
});
