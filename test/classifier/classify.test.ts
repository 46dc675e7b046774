import { describe, expect, it } from 'vitest';
import { classify, CLASSIFIER_VERSION, DEFAULT_SEVERITY, severityOf, type ToolInput } from '../../classifier/index.ts';
import { CATEGORIES, FLAGS } from '../../classifier/types.ts';

describe('classify', () => {
  it('returns a complete classification with evidence that points at the text it matched', () => {
    const c = classify({
      name: 'delete_repository',
      description: 'Permanently deletes a repository and all its issues.',
      inputSchema: { type: 'object', properties: { repo: { type: 'string' } } },
    });
    expect(c).toMatchObject({ category: 'destructive', severity: 'critical', version: CLASSIFIER_VERSION, annotationConflicts: [] });
    expect(c.confidence).toBeGreaterThan(0.5);
    expect(c.confidence).toBeLessThanOrEqual(1);
    expect(c.evidence).toContainEqual({ rule: 'name-verb:delete', field: 'name', match: 'delete', points: 'destructive', weight: 0.9 });
    expect(c.evidence).toContainEqual(expect.objectContaining({ rule: 'phrase:irreversible', field: 'description', match: 'Permanently' }));
    for (const e of c.evidence) {
      expect([...CATEGORIES, ...FLAGS]).toContain(e.points);
      expect(e.weight).toBeGreaterThan(0);
    }
  });

  it('explains itself in one or two plain sentences', () => {
    const c = classify({ name: 'send_email', description: 'Sends an email to the given recipients.' });
    expect(c.category).toBe('write');
    expect(c.flags).toContain('external_comm');
    expect(c.explanation).toBe(
      "Write: the name's action “send”: it creates or changes state in a way that can be undone. Severity high (raised by external comm).",
    );
    expect(c.explanation.split(/(?<=\.) /).length).toBeLessThanOrEqual(2);
  });

  it('is deterministic', () => {
    const tool: ToolInput = {
      name: 'run_query',
      description: 'Execute SQL against the warehouse.',
      inputSchema: { type: 'object', properties: { sql: { type: 'string' } } },
    };
    expect(classify(structuredClone(tool))).toStrictEqual(classify(tool));
  });

  it('flags what makes the harm larger', () => {
    expect(classify({ name: 'execute_command', inputSchema: { type: 'object', properties: { command: { type: 'string' } } } }).flags).toContain(
      'freeform_input',
    );
    expect(classify({ name: 'get_secret', description: 'Returns a secret value.' }).flags).toEqual(
      expect.arrayContaining(['credential_admin', 'private_data']),
    );
    expect(classify({ name: 'fetch_url', description: 'Fetches a web page and returns its text.' }).flags).toContain('untrusted_content');
    expect(classify({ name: 'delete_all_records' }).flags).toContain('bulk');
    expect(classify({ name: 'list_all_records' }).flags).not.toContain('bulk');
  });

  it('chooses the worst category the evidence supports', () => {
    expect(classify({ name: 'create_or_delete_branch' }).category).toBe('destructive');
    expect(classify({ name: 'update_item', description: 'Updates an item. This cannot be undone.' }).category).toBe('destructive');
    expect(classify({ name: 'get_order', description: 'Retrieves an order.' }).category).toBe('read');
    expect(classify({ name: 'place_order', description: 'Places a limit order.' }).category).toBe('financial');
  });

  it('survives hostile and malformed input without throwing', () => {
    const weird: unknown[] = [
      { name: '' },
      { name: 'x'.repeat(100_000), description: 'y '.repeat(100_000) },
      { name: 42, description: {}, annotations: [], inputSchema: 'nope' },
      { name: 'a', annotations: { readOnlyHint: 'yes', destructiveHint: 1 } },
      { name: 'a', inputSchema: { properties: { ['__proto__']: { type: 'string' }, constructor: { enum: [1, null, {}] } } } },
    ];
    for (const tool of weird) expect(() => classify(tool as ToolInput)).not.toThrow();
  });
});

describe('severity', () => {
  it('starts from the category default in DESIGN.md', () => {
    expect(DEFAULT_SEVERITY).toEqual({ read: 'low', write: 'medium', execute: 'high', destructive: 'critical', financial: 'critical', unknown: 'medium' });
  });

  it('rises one step for an aggravating flag, at most one step, never past critical', () => {
    expect(severityOf('write', ['external_comm'])).toEqual({ severity: 'high', raisedBy: ['external_comm'] });
    expect(severityOf('write', ['external_comm', 'bulk', 'credential_admin']).severity).toBe('high');
    expect(severityOf('execute', ['credential_admin']).severity).toBe('critical');
    expect(severityOf('read', ['untrusted_content', 'private_data']).severity).toBe('low');
    expect(severityOf('read', ['credential_admin']).severity).toBe('medium');
    expect(severityOf('destructive', ['bulk']).severity).toBe('critical');
  });
});
