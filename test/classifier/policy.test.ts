import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { classify } from '../../classifier/index.ts';
import {
  interceptDocument,
  policyAlternatives,
  policyLayerDocument,
  POLICY_FORMATS,
  renderPolicy,
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

function validate(text: string, format: keyof typeof POLICY_FORMATS) {
  return format === 'policylayer' ? policyLayerDocument.parse(JSON.parse(text)) : interceptDocument.parse(parse(text));
}

describe('PolicyLayer JSON', () => {
  it('reproduces the example in DESIGN.md exactly', () => {
    const text = renderPolicy([tool('list_issues', 'low', 'read'), tool('create_issue', 'medium'), tool('delete_repo', 'critical', 'destructive')], 'policylayer');
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
    expect(doc.tools.delete_repo.rules).toEqual([{ name: 'toolrisk block', action: 'deny', on_deny: 'destructive: blocked by default; requires human approval' }]);
  });
  // Hostile names: test/classifier/policy-names.test.ts.
});

describe('every generated document', () => {
  const classified: PolicyTool[] = [
    'list_files', 'write_file', 'delete_file', 'execute_command', 'send_email', 'refund_charge', 'frobnicate', 'get_secret',
  ].map((name) => ({ name, ...classify({ name }) }));

  for (const format of Object.keys(POLICY_FORMATS) as Array<keyof typeof POLICY_FORMATS>) {
    it(`${format}: validates against its schema, for a server, for each tool and for each alternative`, () => {
      validate(renderPolicy(classified, format), format);
      for (const t of classified) {
        const one = validate(renderPolicy([t], format), format);
        expect(Object.keys(one.tools)).toEqual([t.name]);
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
