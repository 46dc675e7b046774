import { describe, expect, it } from 'vitest';
import { classify, needsReview } from '../../classifier/index.ts';
import { foldConfusables, mixesScripts } from '../../classifier/confusables.ts';

/** The error patterns of issue 12, each as general cases (none of them names a record of the labelled sets). */
const categoryOf = (name: string, description?: string) => classify({ name, description }).category;

describe('modifiers are not destructive verbs', () => {
  it.each([
    ['forceRefresh', 'Force a refresh of the product cache.', 'write'],
    ['browser_clear', 'Clears the value of an input element.', 'write'],
    ['clear_cache', 'Clears the cache.', 'write'],
    ['clear_selection', undefined, 'write'],
    ['browser_drop', 'Drop files onto an element, as if dragged from outside the page.', 'write'],
    ['reset_view', 'Resets the zoom and pan of the view.', 'write'],
    ['overwrite_cell', 'Overwrites the value of one cell.', 'write'],
  ] as const)('%s is %s', (name, description, category) => {
    const c = classify({ name, description });
    expect(c.category).toBe(category);
    expect(c.severity).not.toBe('critical');
  });

  it('keeps the destructive meaning where the object is data or the modifier makes it worse', () => {
    expect(categoryOf('drop_table')).toBe('destructive');
    expect(categoryOf('drop_collection', 'Drops the collection and its indexes.')).toBe('destructive');
    expect(categoryOf('force_push', 'Force-push the branch.')).toBe('destructive');
    expect(categoryOf('clear_all_records')).toBe('destructive');
    expect(categoryOf('reset_database')).toBe('destructive');
  });

  it('reads an enum value that only mentions a modifier as weak evidence', () => {
    const c = classify({
      name: 'search_docs',
      description: 'Search the documentation.',
      inputSchema: { type: 'object', properties: { mode: { type: 'string', enum: ['quick', 'force-search'] } } },
    });
    expect(c.category).toBe('read');
  });
});

describe('relations are not entities', () => {
  it.each([
    'remove_label',
    'remove_watcher',
    'remove_reaction',
    'remove_bookmark',
    'remove_member_from_team',
    'unlink_issue',
    'remove_assignee',
    'reactions_remove',
  ])('%s only unlinks: write', (name) => {
    expect(categoryOf(name)).toBe('write');
  });

  it('deleting the entity itself is destructive', () => {
    for (const name of ['delete_label', 'delete_repository', 'delete_member_account', 'remove_repository']) expect(categoryOf(name), name).toBe('destructive');
  });
});

describe('money words as nouns are not money movement', () => {
  it('getting a refund or a claim reads', () => {
    expect(categoryOf('get_refund', 'Get a refund by its ID.')).toBe('read');
    expect(categoryOf('list_claims', 'Lists insurance claims.')).toBe('read');
  });

  it('sending invoices and changing subscriptions move money', () => {
    expect(categoryOf('send_invoice', 'Sends the invoice to the customer.')).toBe('financial');
    expect(categoryOf('update_subscription', 'Changes the plan of a subscription.')).toBe('financial');
    expect(categoryOf('refund_payment', 'Refunds a payment.')).toBe('financial');
  });
});

describe('vocabulary', () => {
  it.each([
    ['forward_email', 'write'],
    ['demote_user', 'write'],
    ['retweet', 'write'],
    ['pull_image', 'write'],
    ['maximize_window', 'write'],
    ['focus_element', 'read'],
    ['go_back', 'read'],
    ['go_forward', 'read'],
    ['enhance_image', 'write'],
    ['pull_request_read', 'read'],
    ['get_network_request', 'read'],
    ['monitor_create', 'write'],
    ['tag_delete', 'destructive'],
  ] as const)('%s is %s', (name, category) => {
    expect(categoryOf(name)).toBe(category);
  });

  it('sends only where the tool sends: forwarding an email is external communication', () => {
    expect(classify({ name: 'forward_email' }).flags).toContain('external_comm');
    expect(classify({ name: 'update_issue' }).flags).not.toContain('external_comm');
  });
});

describe('flags', () => {
  it('credential_admin is for credentials and permissions, not pressing a key or reading config', () => {
    expect(classify({ name: 'press_key', description: 'Press a key on the keyboard.' }).flags).not.toContain('credential_admin');
    expect(classify({ name: 'get_config', description: 'Returns the store configuration.' }).flags).not.toContain('credential_admin');
    expect(classify({ name: 'create_api_key' }).flags).toContain('credential_admin');
    expect(classify({ name: 'add_user_to_group' }).flags).toContain('credential_admin');
  });

  it('freeform_input is for code, SQL, shell and filesystem paths, not JSONPath or a path in a remote repository', () => {
    const schema = (properties: Record<string, unknown>) => ({ type: 'object', properties });
    expect(classify({ name: 'read_file', inputSchema: schema({ path: { type: 'string' } }) }).flags).toContain('freeform_input');
    expect(classify({ name: 'run_sql', inputSchema: schema({ sql: { type: 'string' } }) }).flags).toContain('freeform_input');
    expect(classify({ name: 'json_get', inputSchema: schema({ key: { type: 'string' }, path: { type: 'string', default: '$' } }) }).flags).not.toContain(
      'freeform_input',
    );
    expect(
      classify({ name: 'get_file_contents', inputSchema: schema({ owner: { type: 'string' }, repo: { type: 'string' }, path: { type: 'string' } }) }).flags,
    ).not.toContain('freeform_input');
    expect(classify({ name: 'list_pods', inputSchema: schema({ labelSelector: { type: 'string' } }) }).flags).not.toContain('freeform_input');
  });

  it('bulk is where one call multiplies the damage', () => {
    expect(classify({ name: 'delete_many' }).flags).toContain('bulk');
    expect(classify({ name: 'git_add', inputSchema: { type: 'object', properties: { files: { type: 'array' } } } }).flags).not.toContain('bulk');
  });
});

describe('weak evidence', () => {
  it('never sets a high or critical severity, and asks for review', () => {
    const c = classify({ name: 'widget_thing', inputSchema: { type: 'object', properties: { force: { type: 'boolean' }, amount: { type: 'number' } } } });
    expect(['low', 'medium']).toContain(c.severity);
    expect(needsReview(c)).toBe(true);
    expect(c.explanation).toMatch(/needs review/);
  });

  it('a clear verdict does not ask for review', () => {
    const c = classify({ name: 'delete_repository', description: 'Deletes a repository.' });
    expect(needsReview(c)).toBe(false);
    expect(c.severity).toBe('critical');
  });
});

describe('Unicode confusables', () => {
  it('fold look-alike letters before classifying, and flag a name that mixes scripts', () => {
    const c = classify({ name: 'd\u0435lete_all_files', description: 'Removes every file.' }); // Cyrillic е
    expect(c.category).toBe('destructive');
    expect(c.flags).toContain('poisoning_suspect');
    expect(c.evidence).toContainEqual(expect.objectContaining({ rule: 'poisoning:mixed-script', field: 'name' }));
    expect(foldConfusables('ｄｅｌｅｔｅ')).toBe('delete');
  });

  it('leaves alone a name wholly in another script or in accented Latin (near misses)', () => {
    for (const name of ['удалить_файл', 'café_menu_list', 'λίστα']) {
      expect(mixesScripts(name), name).toBeUndefined();
      expect(classify({ name }).flags, name).not.toContain('poisoning_suspect');
    }
    expect(classify({ name: 'list_files' }).flags).not.toContain('poisoning_suspect');
  });
});
