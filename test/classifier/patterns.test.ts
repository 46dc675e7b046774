import { describe, expect, it } from 'vitest';
import { classify, needsReview } from '../../classifier/index.ts';
import { foldConfusables, mixesScripts } from '../../classifier/confusables.ts';

/** The error patterns of issue 12, each as general cases (none of them names a record of the labelled sets). */
const categoryOf = (name: string, description?: string) => classify({ name, description }).category;
const flagsOf = (name: string, description?: string) => classify({ name, description }).flags;

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

describe('a lasting effect the schema shows', () => {
  const schema = (properties: Record<string, unknown>) => ({ type: 'object', properties });
  it('a tool that saves what it computes to a file the caller names writes', () => {
    expect(
      classify({ name: 'generate_report', description: 'Generate a cost report.', inputSchema: schema({ output_file: { type: 'string' } }) }).category,
    ).toBe('write');
    expect(
      classify({ name: 'analyze_schema', description: 'Analyzes a database schema.', inputSchema: schema({ outputDir: { type: 'string' } }) }).category,
    ).toBe('write');
  });

  it('a read that only takes an input path, or names an output format, still reads', () => {
    expect(
      classify({ name: 'generate_report', description: 'Generate a cost report.', inputSchema: schema({ input_file: { type: 'string' } }) }).category,
    ).toBe('read');
    expect(classify({ name: 'get_report', description: 'Returns a report.', inputSchema: schema({ output_format: { type: 'string' } }) }).category).toBe(
      'read',
    );
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

  it('external_comm is for sending to people, not linking a sub-item or handing input to a local program', () => {
    expect(flagsOf('add_sub_issue', 'Add a sub-issue to a parent issue.')).not.toContain('external_comm');
    expect(flagsOf('link_child_ticket', 'Link a child ticket to a parent ticket.')).not.toContain('external_comm');
    expect(flagsOf('send_keys', 'Send keys to the focused element.')).not.toContain('external_comm');
    expect(flagsOf('send_input', 'Send input to a running process.')).not.toContain('external_comm');
    expect(flagsOf('create_issue', 'Create an issue in a repository.')).toContain('external_comm');
    expect(flagsOf('send_message', 'Send a message to a channel.')).toContain('external_comm');
  });

  it('untrusted_content is for what a tool returns: logs and attachments, not a write that mentions the web', () => {
    expect(flagsOf('get_app_logs', 'Get the logs of an application.')).toContain('untrusted_content');
    expect(flagsOf('download_attachment', 'Download an attachment of a ticket.')).toContain('untrusted_content');
    expect(flagsOf('fetch_page', 'Fetches a web page and returns its text.')).toContain('untrusted_content');
    expect(flagsOf('cancel_crawl', 'Cancel a running crawl of a website.')).not.toContain('untrusted_content');
    expect(flagsOf('create_url_scan', 'Submit a URL to scan.')).not.toContain('untrusted_content');
  });

  it('reading the shape of data (its types, fields, stats, URL) is not reading the data', () => {
    expect(flagsOf('list_issue_types', 'List the supported issue types.')).not.toContain('untrusted_content');
    expect(flagsOf('get_message_stats', 'Get message statistics.')).not.toContain('private_data');
    expect(flagsOf('get_page_url')).not.toContain('untrusted_content');
    expect(flagsOf('list_issues', 'List the issues of a project.')).toContain('untrusted_content');
    expect(flagsOf('list_messages', 'List the messages of a channel.')).toContain('private_data');
  });

  it('a description that mentions the internet or a browser does not make a tool return web content', () => {
    expect(flagsOf('get_outages', 'Retrieve Internet outages and anomalies.')).not.toContain('untrusted_content');
    expect(flagsOf('list_sessions', 'List active browser sessions for the account.')).not.toContain('untrusted_content');
    expect(flagsOf('scrape', 'Scrape a website and return its text.')).toContain('untrusted_content');
  });

  it('private_data is for personal and private content, not profiling data or a market calendar', () => {
    expect(flagsOf('get_thread_messages', 'Get the messages of a conversation thread.')).toContain('private_data');
    expect(flagsOf('get_gist', 'Get the content of a gist.')).toContain('private_data');
    expect(flagsOf('get_env', 'Returns environment variables.')).toContain('private_data');
    expect(flagsOf('list_comments', 'List the comments on a record.')).toContain('private_data');
    expect(flagsOf('list_pull_requests', 'List pull requests in a repository.')).toContain('private_data');
    expect(flagsOf('get_issue', 'Get an issue by its ID.')).toContain('private_data');
    expect(flagsOf('list_subscriptions', 'List the subscriptions of a customer.')).toContain('private_data');
    expect(flagsOf('list_devices', 'List the enrolled devices.')).toContain('private_data');
    expect(flagsOf('get_profile', 'Analyze CPU profiling data.')).not.toContain('private_data');
    expect(flagsOf('get_calendar', 'Returns the market calendar for a date range.')).not.toContain('private_data');
  });

  it("private_data is what people wrote or own: a file's contents, not its metadata or a search for its name", () => {
    expect(flagsOf('read_file', 'Read the complete contents of a file.')).toContain('private_data');
    expect(flagsOf('get_worker_code', 'Get the source code of a worker.')).toContain('private_data');
    expect(flagsOf('get_file_info', 'Retrieve metadata about a file.')).not.toContain('private_data');
    expect(flagsOf('search_files', 'Search for files matching a glob pattern.')).not.toContain('private_data');
    expect(flagsOf('list_files', 'List the files in a directory.')).not.toContain('private_data');
  });

  it("private_data is not a system's own accounts, nodes or messages, nor the policies and groups around users", () => {
    expect(flagsOf('list_customers', 'List the customers of the shop.')).toContain('private_data');
    expect(flagsOf('list_users', 'List the users of the workspace.')).toContain('private_data');
    expect(flagsOf('list_db_users', 'List database users.')).not.toContain('private_data');
    expect(flagsOf('list_console_messages', 'List all console messages.')).not.toContain('private_data');
    expect(flagsOf('list_user_policies', 'List the inline policies of a user.')).not.toContain('private_data');
    expect(flagsOf('list_user_groups', 'List all user groups.')).not.toContain('private_data');
    expect(flagsOf('get_email_status', 'Get the read state of an email.')).not.toContain('private_data');
  });

  it('private_data is about what a tool hands back: a write that names a conversation returns none', () => {
    expect(flagsOf('resolve_thread', 'Resolve a review thread.')).not.toContain('private_data');
    expect(flagsOf('get_thread', 'Get a review thread.')).toContain('private_data');
  });

  it('untrusted_content from a URL is where the tool goes to it, not a URL it hands back', () => {
    expect(flagsOf('browser_navigate', 'Navigate to a URL.')).toContain('untrusted_content');
    expect(flagsOf('fetch', 'Fetches any URL from the internet.')).toContain('untrusted_content');
    expect(flagsOf('get_project_url', 'Gets the API URL for a project.')).not.toContain('untrusted_content');
    expect(flagsOf('get_price_list_urls', 'Get download URLs for pricing files.')).not.toContain('untrusted_content');
  });

  it('untrusted_content is not the lines a system writes about itself: audit, status and commit logs', () => {
    expect(flagsOf('get_build_logs', 'Get the logs of a build.')).toContain('untrusted_content');
    expect(flagsOf('find_audit_logs', 'Find all audit logs of an account.')).not.toContain('untrusted_content');
    expect(flagsOf('fleet_status_logs', 'Retrieve fleet status logs.')).not.toContain('untrusted_content');
    expect(flagsOf('git_log', 'Shows the commit logs.')).not.toContain('untrusted_content');
  });

  it('an HTTP method before the verb is no object of it', () => {
    expect(flagsOf('API-post-search', 'Search by title')).not.toContain('untrusted_content');
    expect(flagsOf('get_post', 'Get a post of a forum.')).toContain('untrusted_content');
  });

  it('bulk is where one call multiplies the damage', () => {
    expect(classify({ name: 'delete_many' }).flags).toContain('bulk');
    expect(classify({ name: 'git_add', inputSchema: { type: 'object', properties: { files: { type: 'array' } } } }).flags).not.toContain('bulk');
  });
});

describe('the second fresh set: its error patterns, each with a near miss', () => {
  const schema = (properties: Record<string, unknown>) => ({ type: 'object', properties });

  it('a router that lists its operations after "Select and run one of the following" takes the worst of them', () => {
    const lead = 'Select and run one of the following Example write operations';
    expect(categoryOf('site-services-updater', `${lead} update-site-name, manage-env-vars, create-new-site`)).toBe('destructive');
    expect(categoryOf('site-extension-updater', `${lead} change-extension-installation, initialize-database`)).toBe('write');
    expect(categoryOf('site-services-reader', 'Select and run one of the following Example read operations (read-only) get-site, get-site-members')).toBe(
      'read',
    );
    // Near miss: "select" that is not a dispatch still selects.
    expect(categoryOf('select_rows', 'Select rows from the table that match a filter.')).toBe('read');
  });

  it('connecting a client to a data source reads; connecting to or disconnecting from a shared space changes it', () => {
    expect(categoryOf('connect-to-editor', 'Show agent presence in the dashboard editor.')).toBe('write');
    expect(categoryOf('disconnect-from-editor', 'Remove agent presence from the dashboard editor.')).toBe('write');
    expect(categoryOf('connect_to_database', 'Connect to a specific database and save the connection.')).toBe('read');
    expect(categoryOf('connect', 'Connect to a database instance and get back a connection ID.')).toBe('read');
    expect(categoryOf('disconnect', 'Close the database connection.')).toBe('read');
  });

  it('verifying a domain or sender starts a verification (write); verifying a signature only checks', () => {
    expect(categoryOf('verify-domain', 'Trigger domain verification.')).toBe('write');
    expect(categoryOf('verify_sender_identity')).toBe('write');
    expect(categoryOf('verify_signature', 'Verify the signature of a payload.')).toBe('read');
  });

  it('removing an entry from a suppression or exclusion list is a write; removing the entity is destructive', () => {
    expect(categoryOf('remove-suppression', 'Remove an entry from the suppression list.')).toBe('write');
    expect(categoryOf('remove_exclusion')).toBe('write');
    expect(categoryOf('remove_domain', 'Remove a domain.')).toBe('destructive');
  });

  it('a batch update whose input lists records to delete deletes; one that only creates and updates writes', () => {
    const batch = schema({ create: { type: 'array' }, update: { type: 'array' }, delete: { type: 'array', items: { type: 'integer' } } });
    expect(classify({ name: 'products_batch_update', description: 'Batch update products', inputSchema: batch }).category).toBe('destructive');
    const noDelete = schema({ create: { type: 'array' }, update: { type: 'array' } });
    expect(classify({ name: 'products_batch_update', description: 'Batch update products', inputSchema: noDelete }).category).toBe('write');
    // A switch named delete is not a list of what to delete.
    expect(classify({ name: 'update_branch', inputSchema: schema({ delete: { type: 'boolean' } }) }).category).toBe('write');
  });

  it('creating an order records a sale (write); placing or submitting one trades (financial)', () => {
    expect(categoryOf('orders_create', 'Create a new order')).toBe('write');
    expect(categoryOf('add_order', 'Add an order to the shop.')).toBe('write');
    expect(categoryOf('place_order', 'Place an order for the items in the cart.')).toBe('financial');
    expect(categoryOf('submit_order')).toBe('financial');
    expect(categoryOf('create_order', 'Create a buy order for a stock symbol.')).toBe('financial');
    // An order with a buy/sell side is a trade whatever the verb; a sort direction is not.
    const trade = schema({ symbol: { type: 'string' }, side: { type: 'string', enum: ['BUY', 'SELL'] }, quantity: { type: 'number' } });
    expect(classify({ name: 'create_order', description: 'Create a new order.', inputSchema: trade }).category).toBe('financial');
    const sorted = schema({ direction: { type: 'string', enum: ['asc', 'desc'] } });
    expect(classify({ name: 'create_order', description: 'Create a new order.', inputSchema: sorted }).category).toBe('write');
  });

  it('testing a notification or webhook sends a test one (write); testing a connection checks', () => {
    expect(categoryOf('test_notification', 'Send a test desktop notification.')).toBe('write');
    expect(categoryOf('test_webhook')).toBe('write');
    expect(categoryOf('test_connection', 'Test the database connection.')).toBe('read');
  });

  it('a noun-like verb before a figure noun is a noun: "Email Metrics" reads figures about emails', () => {
    expect(classify({ name: 'get-email-metrics', title: 'Email Metrics', description: 'Retrieve email delivery metrics.' }).category).toBe('read');
    expect(categoryOf('order_status')).toBe('read');
    // Near miss: the same verb before its object still acts.
    expect(classify({ name: 'email-report', title: 'Email Report', description: 'Email the report to a recipient.' }).category).toBe('write');
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

describe('patterns of the third fresh set (2.3.0)', () => {
  const withSchema = (name: string, description: string, properties: Record<string, unknown>) =>
    classify({ name, description, inputSchema: { type: 'object', properties } }).category;

  it('an enum of HTTP and WebDAV methods is a saved request’s method, not the tool’s operation', () => {
    const method = { type: 'string', enum: ['GET', 'POST', 'DELETE', 'COPY', 'PURGE', 'LOCK', 'PROPFIND'] };
    expect(withSchema('create_saved_request', 'Creates a request in a folder.', { method, url: { type: 'string' } })).toBe('write');
    // near miss: an action enum that names a deletion still counts
    expect(withSchema('manage_request', 'Manage saved requests.', { action: { type: 'string', enum: ['create', 'delete'] } })).toBe('destructive');
  });

  it('an action enum on a listing tool filters the list', () => {
    const action = { type: 'string', enum: ['refund', 'credit', 'chargeback'] };
    expect(withSchema('list_ledger_entries', 'List ledger entries, filtered by action.', { action })).toBe('read');
    // near miss: the same enum on a tool without a listing verb picks its operation
    expect(withSchema('ledger_entry', 'Work with ledger entries.', { action })).toBe('financial');
  });

  it('dropping database functions, triggers or procedures destroys them; dropping a file onto a page does not', () => {
    const operation = { type: 'string', enum: ['get', 'create', 'drop'] };
    expect(withSchema('db_manage_functions', 'Manage functions.', { operation })).toBe('destructive');
    expect(categoryOf('drop_procedures')).toBe('destructive');
    expect(categoryOf('browser_drop', 'Drop files onto an element.')).toBe('write');
  });

  it('a download saved to a local path writes a file, and with an overwrite switch may replace one', () => {
    const remote = { type: 'string' };
    expect(withSchema('fetch_blob', 'Download a blob from a bucket.', { blob: remote, targetPath: remote })).toBe('write');
    expect(withSchema('download_asset', 'Download an asset to disk.', { assetId: remote, localPath: remote, overwrite: { type: 'boolean' } })).toBe(
      'destructive',
    );
    // near misses: a download that returns the contents reads; an overwrite switch without a file path is a mode
    expect(withSchema('download_asset', 'Download an asset and return its contents.', { assetId: remote })).toBe('read');
    expect(withSchema('update_board', 'Update a board.', { board: { type: 'object' }, overwrite: { type: 'boolean' } })).toBe('write');
  });

  it('approving a spender’s allowance is financial; approving a review is not', () => {
    expect(categoryOf('approve_token_spending', 'Approve another address to spend your tokens.')).toBe('financial');
    expect(categoryOf('set_token_allowance')).toBe('financial');
    expect(categoryOf('approve_pull_request', 'Approve a pull request.')).toBe('write');
  });

  it('writing to or calling a smart contract executes it; reading one reads', () => {
    expect(categoryOf('write_contract', 'Write data to a smart contract.')).toBe('execute');
    expect(categoryOf('call_contract')).toBe('execute');
    expect(categoryOf('read_contract', 'Read a value from a smart contract.')).toBe('read');
  });

  it('formatting or styling a document, sheet or slide changes it; formatting a value returns text', () => {
    expect(categoryOf('format_sheet_cells', 'Format cells in a sheet.')).toBe('write');
    expect(categoryOf('styleSlidesShape', 'Style shapes in a presentation.')).toBe('write');
    expect(categoryOf('protect_range', 'Protect a range in a spreadsheet.')).toBe('write');
    expect(categoryOf('format_date', 'Format a date in a locale.')).toBe('read');
  });

  it('generating or converting into a stored collection, spec or document creates it; converting a time reads', () => {
    expect(categoryOf('generate_collection', 'Creates a collection from an API specification.')).toBe('write');
    expect(categoryOf('convert_pdf_to_doc', 'Convert a PDF into an editable document.')).toBe('write');
    expect(categoryOf('convert_time', 'Convert time between timezones.')).toBe('read');
  });

  it('watching a card or issue subscribes to it; watching logs reads them', () => {
    expect(categoryOf('watch_issue', 'Subscribe to notifications for an issue.')).toBe('write');
    expect(categoryOf('watch_logs', 'Stream the logs of a pod.')).toBe('read');
  });

  it('choosing the active workspace or the log level is the client’s own setting; setting a record’s field writes', () => {
    expect(categoryOf('set_active_project', 'Set the active project for future operations.')).toBe('read');
    expect(categoryOf('set_log_level', 'Set logging level.')).toBe('read');
    expect(categoryOf('set_project_owner', 'Set the owner of a project.')).toBe('write');
  });

  it('signalling a process ends it, as killing it does; signalling a workflow sends it a message', () => {
    expect(categoryOf('signal_process', 'Send a signal (TERM, KILL) to a process by PID.')).toBe('destructive');
    expect(categoryOf('signal_workflow', 'Send a signal to a running workflow.')).toBe('write');
  });

  it('replaying an event or repairing something writes', () => {
    expect(categoryOf('replay_event', 'Resend an event to its destination.')).toBe('write');
    expect(categoryOf('repair_index')).toBe('write');
  });

  it('a tool that says it is destructive is, wherever it says so; saying it is not destructive is a near miss', () => {
    expect(categoryOf('import_dump', 'Imports a dump into a database. This is destructive to existing data.')).toBe('destructive');
    expect(categoryOf('import_dump', 'Imports a dump into a new database. This is not destructive.')).toBe('write');
  });
});

describe('patterns of the fourth fresh set (2.4.0)', () => {
  it('a program or language name before a later verb is a namespace: the later verb is the action', () => {
    expect(categoryOf('bash_read_file', 'Read content from a file in the bash environment.')).toBe('read');
    expect(categoryOf('shell_get_history', 'Get the history of the shell.')).toBe('read');
    expect(categoryOf('python_list_packages')).toBe('read');
    expect(categoryOf('ai-model-eval-list-runs', 'List model evaluation runs.')).toBe('read');
    // the description's verb picks among later verbs: the run here is an object
    expect(categoryOf('ai-model-eval-create-run', 'Create a model evaluation run.')).toBe('write');
    expect(categoryOf('ai-model-eval-delete-run', 'Delete a model evaluation run.')).toBe('destructive');
    // near misses: with no later verb the program word is the action
    expect(categoryOf('bash', 'Run a bash command.')).toBe('execute');
    expect(categoryOf('python_exec', 'Execute Python code.')).toBe('execute');
    expect(categoryOf('run_eval', 'Run an evaluation script.')).toBe('execute');
  });

  it('a later verb the description starts with is the action, not a product word read as a verb', () => {
    expect(categoryOf('ClickUp_delete_task', 'Delete a task.')).toBe('destructive');
    // near miss: without that agreement the first verb stands
    expect(categoryOf('ClickUp_delete_task')).toBe('write');
  });

  it('a verb after a number is part of a noun (1-click apps)', () => {
    expect(categoryOf('marketplace-1-click-list', 'List available 1-click applications.')).toBe('read');
    expect(categoryOf('click_button', 'Click a button.')).toBe('write');
  });

  it('a leading adverb or a light verb ("Take a snapshot") does not hide the verb of the description', () => {
    expect(categoryOf('widget_tool', 'Permanently deletes the widget.')).toBe('destructive');
    expect(categoryOf('volume_tool', 'Take a snapshot of a volume.')).toBe('write');
    // near miss: a light verb before a noun that is no verb names nothing
    expect(categoryOf('volume_tool', 'Take ownership.')).toBe('unknown');
  });

  it('writing a whole file replaces it (destructive); creating a directory or a file record writes', () => {
    expect(categoryOf('sandbox_write_file', 'Write a file to a sandbox.')).toBe('destructive');
    expect(categoryOf('container_file_write')).toBe('destructive');
    expect(categoryOf('create_directory')).toBe('write');
    expect(categoryOf('write_comment', 'Write a comment on an issue.')).toBe('write');
  });

  it('upgrading an engine or version, rebuilding a machine or restoring it from a backup replaces it; upgrading a plan writes', () => {
    expect(categoryOf('db-cluster-upgrade-major-version', 'Upgrade the major version of a database cluster.')).toBe('destructive');
    expect(categoryOf('rebuild_server', 'Rebuild a server from an image.')).toBe('destructive');
    expect(categoryOf('restore_instance', 'Restore an instance from a backup.')).toBe('destructive');
    expect(categoryOf('upgrade_plan', 'Upgrade the workspace plan.')).toBe('write');
    expect(categoryOf('restore_revision', 'Restore a page to an earlier revision.')).toBe('write');
  });

  it('resetting a password sets a new one (write); resetting a database wipes it', () => {
    expect(categoryOf('reset-server-password', 'Reset the root password of a server.')).toBe('write');
    expect(categoryOf('reset_database')).toBe('destructive');
  });

  it('a snapshot of a machine, volume or share stores an image (write); a page snapshot reads', () => {
    expect(categoryOf('snapshot_volume', 'Take a snapshot of a volume.')).toBe('write');
    expect(categoryOf('nfs-snapshot', 'Create a snapshot of a file share.')).toBe('write');
    expect(categoryOf('browser_snapshot', 'Capture an accessibility snapshot of the page.')).toBe('read');
  });

  it('ledger records are writes: a bank transaction, a draft invoice; sending an invoice or paying bills', () => {
    expect(categoryOf('create-bank-transaction', 'Create a bank transaction in the ledger.')).toBe('write');
    expect(categoryOf('update-invoice', 'Update a draft invoice.')).toBe('write');
    expect(categoryOf('invoice-list', 'List invoices.')).toBe('read');
    // near misses: a transaction or a sent invoice moves money
    expect(categoryOf('create_transaction', 'Create a new transaction.')).toBe('financial');
    expect(categoryOf('send_invoice', 'Send an invoice to the customer.')).toBe('financial');
    expect(categoryOf('update_subscription', 'Change the plan of a subscription.')).toBe('financial');
  });

  it('transferring work items or images moves them (write); transferring funds moves money', () => {
    expect(categoryOf('transfer_issues', 'Transfer issues from one cycle to another.')).toBe('write');
    expect(categoryOf('image-transfer', 'Transfer an image to another region.')).toBe('write');
    expect(categoryOf('transfer_funds', 'Transfer funds between accounts.')).toBe('financial');
  });

  it('registering or renewing a domain buys it; claiming earned fees withdraws them; registering a webhook writes', () => {
    expect(categoryOf('domain_register', 'Register a new domain.')).toBe('financial');
    expect(categoryOf('renew_domain')).toBe('financial');
    expect(categoryOf('claim_fees', 'Claim accrued trading fees.')).toBe('financial');
    expect(categoryOf('credits_topup', 'Top up credits from the wallet.')).toBe('financial');
    expect(categoryOf('register_webhook', 'Register a webhook.')).toBe('write');
    expect(categoryOf('claim_task', 'Claim a task from the queue.')).toBe('write');
  });

  it('input written to a terminal or PTY runs; resizing one does not', () => {
    expect(categoryOf('pty_write', 'Write input to a PTY session.')).toBe('execute');
    expect(categoryOf('pty_create', 'Create a new PTY session.')).toBe('execute');
    expect(categoryOf('session_write_note', 'Write a note to a session.')).toBe('write');
  });

  it('removing an item from a container is a write even when the tool is named delete; removing all of them empties it', () => {
    expect(categoryOf('delete_cycle_issue', 'Remove an issue from a cycle.')).toBe('write');
    expect(categoryOf('delete_messages', 'Remove all messages from a queue.')).toBe('destructive');
    expect(categoryOf('delete_issue', 'Delete an issue from a project.')).toBe('destructive');
  });

  it('releasing a reserved IP gives it up; releasing a version publishes it', () => {
    expect(categoryOf('reserved-ip-release', 'Release a reserved IPv4 address.')).toBe('destructive');
    expect(categoryOf('release_version', 'Release a new version.')).not.toBe('destructive');
  });

  it('garbage collection deletes; starting a build does not', () => {
    expect(categoryOf('registry-garbage-collection-start', 'Start a garbage collection to free up storage.')).toBe('destructive');
    expect(categoryOf('start_build', 'Start a build.')).not.toBe('destructive');
  });

  it('deleting a cache only makes it refill (write); deleting a bucket destroys it', () => {
    expect(categoryOf('lb-delete-cache', 'Delete the CDN cache of a load balancer.')).toBe('write');
    expect(categoryOf('delete_bucket', 'Delete a bucket.')).toBe('destructive');
  });

  it('applying a template fills it in (write); applying a manifest deploys', () => {
    expect(categoryOf('apply_template', 'Apply a template to create boards.')).toBe('write');
    expect(categoryOf('apply_manifest', 'Apply a Kubernetes manifest.')).toBe('execute');
  });

  it('replacing all links or labels of an item is a write; replacing all content is destructive', () => {
    expect(categoryOf('set-external-links', 'Replace all external links on a story.')).toBe('write');
    expect(categoryOf('update_doc', 'Replace the entire content of a document.')).toBe('destructive');
  });

  it('stopping a migration on a cluster stops the migration; stopping the cluster ends it', () => {
    expect(categoryOf('db-cluster-stop-online-migration', 'Stop an online migration for a database cluster.')).toBe('write');
    expect(categoryOf('stop_cluster', 'Stop a cluster.')).toBe('destructive');
  });

  it('a name ending in a guide noun no verb acts on hands back a guide (read); creating or updating docs writes', () => {
    expect(categoryOf('functions-deployment-guide', 'Return the step-by-step guide for deploying a project.')).toBe('read');
    expect(categoryOf('migrate_pages_to_workers_guide', 'Read this guide before migrating projects.')).toBe('read');
    expect(categoryOf('create_guide', 'Create a guide.')).toBe('write');
    expect(categoryOf('update_project_docs')).toBe('write');
  });

  it('git fetch updates the remote branches (write); fetching a file reads', () => {
    expect(categoryOf('git_fetch', 'Fetch updates from a remote repository.')).toBe('write');
    expect(categoryOf('fetch_remote_file', 'Fetch a file from a URL.')).toBe('read');
  });

  it('a router whose operations pair a bare add with a bare remove manages a membership (write); create and delete destroy', () => {
    const router = (values: string[]) =>
      classify({
        name: 'manage_agent_tools',
        description: 'Manage the tools of an agent.',
        inputSchema: { type: 'object', properties: { action: { type: 'string', enum: values } } },
      }).category;
    expect(router(['list', 'add', 'remove'])).toBe('write');
    expect(classify({ name: 'manage_accounts', description: "Manage accounts. action='add' connects one, action='remove' disconnects it." }).category).toBe(
      'write',
    );
    // near misses: a remove without an add, or a delete beside the add, removes the thing itself
    expect(router(['list', 'create', 'remove'])).toBe('destructive');
    expect(router(['list', 'add', 'delete'])).toBe('destructive');
  });

  it('generating a stored set or converting into a snapshot creates it; converting a unit reads', () => {
    expect(categoryOf('generate-scenario-set', 'Generate a scenario set from a goal.')).toBe('write');
    expect(categoryOf('image-convert', 'Convert an image backup to a snapshot.')).toBe('write');
    expect(categoryOf('convert_units', 'Convert a value between units.')).toBe('read');
  });

  it('new verbs: decline, expose, rerank, compose, power, geocode', () => {
    expect(categoryOf('decline_pull_request', 'Decline a pull request.')).toBe('write');
    expect(categoryOf('expose_port', 'Expose a port to get a public URL.')).toBe('write');
    expect(categoryOf('rerank-documents', 'Rerank documents by relevance to a query.')).toBe('read');
    expect(categoryOf('compose-broadcast')).toBe('write');
    expect(categoryOf('power-off-server')).toBe('write');
    expect(categoryOf('power_usage_get')).toBe('read');
    expect(categoryOf('maps_geocode')).toBe('read');
  });

  it('vocabulary from a broad view of tool names: reboot, backup, mount, trash, undelete, sudo…; a backup policy is read', () => {
    for (const name of [
      'rds_reboot_db_instance',
      'backup_database',
      'mount_volume',
      'trash_email',
      'undelete_file',
      'accept_invitation',
      'escalate_incident',
      'vm_deallocate',
    ])
      expect(categoryOf(name), name).toBe('write');
    expect(categoryOf('sudo')).toBe('execute');
    expect(categoryOf('droplet-backup-policy', "Get a droplet's backup policy")).toBe('read');
    expect(categoryOf('backup_list')).toBe('read');
  });

  it('opening a pull request or ticket files it (write); opening a page reads; capturing a payment takes the money', () => {
    expect(categoryOf('open_pull_request', 'Open a new pull request.')).toBe('write');
    expect(categoryOf('open_ticket')).toBe('write');
    expect(categoryOf('open_page', 'Open a page in the browser.')).toBe('read');
    expect(categoryOf('capture_payment_intent', 'Capture a payment intent.')).toBe('financial');
    expect(categoryOf('capture_screenshot')).toBe('read');
  });

  it('a verbless name reads as the verb of its agent noun (reader, updater, runner); a buyer is no purchase', () => {
    expect(categoryOf('project-services-reader')).toBe('read');
    expect(categoryOf('project-services-updater')).toBe('write');
    expect(categoryOf('code_runner')).toBe('execute');
    expect(categoryOf('schema_validator')).toBe('read');
    // near misses: nouns that only look like agent nouns, and money verbs
    expect(categoryOf('mail_server')).toBe('unknown');
    expect(categoryOf('buyer_accounts')).toBe('unknown');
  });

  it('a noun-like verb after a dispatching word is what it manages: the operations decide', () => {
    const router = (name: string) =>
      classify({
        name,
        description: 'Search for issues, or manage saved filters.',
        inputSchema: { type: 'object', properties: { operation: { type: 'string', enum: ['list', 'get', 'delete'] } } },
      }).category;
    expect(router('manage_saved_filter')).toBe('destructive');
    // near miss: a clear verb in the name still names the action
    expect(router('filter_issues')).toBe('read');
  });

  it('a router clause in prose that manages something may delete it ("…, or manage saved filters")', () => {
    expect(categoryOf('manage_issue_filter', 'Search for issues, or manage saved filters.')).toBe('destructive');
    // near miss: the leading clause is the router's own word, its operations decide
    expect(categoryOf('manage_filters', 'Manage saved filters: list or get them.')).toBe('read');
  });

  it('a tool that pays on its own for what it fetches moves money; a tool that reads payments does not', () => {
    expect(categoryOf('paid_fetch', 'Fetch a URL. If the endpoint requires payment, it will be paid automatically.')).toBe('financial');
    expect(categoryOf('list_payments', 'List payments that were paid last month.')).toBe('read');
  });

  it('a verbless lookup by a key reads (`asset_by_id`); a bare noun says nothing', () => {
    expect(categoryOf('jobs_by_account_id')).toBe('read');
    expect(categoryOf('jobs')).toBe('unknown');
  });
});

describe('the fifth fresh set’s patterns (2.5.0)', () => {
  it('importing, reinstalling or restoring a site or its certificate replaces it; importing records adds them', () => {
    expect(categoryOf('import_site', 'Import a site from an uploaded archive into the hosting account.')).toBe('destructive');
    expect(categoryOf('reinstall_certificate', 'Reinstall the TLS certificate of a domain.')).toBe('destructive');
    // near misses: an import of records, and a verb after `from` is where the import comes from
    expect(categoryOf('import_contacts', 'Import contacts from a CSV file.')).toBe('write');
    expect(categoryOf('shop_importSiteFromArchive', 'Import a shop site from an archive.')).toBe('destructive');
    expect(categoryOf('create_note_from_archive', 'Create a note from an archived page.')).toBe('write');
  });

  it('launching an app on a device or simulator opens it (write); launching a job runs it', () => {
    expect(categoryOf('device_launch_app', 'Launch an installed app on the connected phone.')).toBe('write');
    expect(categoryOf('launch_application', 'Launch an application on the emulator.')).toBe('write');
    // near miss
    expect(categoryOf('launch_job', 'Launch a job with the given script.')).toBe('execute');
  });

  it('geometry computed from the input (merged polygons, an optimised route) is read; optimising a stored thing writes', () => {
    expect(categoryOf('polygon_union', 'Merge two or more polygons into one geometry.')).toBe('read');
    expect(classify({ name: 'routing_tool', title: 'Optimize Delivery Route', description: 'Find the shortest route through the stops.' }).category).toBe(
      'read',
    );
    // near misses
    expect(categoryOf('merge_branches', 'Merge a branch into another.')).toBe('write');
    expect(categoryOf('optimize_images', 'Optimize the images of a site in place.')).toBe('write');
  });

  it('`place` before a noun or a later noun-like verb is a noun (place details, place search); placing an order trades', () => {
    expect(categoryOf('maps_place_details', 'Get details about a place.')).toBe('read');
    expect(categoryOf('web_place_search', 'Searches the place index for points of interest.')).toBe('read');
    // near misses
    expect(categoryOf('place_stock_order', 'Place an order for a stock.')).toBe('financial');
    expect(categoryOf('place_marker', 'Place a marker on the map.')).toBe('write');
  });

  it('between two noun-like verbs the description’s verb is the action', () => {
    expect(categoryOf('order_search', 'Search orders by customer.')).toBe('read');
    // near miss: a clear later verb still wins in the noun-then-verb style
    expect(categoryOf('order_delete', 'Deletes an order.')).toBe('destructive');
  });

  it('placing orders named as a purpose ("payment methods for placing orders") is no order placed', () => {
    expect(categoryOf('get_payment_methods', 'Retrieve payment methods that can be used for placing new orders.')).toBe('read');
    // near miss
    expect(categoryOf('checkout', 'Places a new order with the saved payment method.')).toBe('financial');
  });

  it('"for any queries about maps" names a purpose, not arbitrary queries run', () => {
    expect(categoryOf('retrieve_map_guidance', 'Retrieve guidance for any queries related to maps and routing.')).toBe('read');
    // near miss
    expect(categoryOf('maps_console', 'Runs any queries against the map database.')).toBe('execute');
  });

  it('enabling automatic renewal commits to future payments; disabling it is a write', () => {
    expect(categoryOf('subscription_enableAutoRenewal', 'Enable auto-renewal for a subscription.')).toBe('financial');
    expect(categoryOf('subscription_disableAutoRenewal', 'Disable auto-renewal for a subscription.')).toBe('write');
  });

  it('unsetting a default is a write; resetting something to its defaults replaces it', () => {
    expect(categoryOf('unset_default_profile', 'Unset the contact profile as default; the profile is kept.')).toBe('write');
    expect(categoryOf('reset_zone', 'Reset the DNS zone to the default records.')).toBe('destructive');
    expect(categoryOf('reset_configuration', 'Reset configuration to defaults.')).toBe('destructive');
    // near miss: resetting a view is a write
    expect(categoryOf('reset_view', 'Resets the zoom and pan of the view.')).toBe('write');
  });

  it('a verb after `pre` names the event a hook runs before', () => {
    expect(categoryOf('hooks_pre-edit', 'Get context and suggestions before editing a file.')).toBe('read');
    // near miss: `pre` is no verb and a name's own edit verb acts
    expect(categoryOf('edit_pre_release', 'Edit a pre-release.')).toBe('write');
  });
});

describe('articles before a verb-like word (2.5.0)', () => {
  it('a verb-like word after an article is a noun: fulfilling an order is a write', () => {
    expect(categoryOf('shop_fulfilAnOrder', 'Create a fulfilment for the order and attach tracking.')).toBe('write');
    expect(categoryOf('fulfill_order', 'Fulfill an order and notify the customer.')).toBe('write');
    // near miss: an order named as the action still trades
    expect(categoryOf('order_shares', 'Order shares of a stock at the market price.')).toBe('financial');
  });
});

describe('charts of sets (2.5.0)', () => {
  it('a chart or diagram of sets is handed back (read); generating a stored set creates it', () => {
    expect(categoryOf('generate_venn_chart', 'Generate a Venn diagram showing how different sets overlap.')).toBe('read');
    // near miss
    expect(categoryOf('generate_test_set', 'Generate a test set from the given goal.')).toBe('write');
  });
});

describe('event hooks (2.5.0)', () => {
  it('a verbless hook name whose description names no action either is an event handler: it records (write)', () => {
    expect(categoryOf('hooks_session-idle', 'Agent hook — fired when a session goes idle.')).toBe('write');
    // near misses: a data word or a description's verb decides
    expect(categoryOf('hooks_stats', 'Learning statistics across all sources.')).toBe('read');
    expect(categoryOf('hooks_pre-edit', 'Get the suggestions to show before editing a file.')).toBe('read');
    expect(categoryOf('session_idle', 'Agent event — fired when a session goes idle.')).toBe('unknown');
  });
});

describe('transfers of data (2.5.0)', () => {
  it('transferring learned patterns, data or settings between projects moves them (write); transferring funds pays', () => {
    expect(categoryOf('memory_transfer', 'Transfer learned patterns from another project.')).toBe('write');
    expect(categoryOf('transfer_settings', 'Transfer the settings to a new workspace.')).toBe('write');
    // near miss
    expect(categoryOf('transfer_funds', 'Transfer funds to another account.')).toBe('financial');
  });
});

describe('a second verb in the description (2.5.0)', () => {
  it('"Read or replace the clipboard" counts the second verb, as a name’s `read_or_replace` does', () => {
    expect(categoryOf('device_clipboard', 'Read or replace the device clipboard.')).toBe('write');
    // near misses: two reads stay a read; a verb later in the sentence is no second verb
    expect(categoryOf('device_clipboard', 'Read and return the device clipboard.')).toBe('read');
    expect(categoryOf('device_clipboard', 'Read the clipboard or the text you replace it with.')).toBe('read');
  });
});

describe('the sixth fresh set’s patterns (2.6.0)', () => {
  it('deleting a reaction, permission, watch or vote takes back a link (write); deleting a label or a policy destroys it', () => {
    expect(categoryOf('delete_comment_reaction', 'Delete a reaction from a comment.')).toBe('write');
    expect(categoryOf('delete-file-permission', 'Delete a permission on a file.')).toBe('write');
    expect(categoryOf('delete_watch', 'Deletes a watch from a ticket.')).toBe('write');
    expect(categoryOf('delete_label', 'Delete a label.')).toBe('destructive');
    expect(categoryOf('delete_role_policy', 'Delete an inline policy from a role.')).toBe('destructive');
    // the head noun decides: a permission set is a thing of its own
    expect(categoryOf('delete_permission_set', 'Delete a permission set.')).toBe('destructive');
  });

  it('a hedged warning ("may be irreversible") is no warning that the call is; a certain one still is', () => {
    const hedged = 'Remove a reaction from an issue. It changes remote data and may be irreversible.';
    expect(categoryOf('delete_issue_reaction', hedged)).toBe('write');
    expect(categoryOf('remove_reaction', 'Remove a reaction. This is irreversible.')).toBe('destructive');
  });

  it('formatting or sorting a sheet range changes the sheet; formatting a date range or sorting results reads', () => {
    expect(categoryOf('format-excel-range', 'Format an Excel range.')).toBe('write');
    expect(categoryOf('format_range_borders', 'Set the borders of a range.')).toBe('write');
    expect(categoryOf('sort-sheet-range', 'Sort a range of a worksheet.')).toBe('write');
    expect(categoryOf('format_date_range', 'Format a date range as text.')).toBe('read');
    expect(categoryOf('sort_results', 'Sort search results by score.')).toBe('read');
  });

  it('a second verb joined after the first verb’s object counts (`generate_code_and_execute` runs it)', () => {
    expect(categoryOf('generate_tests_and_execute', 'Generate and execute tests.')).toBe('execute');
    // a noun-like word after the conjunction is a second object
    expect(categoryOf('get_issue_and_comment', 'Get an issue and its comments.')).toBe('read');
  });

  it('replacing the content of a page or collection whole is destructive; replacing a cell’s content writes', () => {
    expect(categoryOf('set_page', 'Replaces the content of one page in a local diagram file.')).toBe('destructive');
    expect(categoryOf('put_collection', 'Replaces the contents of a collection.')).toBe('destructive');
    expect(categoryOf('set_cell', 'Replaces the content of a cell.')).toBe('write');
  });

  it('force-push settings are a setting read, not a push', () => {
    expect(categoryOf('get_protected_branch', 'Get a protected branch (access levels, force push settings).')).toBe('read');
    expect(categoryOf('push_branch', 'Force-push the branch to the remote.')).toBe('destructive');
  });

  it('starting a browser on a URL opens a page (read); closing it writes', () => {
    expect(categoryOf('init-browser', 'Initialize a browser with a URL')).toBe('read');
    expect(categoryOf('launch_browser', 'Launch a browser.')).toBe('read');
    expect(categoryOf('browser_close', 'Close the browser.')).toBe('write');
  });

  it('an app installed on a device or simulator is put there (write); a plugin or a chart installed ships code', () => {
    expect(categoryOf('install_app_sim', 'Install app on sim.')).toBe('write');
    expect(categoryOf('device_install_app', 'Install an app on a mobile device')).toBe('write');
    expect(categoryOf('install_plugin', 'Install a plugin by its ID.')).toBe('execute');
    expect(categoryOf('install_app', 'Install an application on the cluster.')).toBe('execute');
    // building or deploying an app for a device still ships code
    expect(categoryOf('deploy_ios_app', 'Deploy the iOS app.')).toBe('execute');
  });

  it('terminating an app stops it (write); terminating an instance or killing a process destroys it', () => {
    expect(categoryOf('device_terminate_app', 'Stop and terminate an app on a device')).toBe('write');
    expect(categoryOf('terminate_instances', 'Terminates the specified instances.')).toBe('destructive');
    expect(categoryOf('kill_process', 'Terminate a process by its PID.')).toBe('destructive');
  });

  it('`learn` first reads what it is taught (`learn_api`); later in a name it is a learning cycle', () => {
    expect(categoryOf('learn_store_api')).toBe('read');
    expect(categoryOf('course_advance', 'Advances to the next step.')).toBe('write');
  });

  it('a tag before the description’s first words is skipped: "[🌐 REMOTE] Get…", "IMPORTANT: Deletes…"', () => {
    expect(categoryOf('docs_migration', '[🌐 REMOTE] Get migration guidance for version upgrades.')).toBe('read');
    expect(categoryOf('course_step', '[🎓 COURSE] Advances to the next step in the lesson.')).toBe('write');
    expect(categoryOf('records', 'IMPORTANT: Deletes every record of the table.')).toBe('destructive');
    expect(categoryOf('hook', '🎯 **Purpose:** Replace a webhook’s signing secret.')).toBe('write');
    // a sentence that ends in a colon is no tag
    expect(categoryOf('records', 'Delete records: pass their ids.')).toBe('destructive');
  });

  it('verbs the tables lacked: tap, swipe, bootstrap, feedback, remind, ingest, undeploy, forget, redeem, exploit; `log` leads only', () => {
    expect(categoryOf('device_tap', 'Tap at the given coordinates.')).toBe('write');
    expect(categoryOf('swipe_screen')).toBe('write');
    expect(categoryOf('project_bootstrap')).toBe('write');
    expect(categoryOf('feedback')).toBe('write');
    expect(categoryOf('feedback_list', 'List the feedback on a project.')).toBe('read');
    expect(categoryOf('remind_me')).toBe('write');
    expect(categoryOf('ingest_documents')).toBe('write');
    expect(categoryOf('undeploy_app')).toBe('destructive');
    expect(categoryOf('forget_memory')).toBe('destructive');
    expect(categoryOf('redeem_voucher')).toBe('financial');
    expect(categoryOf('exploit_target')).toBe('execute');
    expect(categoryOf('visualize_graph')).toBe('read');
    expect(categoryOf('log_workout')).toBe('write');
    expect(categoryOf('git_log', 'Shows the commit logs')).toBe('read');
    expect(categoryOf('collect_logs')).toBe('read');
    expect(categoryOf('collect_payment')).toBe('financial');
    expect(categoryOf('collect_garbage')).toBe('destructive');
    expect(categoryOf('expire_token')).toBe('destructive');
    expect(categoryOf('expire_session')).toBe('write');
    expect(categoryOf('synchronize_calendar')).toBe('write');
    expect(categoryOf('unmerge_cells')).toBe('write');
    // a noun-like new verb first: the later verb is the action
    expect(categoryOf('zoom_create_meeting')).toBe('write');
    expect(categoryOf('chart_list')).toBe('read');
  });
});

describe('the seventh fresh set’s patterns (2.7.0)', () => {
  it('reads the action of a Chinese or Japanese description from its verbs, wherever the first clause puts them', () => {
    expect(categoryOf('maps_city', '根据城市名称查询指定城市的天气')).toBe('read');
    expect(categoryOf('maps_convert', '将一个经纬度坐标转换为地址信息')).toBe('read');
    expect(categoryOf('kb_entry', '创建一条新的知识库记录')).toBe('write');
    expect(categoryOf('kb_entry', '删除指定的知识库记录')).toBe('destructive');
    expect(categoryOf('sandbox', '在沙箱中执行任意代码')).toBe('execute');
    expect(categoryOf('wiki_page', 'ページを削除します')).toBe('destructive');
    expect(categoryOf('weather', '도시의 날씨를 조회합니다')).toBe('read');
    expect(categoryOf('board_article', '게시글을 삭제합니다')).toBe('destructive');
    // only the first sentence counts, and a negated verb is no action
    expect(categoryOf('storage_info', '查询存储信息。可以删除旧文件')).toBe('read');
    expect(categoryOf('storage_info', '不会删除任何文件，只返回存储桶列表')).not.toBe('destructive');
    // a description with no Chinese verb stays without evidence
    expect(categoryOf('maps_thing', '高德地图')).toBe('unknown');
  });

  it('a verbless name of plain data words (weather, distance, location, users) is a lookup', () => {
    expect(categoryOf('maps_weather')).toBe('read');
    expect(categoryOf('route_distance')).toBe('read');
    expect(categoryOf('notion_users', 'Perform various user operations (list, get, get bot)')).toBe('read');
    expect(categoryOf('maps_widget')).toBe('unknown');
  });

  it('reconnecting is the client’s own connection; cordon, drain and uncordon change a node; exercise is a noun first', () => {
    expect(categoryOf('cluster_reconnect', 'Reconnect to the API server by recreating the clients.')).toBe('read');
    expect(categoryOf('node_management', 'Manage nodes with cordon, drain, and uncordon operations')).toBe('write');
    expect(categoryOf('drain_node')).toBe('write');
    expect(categoryOf('search-exercise-templates', 'Read-only. Searches templates by title.')).toBe('read');
    expect(categoryOf('exercise_option', 'Exercise an options contract.')).toBe('financial');
  });

  it('clearing a cart or basket empties a selection (write); clearing records deletes', () => {
    expect(categoryOf('clear_basket', 'Clear the entire cart')).toBe('write');
    expect(categoryOf('clear_cart')).toBe('write');
    expect(categoryOf('clear_orders')).toBe('destructive');
  });

  it('applying a manifest and upgrading a chart deploy what they declare (execute); applying a label writes', () => {
    expect(categoryOf('kubectl_apply', 'Apply a Kubernetes YAML manifest from a string or file')).toBe('execute');
    expect(categoryOf('apply_manifest')).toBe('execute');
    expect(categoryOf('upgrade_helm_chart', 'Upgrade an existing Helm chart release')).toBe('execute');
    expect(categoryOf('apply_label', 'Apply a label to an issue')).toBe('write');
    expect(categoryOf('upgrade_plan', 'Upgrade the subscription plan of a workspace')).not.toBe('execute');
  });

  it('a description’s second verb shares the first’s object: removing links is a relation', () => {
    expect(categoryOf('manage_item_link', 'Add or remove links between work items')).toBe('write');
    expect(categoryOf('manage_items', 'Add or remove work items')).toBe('destructive');
  });

  it('"recent runs" is a noun: listing them runs nothing', () => {
    expect(categoryOf('list_pipeline_runs', 'List recent runs for a pipeline')).toBe('read');
    expect(categoryOf('pipeline', 'Runs a pipeline with the given parameters')).toBe('execute');
  });

  it('a noun-like verb ending a name is a noun where the description starts with a read', () => {
    expect(categoryOf('docs_index', 'Fetch the API documentation index, optionally filtered by section')).toBe('read');
    expect(categoryOf('docs_index', 'Index the documentation for search')).toBe('write');
    expect(categoryOf('cluster_status', 'Get the status of a cluster')).toBe('read');
  });

  it('a verb-like word after `cloud` is a product name (Cloud Run, Cloud Build)', () => {
    expect(categoryOf('queryCloudRun', 'Query Cloud Run services')).toBe('read');
    expect(categoryOf('cloud_run_deploy')).toBe('execute');
    expect(categoryOf('run_job', 'Runs a job')).toBe('execute');
  });
});
