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
  category?: Category;
  flags?: Flag[];
  weight: number;
}

const WRITES: Category[] = ['write', 'destructive', 'execute', 'financial'];

export const OBJECT_RULES: readonly ObjectRule[] = [
  {
    id: 'money-movement',
    verbs: ['create', 'place', 'submit', 'make', 'execute', 'send', 'issue', 'process', 'initiate', 'new', 'add', 'replace', 'post', 'exercise', 'capture', 'confirm'],
    objects: ['payment', 'payments', 'charge', 'charges', 'refund', 'refunds', 'payout', 'payouts', 'transfer', 'transfers', 'order', 'orders', 'trade', 'trades', 'purchase', 'purchases', 'transaction', 'transactions', 'withdrawal', 'deposit', 'position', 'positions', 'remittance'],
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
    verbs: ['run', 'execute', 'exec', 'eval', 'evaluate', 'invoke', 'call', 'start', 'trigger', 'launch', 'interpret'],
    objects: ['query', 'queries', 'sql', 'command', 'commands', 'cmd', 'script', 'scripts', 'code', 'shell', 'workflow', 'workflows', 'pipeline', 'pipelines', 'job', 'jobs', 'task', 'tasks', 'function', 'functions', 'lambda', 'notebook', 'cell', 'container', 'pod', 'program', 'process', 'terminal', 'statement', 'javascript', 'python', 'bash', 'expression', 'action', 'actions', 'playbook', 'runbook', 'migration', 'migrations', 'test', 'tests'],
    category: 'execute',
    weight: 0.85,
  },
  {
    id: 'ship-code',
    verbs: ['install', 'deploy', 'build', 'promote', 'release', 'apply'],
    objects: ['plugin', 'plugins', 'chart', 'extension', 'extensions', 'package', 'packages', 'app', 'application', 'image', 'code', 'manifest', 'function', 'worker', 'workers', 'service', 'stack', 'template', 'migration', 'migrations', 'container'],
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
    id: 'force-modifier',
    verbCategories: WRITES,
    objects: ['force', 'forced', 'hard', 'permanent', 'permanently', 'all'],
    category: 'destructive',
    weight: 0.55,
  },
  {
    id: 'credentials',
    verbCategories: WRITES,
    objects: ['key', 'keys', 'token', 'tokens', 'secret', 'secrets', 'password', 'passwords', 'credential', 'credentials', 'permission', 'permissions', 'role', 'roles', 'member', 'members', 'membership', 'access', 'collaborator', 'collaborators', 'user', 'users', 'policy', 'policies', 'dsn', 'oauth', 'ssh', 'certificate', 'certificates', 'acl', 'grant', 'grants', 'team', 'teams', 'invitation', 'invite', 'auth', 'apikey', 'sso', 'mfa', 'rbac'],
    flags: ['credential_admin'],
    weight: 0.6,
  },
  {
    id: 'read-secrets',
    verbCategories: ['read'],
    objects: ['secret', 'secrets', 'password', 'passwords', 'credential', 'credentials', 'token', 'tokens', 'key', 'keys', 'env', 'environment', 'config', 'configuration', 'apikey', 'dsn', 'certificate'],
    flags: ['credential_admin', 'private_data'],
    weight: 0.5,
  },
  {
    id: 'personal-data',
    verbCategories: ['read'],
    objects: ['email', 'emails', 'mail', 'inbox', 'message', 'messages', 'dm', 'dms', 'conversation', 'conversations', 'contact', 'contacts', 'user', 'users', 'profile', 'profiles', 'customer', 'customers', 'member', 'members', 'calendar', 'account', 'accounts', 'history', 'thread', 'threads', 'chat', 'chats', 'file', 'files', 'document', 'documents', 'note', 'notes', 'repository', 'repositories', 'repo', 'repos', 'record', 'records', 'employee', 'employees', 'patient', 'payment', 'payments', 'invoice', 'invoices', 'balance', 'transactions', 'memory', 'memories', 'secret', 'secrets'],
    flags: ['private_data'],
    weight: 0.5,
  },
  {
    id: 'third-party-content',
    verbCategories: ['read'],
    objects: ['web', 'page', 'pages', 'url', 'urls', 'website', 'site', 'html', 'issue', 'issues', 'comment', 'comments', 'email', 'emails', 'mail', 'message', 'messages', 'pull', 'pr', 'prs', 'discussion', 'discussions', 'review', 'reviews', 'post', 'posts', 'tweet', 'tweets', 'thread', 'threads', 'conversation', 'conversations', 'news', 'article', 'articles', 'feed', 'rss', 'ticket', 'tickets', 'chat', 'replies', 'reply', 'notification', 'notifications', 'document', 'documents', 'content', 'search', 'results', 'transcript', 'readme', 'snapshot', 'screenshot'],
    flags: ['untrusted_content'],
    weight: 0.5,
  },
  {
    id: 'outbound-message',
    verbCategories: WRITES,
    objects: ['message', 'messages', 'email', 'emails', 'mail', 'comment', 'comments', 'post', 'posts', 'tweet', 'reply', 'chat', 'notification', 'notifications', 'sms', 'webhook', 'webhooks', 'dm', 'invitation', 'invite', 'announcement', 'broadcast'],
    flags: ['external_comm'],
    weight: 0.6,
  },
  {
    id: 'many-at-once',
    objects: ['all', 'bulk', 'batch', 'many', 'multiple', 'mass', 'everything'],
    verbCategories: WRITES,
    flags: ['bulk'],
    weight: 0.6,
  },
];

/** Words after which the object phrase ends (`get_issue_by_id` is about an issue). */
export const OBJECT_STOPWORDS: ReadonlySet<string> = new Set(['by', 'for', 'from', 'in', 'to', 'with', 'of', 'on', 'at', 'into', 'id', 'ids', 'uid', 'name']);

/** Verbs that send what they make to someone else: their writes are external communication. */
export const OUTBOUND_VERBS: ReadonlySet<string> = new Set(['send', 'email', 'notify', 'message', 'publish', 'share', 'reply', 'comment', 'tweet', 'dm', 'broadcast', 'invite', 'mention', 'emit', 'fire']);
