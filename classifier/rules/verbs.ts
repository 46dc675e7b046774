import type { Category } from '../types.ts';

/**
 * Action verbs, as they appear in tool names and at the start of descriptions, and the category each
 * one implies. A verb names what the tool does to the world; the object it acts on is looked up
 * separately (objects.ts) and may move the category (a `create` of a `payment` is financial).
 */
export interface VerbRule {
  category: Category;
}

export const VERB_TABLE: Readonly<Record<Category, readonly string[]>> = {
  read: [
    'get', 'list', 'read', 'search', 'find', 'fetch', 'show', 'view', 'describe', 'query', 'lookup', 'look',
    'retrieve', 'inspect', 'check', 'count', 'browse', 'explore', 'analyze', 'analyse', 'summarize', 'explain',
    'download', 'export', 'diff', 'compare', 'validate', 'verify', 'preview', 'estimate', 'calculate', 'compute',
    'convert', 'parse', 'format', 'render', 'resolve', 'detect', 'scan', 'audit', 'monitor', 'watch', 'poll',
    'whoami', 'status', 'stat', 'info', 'ping', 'health', 'test', 'lint', 'echo', 'sum', 'tail',
    'grep', 'glob', 'tree', 'screenshot', 'snapshot', 'capture', 'recognize', 'translate', 'generate',
    'suggest', 'recommend', 'think', 'plan', 'evaluate', 'load', 'wait', 'sample', 'print', 'extract', 'measure',
    'diagnose', 'investigate', 'discover', 'select', 'filter', 'sort', 'open', 'navigate',
    'hover', 'scroll', 'visit', 'crawl', 'scrape', 'research', 'ask', 'identify', 'troubleshoot', 'decode',
    'encode', 'hash', 'tokenize', 'embed', 'classify', 'transcribe', 'observe', 'review', 'trace', 'profile',
    'assess', 'ls', 'return', 'provide', 'give', 'display', 'output', 'simulate', 'obtain', 'connect', 'disconnect', 'summarise', 'cat', 'head', 'which', 'whois', 'dig',
    'go', 'focus', 'expect', 'assert', 'map', 'is', 'has', 'top', 'blame', 'reflog', 'examine', 'peek',
    'expand', 'collapse', 'highlight', 'locate', 'enumerate', 'recall', 'forecast', 'predict', 'benchmark', 'debug', 'probe', 'await',
  ],
  write: [
    'create', 'add', 'new', 'insert', 'post', 'put', 'patch', 'update', 'edit', 'modify', 'change', 'set', 'save',
    'write', 'upload', 'append', 'rename', 'move', 'copy', 'clone', 'duplicate', 'fork', 'import', 'tag', 'label',
    'assign', 'unassign', 'comment', 'reply', 'react', 'star', 'unstar', 'follow', 'unfollow', 'join', 'leave',
    'invite', 'subscribe', 'unsubscribe', 'enable', 'disable', 'toggle', 'configure', 'register', 'mark', 'pin',
    'unpin', 'lock', 'unlock', 'archive', 'unarchive', 'restore', 'close', 'reopen', 'merge', 'push',
    'commit', 'checkout', 'stage', 'unstage', 'apply', 'approve', 'reject', 'submit', 'schedule',
    'reschedule', 'start', 'stop', 'restart', 'pause', 'resume', 'scale', 'resize', 'upgrade', 'downgrade', 'install',
    'enroll', 'link', 'unlink', 'attach', 'detach', 'mute', 'unmute', 'acknowledge', 'ack',
    'snooze', 'publish', 'unpublish', 'share', 'send', 'notify', 'email', 'message', 'mention', 'upsert',
    'store', 'remember', 'record', 'sync', 'promote', 'reorder', 'place', 'prioritize', 'click',
    'fill', 'press', 'drag', 'dismiss', 'finish', 'init',
    'initialize', 'setup', 'provision', 'allocate', 'reserve', 'book', 'claim', 'grant', 'authorize', 'login',
    'logout', 'authenticate', 'rotate', 'renew', 'extend', 'increment', 'decrement', 'vote', 'like', 'unlike',
    'favorite', 'bookmark', 'annotate', 'cancel', 'silence', 'rerun', 'retry', 'trigger', 'activate', 'deactivate',
    'suspend', 'unsuspend', 'transition', 'build', 'compile', 'bump', 'release', 'mkdir',
    'touch', 'rebase', 'cherry', 'revert', 'rollback', 'finalize', 'turn', 'switch', 'stash', 'handoff', 'emit', 'fire', 'broadcast',
    'tweet', 'dm', 'unblock', 'block', 'ban', 'unban', 'kick', 'flag',
    'refresh', 'reload', 'reindex', 'optimize', 'compact', 'migrate', 'seed', 'elicit',
    'drop', 'forward', 'demote', 'retweet', 'repost', 'quote', 'pull', 'unuse', 'maximize', 'minimize', 'enhance', 'emulate',
    'handle', 'end', 'reprioritize', 'unresolve', 'pop', 'request', 'type', 'complete', 'upvote', 'downvote', 'unwatch', 'respond', 'answer', 'undo',
    'redo', 'replace', 'hide', 'unhide', 'abort', 'exit', 'quit', 'enqueue', 'dequeue', 'queue', 'sign',
    'favourite', 'unfavorite', 'untag', 'relabel', 'retag', 'unshare', 'resubmit', 'redeliver', 'retrigger',
  ],
  execute: [
    'run', 'execute', 'exec', 'eval', 'invoke', 'call', 'shell', 'spawn', 'launch', 'deploy',
    'redeploy', 'interpret', 'sh', 'bash', 'python', 'dispatch', 'interact',
  ],
  destructive: [
    'delete', 'remove', 'rm', 'destroy', 'truncate', 'purge', 'wipe', 'erase', 'clear', 'kill', 'terminate',
    'revoke', 'overwrite', 'reset', 'uninstall', 'deprovision', 'decommission', 'prune', 'shred', 'void', 'expunge',
    'empty', 'teardown', 'nuke', 'evict', 'obliterate', 'discard', 'cleanup', 'clean', 'rmdir', 'unset',
    'flush', 'rewrite', 'trim',
  ],
  financial: [
    'pay', 'charge', 'refund', 'transfer', 'buy', 'sell', 'purchase', 'trade', 'order', 'invoice',
    'bill', 'withdraw', 'deposit', 'donate', 'tip', 'payout', 'settle', 'exercise',
    'liquidate', 'bid', 'swap', 'stake', 'unstake', 'mint', 'borrow', 'lend', 'repay',
  ],
  unknown: [],
};

export const VERBS: ReadonlyMap<string, VerbRule> = new Map(
  (Object.entries(VERB_TABLE) as Array<[Category, readonly string[]]>).flatMap(([category, verbs]) => verbs.map((verb): [string, VerbRule] => [verb, { category }])),
);

/**
 * Verbs that name no action of their own: the tool dispatches an operation argument (`manage_branches`
 * with `mode: list | create | delete`). Such a tool takes the worst operation it names; where it names
 * none it is treated as running whatever it is asked to.
 */
export const ROUTER_VERBS: ReadonlySet<string> = new Set(['manage', 'admin', 'administer', 'operate', 'crud', 'control', 'management']);

/**
 * A verb followed by one of these words is part of a noun, not the action: `pull_request_read` reads a
 * pull request, `get_change_log` reads a log.
 */
export const COMPOUND_NOUNS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['pull', new Set(['request', 'requests'])],
  ['merge', new Set(['request', 'requests'])],
  ['change', new Set(['log', 'logs', 'set', 'sets'])],
  ['drop', new Set(['down', 'downs'])],
]);

/**
 * Verbs that are as often nouns. Names in the noun-then-verb style (`monitor_create`, `tag_delete`,
 * `status_update`) put one of these first: a verb later in the name is then the action.
 */
export const NOUN_LIKE_VERBS: ReadonlySet<string> = new Set([
  'monitor', 'trace', 'profile', 'status', 'schedule', 'plan', 'review', 'test', 'build', 'release', 'record', 'comment',
  'post', 'message', 'order', 'tag', 'label', 'bookmark', 'snapshot', 'screenshot', 'search',
  'flag', 'email', 'book', 'stash', 'commit', 'pin', 'star', 'like', 'vote', 'share', 'export', 'import', 'interact',
  'watch', 'filter', 'sort', 'query', 'stat', 'info', 'health', 'link', 'map', 'trigger', 'tree', 'sample', 'seed', 'deposit',
]);

/**
 * Verbs that are the action only as the name's first word (`request_review`, `type_text`); later in a
 * name they are nouns (`network_request`, `by_type`, `complete_schema`).
 */
export const LEADING_ONLY_VERBS: ReadonlySet<string> = new Set(['request', 'type', 'complete']);

/** Words that join two verbs in a name (`create_or_update_file`): the second verb counts too. */
export const CONJUNCTIONS: ReadonlySet<string> = new Set(['or', 'and', 'then']);

/** HTTP methods that some servers put first in generated names (`API-post-search`): a verb after them is the real action. */
export const HTTP_METHOD_PREFIXES: ReadonlySet<string> = new Set(['post', 'put', 'patch']);
