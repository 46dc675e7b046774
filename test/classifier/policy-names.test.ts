import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  claudeCodeDocument,
  claudeCodeName,
  EXPORT_FORMATS,
  geminiDocument,
  interceptDocument,
  policyLayerDocument,
  renderCombinedPolicy,
  renderPolicy,
  unsafeToolNames,
  type ExportFormat,
  type PolicyTool,
} from '../../classifier/policy/index.ts';

// Names a server (or a user's configuration) can choose that mean something in some policy syntax.
const HOSTILE = [
  '<<',
  '*',
  'delete_*',
  '__proto__',
  'constructor',
  '"quoted"',
  "'single'",
  'line\nbreak',
  'cr\rreturn',
  'tab\there',
  '# hash',
  'a: b',
  '- item',
  '&anchor',
  '*alias',
  '!tag',
  '? key',
  '|',
  '>',
  '%directive',
  '@at',
  '`tick`',
  'true',
  'null',
  '~',
  '1e3',
  '0x10',
  '[x]',
  '{x}',
  'a.b',
  'a=b',
  '"""',
  'back\\slash',
  'nul\u0000byte',
  'del\u007f',
  'c1\u0085',
  'ls\u2028ps\u2029',
  'bom\ufeff',
  'bidi\u202eevil',
  'ünïcödé 😀',
  '日本語',
  ' padded ',
  '',
  'a(b)',
  'mcp__x__y',
  'x'.repeat(300),
];

const tool = (name: string, severity: PolicyTool['severity']): PolicyTool => ({ name, category: 'write', severity, flags: [] });
const severities: PolicyTool['severity'][] = ['low', 'medium', 'high', 'critical'];
const tools = HOSTILE.map((name, i) => tool(name, severities[i % 4]));

function safeNames(format: ExportFormat): string[] {
  const refused = new Set(unsafeToolNames(tools, format).map((r) => r.name));
  return HOSTILE.filter((n) => !refused.has(n));
}

/** An own property, read without the `__proto__` accessor. */
const own = (object: object, key: string): unknown => Object.getOwnPropertyDescriptor(object, key)?.value;

const sorted = (names: string[]) => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

describe('hostile tool names stay names in every export format', () => {
  it('Intercept YAML: `<<` is a key, not a merge; `*` is refused (it is the wildcard); the rest parse back exactly', () => {
    const text = renderPolicy(tools, 'intercept');
    expect(unsafeToolNames(tools, 'intercept').map((r) => r.name)).toEqual(['*', '*alias', 'delete_*']);
    for (const options of [{}, { merge: true }, { version: '1.1' as const }]) {
      const doc = parseYaml(text, options);
      interceptDocument.parse(doc);
      expect(Object.keys(doc.tools)).toEqual(sorted(safeNames('intercept')));
      expect(doc.tools['<<']).toEqual({ rules: [] }); // low: allowed, and not merged into tools
      expect(Object.hasOwn(doc.tools, '__proto__')).toBe(true);
      expect(doc.tools['line\nbreak']).toBeDefined();
    }
  });

  it('PolicyLayer JSON: `*` is refused; every other name is a key of tools', () => {
    const doc = JSON.parse(renderPolicy(tools, 'policylayer'));
    policyLayerDocument.parse(doc);
    expect(Object.keys(doc.tools)).toEqual(sorted(safeNames('policylayer')));
    expect(own(doc.tools, '__proto__')).toEqual({ deny_if: [{ conditions: [], on_deny: 'write: blocked by default; requires human approval' }] });
  });

  it('Codex TOML: every key quoted and every string escaped; parses back to exactly the lists and approval modes', () => {
    const text = renderPolicy(tools, 'codex', { name: 'my "server"\n[evil]' });
    const doc = parseToml(text) as {
      mcp_servers: Record<string, { enabled_tools: string[]; disabled_tools: string[]; tools?: Record<string, { approval_mode: string }> }>;
    };
    expect(Object.keys(doc.mcp_servers)).toEqual(['my "server"\n[evil]']);
    const server = doc.mcp_servers['my "server"\n[evil]'];
    const expectEnabled = tools.filter((t) => t.severity !== 'critical').map((t) => t.name);
    expect(server.enabled_tools).toEqual(sorted(expectEnabled));
    expect(server.disabled_tools).toEqual(sorted(tools.filter((t) => t.severity === 'critical').map((t) => t.name)));
    expect(Object.keys(server.tools!).sort()).toEqual(sorted(expectEnabled));
    for (const t of tools.filter((x) => x.severity !== 'critical')) {
      expect(server.tools![t.name].approval_mode).toBe(t.severity === 'low' ? 'approve' : 'prompt');
    }
  });

  it('Gemini JSON: names go through as data; names with `(` are kept out of includeTools (prefix matching)', () => {
    const raw = JSON.parse(renderPolicy(tools, 'gemini', { name: '__proto__' }));
    geminiDocument.parse(raw);
    expect(Object.keys(raw.mcpServers)).toEqual(['__proto__']);
    const server = own(raw.mcpServers, '__proto__') as { includeTools: string[]; excludeTools: string[] };
    expect(server.includeTools).toEqual(sorted(safeNames('gemini').filter((n) => tools.find((t) => t.name === n)!.severity !== 'critical')));
    expect(server.includeTools).not.toContain('a(b)');
    expect(server.excludeTools).toEqual(sorted(tools.filter((t) => t.severity === 'critical').map((t) => t.name)));
  });

  it('Claude Code JSON: rules use Claude Code’s normalised names, so no name can make a wildcard or a specifier', () => {
    const doc = claudeCodeDocument.parse(JSON.parse(renderPolicy(tools, 'claude-code', { name: 'my server*' })));
    const all = [...doc.permissions.allow, ...doc.permissions.ask, ...doc.permissions.deny];
    for (const rule of all) expect(rule).toMatch(/^mcp__my_server___[A-Za-z0-9_-]+$/);
    expect(doc.permissions.ask).toContain('mcp__my_server____'); // `*` (medium) → `_`, not a wildcard
    expect(claudeCodeName('a(b)')).toBe('a_b_');
    // Every tool has a rule in the list of its verdict.
    for (const t of tools.filter((x) => x.name !== '')) {
      const list = t.severity === 'low' ? doc.permissions.allow : t.severity === 'critical' ? doc.permissions.deny : doc.permissions.ask;
      expect(list).toContain(`mcp__my_server___${claudeCodeName(t.name)}`);
    }
  });

  it('every format: a combined policy with hostile server names parses, one entry per server', () => {
    const servers = ['<<', '*', '__proto__', 'a.b', 'x"y'].map((name) => ({ name, tools: tools.slice(0, 6) }));
    for (const format of Object.keys(EXPORT_FORMATS) as ExportFormat[]) {
      const text = renderCombinedPolicy(servers, format);
      if (format === 'intercept') {
        const docs = text
          .split(/^---\n/m)
          .slice(1)
          .map((d) => interceptDocument.parse(parseYaml(d, { merge: true })));
        expect(docs.map((d) => d.description.split('. ')[0])).toEqual(servers.map((s) => `Server ${s.name}`));
      } else if (format === 'codex') {
        expect(Object.keys((parseToml(text) as { mcp_servers: object }).mcp_servers)).toEqual(servers.map((s) => s.name));
      } else if (format === 'claude-code') {
        claudeCodeDocument.parse(JSON.parse(text));
      } else {
        const doc = JSON.parse(text);
        expect(Object.keys(format === 'gemini' ? doc.mcpServers : doc)).toEqual(servers.map((s) => s.name));
      }
    }
  });

  it('a lone surrogate is refused where the format cannot carry it, never written broken', () => {
    const broken = [tool('ok', 'low'), tool('bad\ud800', 'low')];
    expect(unsafeToolNames(broken, 'codex').map((r) => r.name)).toEqual(['bad\ud800']);
    expect((parseToml(renderPolicy(broken, 'codex')) as { mcp_servers: { server: { enabled_tools: string[] } } }).mcp_servers.server.enabled_tools).toEqual([
      'ok',
    ]);
    expect(Object.keys(parseYaml(renderPolicy(broken, 'intercept')).tools)).toEqual(['ok']);
  });
});
