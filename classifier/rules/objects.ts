import type { Category, Flag } from '../types.ts';

/**
 * What a verb acts on. A rule fires when the name's verb is one of `verbs` (or any verb of the
 * categories in `verbCategories`) and one of its object words is in `objects`; it then points to a
 * category, adds flags, or both. Objects are the name's words after the verb.
 */
export interface ObjectRule {
  id: string;
  objects: string[];
  verbs?: string[];
  verbCategories?: Category[];
  /** Only the head noun (last object word before `by`, `for`, … ) counts: `create_payment_link` is about a link. */
  headOnly?: boolean;
  /** The object word must follow one of these (`api_key`, `ssh_keys`, not `press_key`). */
  after?: string[];
  category?: Category;
  /** The object decides instead of the verb: `run_report` reads, `kill_session` only ends a session. */
  overridesVerb?: boolean;
  flags?: Flag[];
  weight: number;
}

const WRITES: Category[] = ['write', 'destructive', 'execute', 'financial'];

export const OBJECT_RULES: readonly ObjectRule[] = [
  {
    id: 'run-a-lookup',
    verbs: ['run', 'execute', 'exec', 'start', 'trigger', 'launch'],
    objects: ['query', 'queries', 'search', 'searches', 'research', 'monitor', 'monitors', 'report', 'reports', 'analysis', 'scan', 'scans', 'check', 'checks', 'audit', 'lint', 'diagnostics', 'diagnostic', 'lookup', 'inference', 'prediction', 'benchmark'],
    category: 'read',
    overridesVerb: true,
    weight: 0.85,
  },
  {
    id: 'end-a-session',
    verbs: ['kill', 'terminate', 'close', 'end', 'stop', 'cancel', 'abort', 'disconnect', 'clear'],
    objects: ['session', 'sessions', 'connection', 'connections', 'query', 'queries', 'browser', 'tab', 'tabs', 'request', 'requests', 'crawl', 'search', 'searches', 'job', 'jobs', 'run', 'runs', 'cache', 'selection', 'dialog', 'popup', 'context'],
    category: 'write',
    overridesVerb: true,
    weight: 0.85,
  },
  {
    id: 'open-a-session',
    verbs: ['initialize', 'init', 'open', 'start', 'establish', 'connect'],
    objects: ['connection', 'connections', 'session', 'sessions'],
    category: 'read',
    overridesVerb: true,
    weight: 0.85,
  },
  {
    id: 'remove-from',
    verbs: ['remove', 'unassign', 'detach', 'unlink'],
    objects: ['from'],
    category: 'write',
    overridesVerb: true,
    weight: 0.85,
  },
  {
    id: 'resolve-work-item',
    verbs: ['resolve'],
    objects: ['case', 'cases', 'issue', 'issues', 'alert', 'alerts', 'incident', 'incidents', 'ticket', 'tickets', 'thread', 'threads', 'conversation', 'conversations', 'comment', 'comments'],
    category: 'write',
    weight: 0.9,
  },
  {
    id: 'query-a-sql-engine',
    verbs: ['query', 'run', 'execute', 'exec'],
    objects: ['sql', 'psql', 'clickhouse', 'snowflake', 'athena', 'postgres', 'postgresql', 'pg', 'mysql', 'mariadb', 'sqlite', 'bigquery', 'redshift', 'influxdb', 'duckdb', 'mssql', 'oracle', 'd1', 'warehouse', 'trino', 'presto', 'databricks', 'spark'],
    category: 'execute',
    flags: ['private_data'],
    weight: 0.75,
  },
  {
    id: 'money-movement',
    verbs: ['create', 'place', 'submit', 'make', 'execute', 'send', 'issue', 'process', 'initiate', 'new', 'add', 'replace', 'post', 'exercise', 'capture', 'confirm'],
    objects: ['payment', 'payments', 'charge', 'charges', 'refund', 'refunds', 'payout', 'payouts', 'transfer', 'transfers', 'order', 'orders', 'trade', 'trades', 'purchase', 'purchases', 'transaction', 'transactions', 'withdrawal', 'deposit', 'position', 'positions', 'remittance', 'crypto', 'cryptocurrency', 'funds', 'money', 'coins'],
    headOnly: true,
    category: 'financial',
    weight: 0.85,
  },
  {
    id: 'commit-to-bill',
    verbs: ['finalize', 'pay', 'settle', 'close', 'liquidate', 'exercise'],
    objects: ['invoice', 'invoices', 'bill', 'bills', 'position', 'positions', 'options', 'option', 'subscription'],
    category: 'financial',
    weight: 0.8,
  },
  {
    id: 'run-code',
    verbs: ['run', 'execute', 'exec', 'eval', 'evaluate', 'invoke', 'call', 'start', 'trigger', 'launch', 'interpret', 'retry', 'rerun'],
    objects: ['sql', 'command', 'commands', 'cmd', 'script', 'scripts', 'code', 'shell', 'workflow', 'workflows', 'pipeline', 'pipelines', 'job', 'jobs', 'task', 'tasks', 'function', 'functions', 'lambda', 'notebook', 'cell', 'container', 'pod', 'program', 'process', 'terminal', 'statement', 'javascript', 'python', 'bash', 'playbook', 'runbook', 'migration', 'migrations', 'test', 'tests', 'build', 'builds', 'deployment', 'deployments'],
    category: 'execute',
    weight: 0.85,
  },
  {
    id: 'ship-code',
    verbs: ['install', 'deploy', 'build', 'promote', 'release', 'apply'],
    objects: ['plugin', 'plugins', 'chart', 'helm', 'npm', 'pip', 'brew', 'pipeline', 'pipelines', 'extension', 'extensions', 'package', 'packages', 'app', 'application', 'image', 'code', 'manifest', 'function', 'worker', 'workers', 'service', 'stack', 'template', 'migration', 'migrations', 'container', 'plan', 'terraform', 'infrastructure', 'changeset'],
    category: 'execute',
    weight: 0.7,
  },
  {
    id: 'end-membership',
    verbs: ['cancel', 'close', 'stop', 'disable'],
    objects: ['subscription', 'subscriptions', 'account', 'accounts', 'protection', 'cluster', 'clusters', 'database', 'instance', 'instances'],
    category: 'destructive',
    weight: 0.7,
  },
  {
    id: 'record-an-observation',
    verbs: ['start', 'stop', 'begin', 'end', 'pause', 'resume', 'toggle'],
    objects: ['trace', 'tracing', 'screencast', 'recording', 'profiling', 'profiler', 'coverage', 'capture', 'sniffing', 'monitoring'],
    category: 'read',
    overridesVerb: true,
    weight: 0.85,
  },
  {
    id: 'open-a-page',
    verbs: ['new', 'open', 'switch', 'focus', 'select', 'bring'],
    objects: ['page', 'pages', 'tab', 'tabs', 'window', 'windows', 'frame', 'iframe'],
    headOnly: true,
    category: 'read',
    overridesVerb: true,
    weight: 0.85,
  },
  {
    id: 'choose-an-option',
    verbs: ['select', 'choose', 'pick', 'check', 'uncheck'],
    objects: ['option', 'options', 'dropdown', 'checkbox', 'checkboxes', 'radio', 'combobox', 'listbox', 'select'],
    category: 'write',
    overridesVerb: true,
    weight: 0.9,
  },
  {
    id: 'give-feedback',
    verbs: ['give', 'provide', 'submit', 'send', 'leave', 'post', 'record'],
    objects: ['feedback', 'rating', 'ratings', 'testimonial'],
    category: 'write',
    overridesVerb: true,
    weight: 0.85,
  },
  {
    id: 'dispatch-a-tool',
    verbs: ['run', 'execute', 'exec', 'call', 'invoke', 'use'],
    objects: ['tool', 'tools', 'operation', 'operations', 'endpoint', 'action', 'actions', 'method', 'methods'],
    category: 'execute',
    overridesVerb: true,
    weight: 0.9,
  },
  {
    id: 'instruct-an-agent',
    verbs: ['ask', 'send', 'prompt', 'delegate', 'message', 'instruct', 'chat'],
    objects: ['assistant', 'agent', 'agents', 'copilot', 'autopilot'],
    category: 'execute',
    overridesVerb: true,
    weight: 0.85,
  },
  {
    id: 'permanent-modifier',
    verbCategories: WRITES,
    objects: ['hard', 'permanent', 'permanently'],
    category: 'destructive',
    weight: 0.55,
  },
  {
    id: 'force-push',
    verbs: ['push'],
    objects: ['force', 'forced'],
    category: 'destructive',
    weight: 0.9,
  },
  {
    id: 'clear-a-value',
    verbs: ['clear', 'reset', 'unset', 'overwrite', 'empty', 'flush', 'discard'],
    objects: ['field', 'fields', 'input', 'inputs', 'value', 'text', 'cache', 'caches', 'selection', 'filter', 'filters', 'form', 'highlight', 'highlights', 'console', 'working', 'view', 'zoom', 'viewport', 'layout', 'override', 'overrides', 'setting', 'settings', 'preference', 'preferences', 'cell', 'cells', 'cookie', 'cookies', 'emulation', 'throttling', 'timer', 'cursor', 'context', 'clipboard', 'screen', 'notification', 'notifications', 'status', 'draft', 'element', 'search', 'sort', 'codegen', 'session', 'breakpoint', 'breakpoints', 'watch', 'marker', 'markers', 'canvas', 'scratchpad', 'scope'],
    category: 'write',
    overridesVerb: true,
    weight: 0.85,
  },
  {
    id: 'remove-a-relation',
    verbs: ['remove', 'rm', 'unlink', 'detach', 'unassign', 'untag', 'unwatch', 'clear'],
    objects: ['link', 'links', 'member', 'members', 'membership', 'label', 'labels', 'watcher', 'watchers', 'reaction', 'reactions', 'emoji', 'bookmark', 'bookmarks', 'tag', 'tags', 'assignee', 'assignees', 'reviewer', 'reviewers', 'subscriber', 'subscribers', 'participant', 'participants', 'attendee', 'attendees', 'association', 'associations', 'relation', 'relations', 'relationship', 'relationships', 'sub', 'favorite', 'favorites', 'star', 'stars', 'follower', 'followers', 'collaborator', 'collaborators', 'team', 'teams', 'group', 'groups', 'dependency', 'dependencies', 'blocker', 'attachment', 'attachments', 'mention', 'like', 'likes', 'vote', 'votes', 'pin', 'pins', 'parent', 'child', 'milestone', 'sprint', 'remote', 'remotes', 'upstream', 'alias', 'aliases', 'category', 'categories', 'topic', 'topics', 'role', 'roles', 'permission', 'permissions'],
    category: 'write',
    overridesVerb: true,
    weight: 0.85,
  },
  {
    id: 'drop-data',
    verbs: ['drop'],
    objects: ['table', 'tables', 'database', 'databases', 'db', 'collection', 'collections', 'index', 'indexes', 'indices', 'schema', 'schemas', 'column', 'columns', 'keyspace', 'bucket', 'view', 'views', 'graph', 'partition', 'partitions', 'constraint', 'trigger', 'user', 'role', 'stash', 'queue', 'topic', 'namespace', 'dataset', 'datasets', 'field', 'all', 'everything', 'branch', 'snapshot', 'key', 'keys', 'entity', 'entities', 'store', 'vector', 'vectors'],
    category: 'destructive',
    overridesVerb: true,
    weight: 0.9,
  },
  {
    id: 'bill-a-customer',
    verbs: ['send', 'finalize', 'issue', 'update', 'change', 'modify', 'upgrade', 'downgrade', 'renew'],
    objects: ['invoice', 'invoices', 'subscription', 'subscriptions', 'bill', 'bills', 'charge', 'charges'],
    headOnly: true,
    category: 'financial',
    weight: 0.85,
  },
  {
    id: 'credentials',
    verbCategories: WRITES,
    headOnly: true,
    objects: ['token', 'tokens', 'secret', 'secrets', 'password', 'passwords', 'credential', 'credentials', 'permission', 'permissions', 'role', 'roles', 'member', 'members', 'membership', 'access', 'collaborator', 'collaborators', 'user', 'users', 'policy', 'policies', 'dsn', 'oauth', 'ssh', 'certificate', 'certificates', 'acl', 'grant', 'grants', 'team', 'teams', 'invitation', 'invite', 'auth', 'apikey', 'sso', 'mfa', 'rbac'],
    flags: ['credential_admin'],
    weight: 0.6,
  },
  {
    id: 'credential-keys',
    objects: ['key', 'keys'],
    after: ['api', 'access', 'ssh', 'private', 'secret', 'signing', 'deploy', 'encryption', 'gpg', 'pgp', 'kms', 'service', 'account', 'client', 'master', 'auth', 'license', 'developer', 'restricted'],
    flags: ['credential_admin'],
    weight: 0.6,
  },
  {
    id: 'read-secrets',
    verbCategories: ['read'],
    headOnly: true,
    objects: ['secret', 'secrets', 'password', 'passwords', 'credential', 'credentials', 'token', 'tokens', 'apikey', 'dsn'],
    flags: ['credential_admin', 'private_data'],
    weight: 0.5,
  },
  {
    id: 'personal-data',
    verbCategories: ['read'],
    objects: ['email', 'emails', 'mail', 'inbox', 'message', 'messages', 'dm', 'dms', 'conversation', 'conversations', 'contact', 'contacts', 'user', 'users', 'profile', 'profiles', 'customer', 'customers', 'member', 'members', 'calendar', 'account', 'accounts', 'history', 'thread', 'threads', 'chat', 'chats', 'file', 'files', 'document', 'documents', 'note', 'notes', 'repository', 'repositories', 'repo', 'repos', 'record', 'records', 'employee', 'employees', 'patient', 'payment', 'payments', 'invoice', 'invoices', 'balance', 'transactions', 'memory', 'memories', 'secret', 'secrets', 'order', 'orders', 'position', 'positions', 'portfolio', 'attachment', 'attachments', 'case', 'cases', 'communications', 'log', 'logs', 'body'],
    flags: ['private_data'],
    weight: 0.5,
  },
  {
    id: 'third-party-content',
    verbCategories: ['read'],
    objects: ['web', 'page', 'pages', 'url', 'urls', 'website', 'site', 'html', 'issue', 'issues', 'comment', 'comments', 'email', 'emails', 'mail', 'message', 'messages', 'pull', 'pr', 'prs', 'discussion', 'discussions', 'review', 'reviews', 'post', 'posts', 'tweet', 'tweets', 'thread', 'threads', 'conversation', 'conversations', 'news', 'article', 'articles', 'feed', 'rss', 'ticket', 'tickets', 'chat', 'replies', 'reply', 'notification', 'notifications', 'document', 'documents', 'content', 'search', 'results', 'transcript', 'readme'],
    flags: ['untrusted_content'],
    weight: 0.5,
  },
  {
    id: 'outbound-message',
    verbs: ['create', 'add', 'post', 'send', 'reply', 'submit', 'publish', 'comment', 'new', 'open', 'file', 'write', 'share', 'forward', 'broadcast', 'email', 'message', 'notify', 'tweet', 'retweet', 'repost', 'quote', 'dm', 'invite', 'mention', 'respond', 'answer', 'raise', 'escalate'],
    objects: ['message', 'messages', 'email', 'emails', 'mail', 'comment', 'comments', 'post', 'posts', 'tweet', 'reply', 'chat', 'sms', 'webhook', 'webhooks', 'dm', 'invitation', 'invite', 'announcement', 'broadcast', 'issue', 'issues', 'pull', 'pr', 'review', 'reviews', 'gist', 'discussion', 'incident', 'case', 'communication', 'ticket', 'activity'],
    headOnly: true,
    flags: ['external_comm'],
    weight: 0.6,
  },
  {
    id: 'many-at-once',
    objects: ['all', 'bulk', 'batch', 'many', 'multiple', 'mass', 'everything'],
    verbCategories: WRITES,
    flags: ['bulk'],
    weight: 0.7,
  },
];

/** Words after which the object phrase ends (`get_issue_by_id` is about an issue). */
export const OBJECT_STOPWORDS: ReadonlySet<string> = new Set(['by', 'for', 'from', 'in', 'to', 'with', 'of', 'on', 'at', 'into', 'id', 'ids', 'uid', 'name']);

/**
 * Names without a verb that only name data (`db_stats`, `pg_credentials`, `mongodb-logs`) read it.
 * Used only when neither the name nor the description has a verb.
 */
export const DATA_NOUNS: ReadonlySet<string> = new Set([
  'stats', 'statistics', 'logs', 'log', 'info', 'information', 'details', 'detail', 'status', 'summary', 'metrics',
  'report', 'overview', 'usage', 'history', 'schema', 'schemas', 'credentials', 'config', 'configuration', 'settings',
  'inventory', 'health', 'docs', 'documentation', 'version', 'versions', 'metadata', 'catalog', 'list', 'insights',
  'outliers', 'diagnostics', 'backups', 'maintenance', 'locks', 'events', 'properties', 'context', 'me', 'profile',
]);

/** Verbs that send what they make to someone else: their writes are external communication. */
export const OUTBOUND_VERBS: ReadonlySet<string> = new Set(['send', 'email', 'notify', 'message', 'publish', 'share', 'reply', 'comment', 'tweet', 'dm', 'broadcast', 'invite', 'mention', 'emit', 'fire']);
