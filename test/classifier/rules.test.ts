import { describe, expect, it } from 'vitest';
import { classify } from '../../classifier/index.ts';
import { ARGUMENT_RULES } from '../../classifier/rules/arguments.ts';
import { OBJECT_RULES } from '../../classifier/rules/objects.ts';
import { PHRASE_RULES } from '../../classifier/rules/phrases.ts';
import { VERB_TABLE, VERBS } from '../../classifier/rules/verbs.ts';
import { TriggerIndex } from '../../classifier/triggers.ts';
import type { Category, Evidence } from '../../classifier/types.ts';

const rulesOf = (evidence: Evidence[]) => evidence.map((e) => e.rule);

describe('verb table', () => {
  it('lists each verb once, in one category, as one lower-case word', () => {
    const seen = new Map<string, Category>();
    for (const [category, verbs] of Object.entries(VERB_TABLE) as Array<[Category, readonly string[]]>) {
      for (const verb of verbs) {
        expect(verb, verb).toMatch(/^[a-z0-9]+$/);
        expect(seen.get(verb), `${verb} is listed under ${seen.get(verb)} and ${category}`).toBeUndefined();
        seen.set(verb, category);
      }
    }
    expect(seen.size).toBe(VERBS.size);
  });

  it.each([
    ['list_issues', 'read'],
    ['create_issue', 'write'],
    ['execute_script', 'execute'],
    ['delete_repository', 'destructive'],
    ['refund_payment', 'financial'],
  ] as const)('the name verb of %s gives %s', (name, category) => {
    const c = classify({ name });
    expect(c.category).toBe(category);
    expect(c.evidence.find((e) => e.rule.startsWith('name-verb:'))?.points).toBe(category);
  });

  it('reads conjugated verbs at the start of a description, after boilerplate', () => {
    expect(classify({ name: 'repo_tool', description: 'Deletes the repository.' }).category).toBe('destructive');
    expect(classify({ name: 'x', description: 'This tool will retrieve the balance.' }).category).toBe('read');
    expect(classify({ name: 'x', description: 'Use this tool to create a ticket.' }).category).toBe('write');
    expect(classify({ name: 'x', description: 'Notion | Update page properties' }).category).toBe('write');
  });

  it('takes the verb after an HTTP method prefix, and a second verb joined by "or"', () => {
    expect(classify({ name: 'API-post-search' }).category).toBe('read');
    expect(rulesOf(classify({ name: 'create_or_delete_thing' }).evidence)).toContain('name-verb:delete');
  });

  it('lets a verbless name made of data words read (db_stats), and leaves opaque names unknown', () => {
    expect(classify({ name: 'db_stats' }).category).toBe('read');
    expect(classify({ name: 'frobnicator' }).category).toBe('unknown');
    expect(classify({ name: 'frobnicator', description: '' }).confidence).toBeLessThan(0.5);
  });
});

describe('object rules', () => {
  for (const rule of OBJECT_RULES) {
    it(`${rule.id} fires on a name made of its verb and object`, () => {
      const verb = rule.verbs?.[0] ?? (rule.verbCategories ? [...VERBS].find(([, r]) => rule.verbCategories!.includes(r.category))![0] : 'create');
      const object = rule.after ? `${rule.after[0]}_${rule.objects[0]}` : rule.objects[0];
      const name = object === 'from' ? `${verb}_member_from_group` : `${verb}_${object}`;
      const c = classify({ name });
      expect(rulesOf(c.evidence)).toContain(`name-object:${rule.id}`);
      // Strong object rules decide the category; weaker ones (modifiers) only add evidence.
      if (rule.category && rule.category !== 'read' && rule.weight >= 0.7) expect(c.category).toBe(rule.category);
      for (const flag of rule.flags ?? []) expect(c.evidence.some((e) => e.points === flag)).toBe(true);
    });
  }

  it('needs the head noun for money rules: a payment link is not a payment', () => {
    expect(classify({ name: 'create_payment' }).category).toBe('financial');
    expect(classify({ name: 'create_payment_link' }).category).toBe('write');
    expect(classify({ name: 'place_stock_order' }).category).toBe('financial');
    expect(classify({ name: 'cancel_order_by_id' }).category).toBe('write');
  });

  it('lets an object decide over its verb: reports are read, sessions only end, removing from a group unlinks', () => {
    expect(classify({ name: 'run_report' }).category).toBe('read');
    expect(classify({ name: 'kill_session' }).category).toBe('write');
    expect(classify({ name: 'remove_user_from_group' }).category).toBe('write');
    expect(classify({ name: 'remove_user' }).category).toBe('destructive');
  });
});

describe('phrase rules', () => {
  const index = new TriggerIndex(PHRASE_RULES);
  for (const [i, rule] of PHRASE_RULES.entries()) {
    it(`${rule.id} matches its example, its triggers find it, and classify records it`, () => {
      expect(rule.pattern.test(rule.example)).toBe(true);
      index.scan(rule.example);
      expect(index.candidates(index.first, index.near) & (1 << i)).not.toBe(0);
      const c = classify({ name: 'tool', description: rule.example });
      expect(rulesOf(c.evidence)).toContain(`phrase:${rule.id}`);
    });
  }

  it('reads phrases in the first sentence (a later one counts half, where that still matters)', () => {
    const early = classify({ name: 'x', description: 'Deletes old items. Returns nothing.' });
    const late = classify({ name: 'x', description: 'Returns the items. A nightly job deletes old items.' });
    expect(early.evidence.find((e) => e.rule === 'phrase:deletes')?.weight).toBe(0.6);
    expect(late.evidence.find((e) => e.rule === 'phrase:deletes')).toBeUndefined();
    const flagEarly = classify({ name: 'x', description: 'Sends an email to the recipients. Returns its ID.' });
    const flagLate = classify({ name: 'x', description: 'Returns an ID. The service sends an email to the recipients.' });
    const sends = (c: ReturnType<typeof classify>) => c.evidence.find((e) => e.rule === 'phrase:sends-to-others')?.weight ?? 0;
    expect(sends(flagEarly)).toBeGreaterThan(sends(flagLate));
    // except warnings about the tool itself, which count wherever they are
    const warned = classify({ name: 'update_item', description: 'Updates an item. This cannot be undone.' });
    expect(warned.evidence.find((e) => e.rule === 'phrase:irreversible')!.weight).toBe(0.75);
  });

  it('treats DELETE in a description of something else as weak', () => {
    const c = classify({ name: 'list_audit_events', description: 'Lists audit events. Events include CREATE, UPDATE and DELETE operations on records.' });
    expect(c.category).toBe('read');
  });
});

describe('argument rules', () => {
  for (const rule of ARGUMENT_RULES) {
    it(`${rule.id} fires on an argument named ${rule.names[0]}`, () => {
      const definition = { type: rule.types?.[0] ?? 'string', ...(rule.enumHas ? { enum: rule.enumHas } : {}) };
      // a rule that needs a sibling gets its first one
      const sibling = rule.onlyBeside ? { [rule.onlyBeside[0]]: { type: 'string' } } : {};
      const schema = { type: 'object', properties: { [rule.names[0]]: definition, ...sibling } };
      // a rule for some verbs only gets a name with its first one
      const c = classify({ name: rule.nameVerbs ? `${rule.nameVerbs[0]}_tool` : 'tool', inputSchema: schema });
      expect(c.evidence).toContainEqual(
        expect.objectContaining({ rule: `argument:${rule.id}`, field: 'inputSchema', match: rule.names[0], points: rule.points }),
      );
    });
  }

  it('reads a file-name argument as where a generator saves, not what a reader opens', () => {
    const schema = { type: 'object', properties: { fileName: { type: 'string' } } };
    expect(classify({ name: 'generate_theme', description: 'Generates a theme CSS file.', inputSchema: schema }).category).toBe('write');
    expect(rulesOf(classify({ name: 'get_file', description: 'Reads a file.', inputSchema: schema }).evidence)).not.toContain('argument:generated-into-a-file');
  });

  it('respects argument types: a boolean called command is no shell command', () => {
    const c = classify({ name: 'tool', inputSchema: { type: 'object', properties: { command: { type: 'boolean' } } } });
    expect(rulesOf(c.evidence)).not.toContain('argument:shell-command');
  });

  it('reads action enums: a manage tool that can delete is destructive, one that only lists is read', () => {
    const schema = (values: string[]) => ({ type: 'object', properties: { action: { type: 'string', enum: values } } });
    expect(classify({ name: 'manage_rules', inputSchema: schema(['list', 'create', 'delete']) }).category).toBe('destructive');
    expect(classify({ name: 'manage_rules', inputSchema: schema(['list', 'get']) }).category).toBe('read');
    // A choice of HTTP method names no operation: a router that names none may do anything it is asked.
    const unnamed = classify({ name: 'manage_rules', inputSchema: schema(['GET', 'POST', 'DELETE']) });
    expect(unnamed.category).toBe('execute');
    expect(rulesOf(unnamed.evidence)).toContain('router-without-operations');
  });

  it('a router takes the worst operation its description or enum names, with its object', () => {
    expect(
      classify({
        name: 'browser_tabs',
        description: 'List, create, close, or select a browser tab.',
        inputSchema: { type: 'object', properties: { action: { type: 'string' } } },
      }).category,
    ).toBe('write');
    expect(
      classify({ name: 'git_branch', description: 'Manage branches: list all branches, create a new branch, delete a branch, or rename a branch.' }).category,
    ).toBe('destructive');
    expect(
      classify({
        name: 'group_membership',
        description: "Use action='list' to see your groups or action='join' to join one.",
        inputSchema: { type: 'object', properties: { action: { type: 'string' } } },
      }).category,
    ).toBe('write');
    expect(
      classify({ name: 'git_remote', inputSchema: { type: 'object', properties: { mode: { type: 'string', enum: ['list', 'add', 'remove'] } } } }).category,
    ).toBe('write');
  });

  it('ignores malformed schemas', () => {
    for (const inputSchema of [null, 'string', [], { properties: 'x' }, { properties: { a: null, b: { type: ['null', 'string'] } } }]) {
      expect(() => classify({ name: 'get_thing', inputSchema })).not.toThrow();
    }
  });
});

describe('annotation rules', () => {
  it('decide only where the text names no action: readOnlyHint false never lifts an observation verb', () => {
    for (const name of ['get_item', 'take_screenshot', 'browser_hover', 'wait_for', 'browser_snapshot', 'inspect_element']) {
      const c = classify({ name, annotations: { readOnlyHint: false, destructiveHint: true } });
      expect(c.category, name).toBe('read');
      expect(
        c.annotationConflicts.map((a) => a.annotation),
        name,
      ).toContain('readOnlyHint');
    }
  });

  it('never raise a named action: destructiveHint does not make an update, a click or a navigation destructive', () => {
    for (const name of ['update_record', 'browser_click', 'browser_type', 'browser_navigate', 'browser_select_option', 'create_record']) {
      const c = classify({ name, annotations: { readOnlyHint: false, destructiveHint: true } });
      expect(c.category, name).not.toBe('destructive');
      expect(c.severity, name).not.toBe('critical');
    }
  });

  it('fill the gap where the text names nothing, and never make a tool critical on their own', () => {
    const declaredWrite = classify({ name: 'widget', annotations: { readOnlyHint: false, destructiveHint: true } });
    expect(declaredWrite.category).toBe('write');
    expect(declaredWrite.severity).toBe('medium');
    expect(rulesOf(declaredWrite.evidence)).toContain('annotation:declares-writes');
    expect(classify({ name: 'widget', annotations: { readOnlyHint: true } }).category).toBe('read');
    expect(classify({ name: 'widget', annotations: { destructiveHint: true } }).category).toBe('unknown');
  });

  it('never lower, and report the contradiction in both directions', () => {
    const lowered = classify({ name: 'delete_repository', annotations: { readOnlyHint: true } });
    expect(lowered.category).toBe('destructive');
    expect(lowered.annotationConflicts).toEqual([expect.objectContaining({ annotation: 'readOnlyHint', declared: true })]);
    expect(lowered.explanation).toMatch(/annotations disagree/);

    const notDestructive = classify({ name: 'drop_table', annotations: { destructiveHint: false } });
    expect(notDestructive.category).toBe('destructive');
    expect(notDestructive.annotationConflicts).toEqual([expect.objectContaining({ annotation: 'destructiveHint', declared: false })]);

    const overDeclared = classify({ name: 'create_comment', annotations: { readOnlyHint: false, destructiveHint: true } });
    expect(overDeclared.annotationConflicts).toEqual([expect.objectContaining({ annotation: 'destructiveHint', declared: true })]);
  });

  it('ignore destructiveHint on a tool declared read-only (MCP gives it no meaning there)', () => {
    const c = classify({ name: 'list_channels', annotations: { readOnlyHint: true, destructiveHint: true } });
    expect(c.category).toBe('read');
    expect(c.annotationConflicts).toEqual([]);
  });
});
