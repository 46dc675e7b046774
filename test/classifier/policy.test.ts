import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { classify } from '../../classifier/index.ts';
import { parse as parseToml } from 'smol-toml';
import {
  claudeCodeDocument,
  codexDocument,
  EXPORT_FORMATS,
  geminiDocument,
  interceptDocument,
  policyAlternatives,
  policyLayerDocument,
  renderPolicy,
  SEVERITY_MAPPING,
  type ExportFormat,
  type PolicyTool,
} from '../../classifier/policy/index.ts';

const tool = (name: string, severity: PolicyTool['severity'], category: PolicyTool['category'] = 'write', flags: PolicyTool['flags'] = []): PolicyTool => ({
  name,
  category,
  severity,
  flags,
});

const server: PolicyTool[] = [
  tool('list_issues', 'low', 'read'),
  tool('create_issue', 'medium'),
  tool('delete_repo', 'critical', 'destructive'),
  tool('run_sql', 'high', 'execute', ['freeform_input']),
  tool('pay_invoice', 'critical', 'financial'),
  tool('helper', 'low', 'read', ['poisoning_suspect']),
];

/** Each format's document checked against the shape its client or gateway documents; returns the tool names it lists. */
function validate(text: string, format: ExportFormat): string[] {
  switch (format) {
    case 'policylayer':
      return Object.keys(policyLayerDocument.parse(JSON.parse(text)).tools);
    case 'intercept':
      return Object.keys(interceptDocument.parse(parse(text)).tools);
    case 'claude-code': {
      const p = claudeCodeDocument.parse(JSON.parse(text)).permissions;
      return [...p.allow, ...p.ask, ...p.deny].map((rule) => rule.split('__')[2]).sort();
    }
    case 'codex':
      return Object.values(codexDocument.parse(parseToml(text)).mcp_servers)
        .flatMap((s) => [...s.enabled_tools, ...s.disabled_tools])
        .sort();
    case 'gemini':
      return Object.values(geminiDocument.parse(JSON.parse(text)).mcpServers)
        .flatMap((s) => [...s.includeTools, ...s.excludeTools])
        .sort();
  }
}

describe('PolicyLayer JSON', () => {
  it('reproduces the example in DESIGN.md exactly', () => {
    const text = renderPolicy(
      [tool('list_issues', 'low', 'read'), tool('create_issue', 'medium'), tool('delete_repo', 'critical', 'destructive')],
      'policylayer',
    );
    expect(JSON.parse(text)).toStrictEqual({
      version: '1',
      default: 'deny',
      tools: {
        create_issue: { limits: [{ counter: 'create_issue_rate', window: 'minute', max: 30, scope: 'grant' }] },
        delete_repo: { deny_if: [{ conditions: [], on_deny: 'destructive: blocked by default; requires human approval' }] },
        list_issues: {},
      },
    });
  });

  it('maps high to 10 a minute, critical to an unconditional deny with the reason, poisoning suspects to deny', () => {
    const doc = policyLayerDocument.parse(JSON.parse(renderPolicy(server, 'policylayer')));
    expect(doc.tools.run_sql).toEqual({ limits: [{ counter: 'run_sql_rate', window: 'minute', max: 10, scope: 'grant' }] });
    expect(doc.tools.pay_invoice.deny_if?.[0].on_deny).toBe('financial: blocked by default; requires human approval');
    expect(doc.tools.helper.deny_if?.[0].on_deny).toMatch(/poisoning suspect/);
    expect(Object.keys(doc.tools)).toEqual(['create_issue', 'delete_repo', 'helper', 'list_issues', 'pay_invoice', 'run_sql']);
  });
});

describe('Intercept YAML', () => {
  it('writes version "1", default deny, hidden poisoning suspects and one rule list per tool', () => {
    const text = renderPolicy(server, 'intercept');
    expect(text).toMatch(/^version: "1"$/m);
    const doc = interceptDocument.parse(parse(text));
    expect(doc.default).toBe('deny');
    expect(doc.hide).toEqual(['helper']);
    expect(doc.tools.list_issues.rules).toEqual([]);
    expect(doc.tools.create_issue.rules).toEqual([{ name: 'toolrisk rate limit', rate_limit: '30/minute' }]);
    expect(doc.tools.run_sql.rules).toEqual([{ name: 'toolrisk rate limit', rate_limit: '10/minute' }]);
    expect(doc.tools.delete_repo.rules).toEqual([
      { name: 'toolrisk block', action: 'deny', on_deny: 'destructive: blocked by default; requires human approval' },
    ]);
  });
  // Hostile names: test/classifier/policy-names.test.ts.
});

describe('every generated document', () => {
  const classified: PolicyTool[] = [
    'list_files',
    'write_file',
    'delete_file',
    'execute_command',
    'send_email',
    'refund_charge',
    'frobnicate',
    'get_secret',
  ].map((name) => ({ name, ...classify({ name }) }));

  for (const format of Object.keys(EXPORT_FORMATS) as ExportFormat[]) {
    it(`${format}: validates against its documented shape, for a server, for each tool and for each alternative`, () => {
      expect(validate(renderPolicy(classified, format), format)).toEqual(classified.map((t) => t.name).sort());
      for (const t of classified) {
        expect(validate(renderPolicy([t], format), format)).toEqual([t.name]);
        if (format === 'policylayer' || format === 'intercept')
          for (const alternative of policyAlternatives(t)) validate(alternative.documents[format], format);
      }
      validate(renderPolicy([], format), format);
    });

    it(`${format}: gives byte-identical output for the same tools in any order`, () => {
      const a = renderPolicy(classified, format);
      const b = renderPolicy([...classified].reverse(), format);
      expect(b).toBe(a);
      expect(renderPolicy(structuredClone(classified), format)).toBe(a);
    });
  }
});

describe('the severity mapping, one table for every format', () => {
  const levels: PolicyTool[] = [
    tool('a_low', 'low', 'read'),
    tool('b_medium', 'medium'),
    tool('c_high', 'high', 'execute'),
    tool('d_critical', 'critical', 'destructive'),
  ];

  it('low → allow, medium and high → ask (Codex: prompt; Gemini: included), critical → deny / disabled', () => {
    expect(SEVERITY_MAPPING).toMatchObject({ low: { client: 'allow' }, medium: { client: 'ask' }, high: { client: 'ask' }, critical: { client: 'deny' } });
    expect(JSON.parse(renderPolicy(levels, 'claude-code', { name: 'srv' }))).toEqual({
      permissions: { allow: ['mcp__srv__a_low'], ask: ['mcp__srv__b_medium', 'mcp__srv__c_high'], deny: ['mcp__srv__d_critical'] },
    });
    expect(parseToml(renderPolicy(levels, 'codex', { name: 'srv' }))).toEqual({
      mcp_servers: {
        srv: {
          enabled_tools: ['a_low', 'b_medium', 'c_high'],
          disabled_tools: ['d_critical'],
          tools: { a_low: { approval_mode: 'approve' }, b_medium: { approval_mode: 'prompt' }, c_high: { approval_mode: 'prompt' } },
        },
      },
    });
    expect(JSON.parse(renderPolicy(levels, 'gemini', { name: 'srv' }))).toEqual({
      mcpServers: { srv: { includeTools: ['a_low', 'b_medium', 'c_high'], excludeTools: ['d_critical'] } },
    });
  });

  it('a poisoning suspect is denied in every client format, whatever its severity', () => {
    const suspect = [tool('helper', 'low', 'read', ['poisoning_suspect'])];
    expect(JSON.parse(renderPolicy(suspect, 'claude-code')).permissions.deny).toEqual(['mcp__server__helper']);
    expect(JSON.parse(renderPolicy(suspect, 'gemini')).mcpServers.server.excludeTools).toEqual(['helper']);
    expect(codexDocument.parse(parseToml(renderPolicy(suspect, 'codex'))).mcp_servers.server.disabled_tools).toEqual(['helper']);
  });

  it('names the server as given, `server` by default', () => {
    expect(Object.keys(JSON.parse(renderPolicy(levels, 'gemini', { name: 'my-repo' })).mcpServers)).toEqual(['my-repo']);
    expect(Object.keys(JSON.parse(renderPolicy(levels, 'gemini')).mcpServers)).toEqual(['server']);
  });
});

describe('policy alternatives', () => {
  it('offers one step stricter and one looser around the recommendation', () => {
    const variants = policyAlternatives(tool('create_issue', 'medium'));
    expect(variants.map((v) => [v.variant, v.decision])).toEqual([
      ['stricter', { action: 'limit', perMinute: 10 }],
      ['recommended', { action: 'limit', perMinute: 30 }],
      ['looser', { action: 'allow' }],
    ]);
    expect(variants[0].summary).toMatch(/10 calls a minute/);
  });

  it('has nothing stricter than deny and nothing looser than allow', () => {
    expect(policyAlternatives(tool('delete_repo', 'critical', 'destructive')).map((v) => v.variant)).toEqual(['recommended', 'looser']);
    expect(policyAlternatives(tool('list_issues', 'low', 'read')).map((v) => v.variant)).toEqual(['stricter', 'recommended']);
  });
});
