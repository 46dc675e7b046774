import type { Category } from '../types.ts';

/**
 * Action verbs, as they appear in tool names and at the start of descriptions, and the category each
 * one implies. A verb names what the tool does to the world; the object it acts on is looked up
 * separately (objects.ts) and may move the category (a `create` of a `payment` is financial).
 *
 * `preserving` verbs cannot lose what exists: they only add something new (create, send) or are undone
 * by their opposite (pause/resume, lock/unlock, rename). An MCP `destructiveHint` does not make them destructive.
 */
export interface VerbRule {
  category: Category;
  preserving?: boolean;
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
  ],
  execute: [
    'run', 'execute', 'exec', 'eval', 'invoke', 'call', 'shell', 'spawn', 'launch', 'deploy',
    'redeploy', 'interpret', 'sh', 'bash', 'python',
  ],
  destructive: [
    'delete', 'remove', 'rm', 'destroy', 'drop', 'truncate', 'purge', 'wipe', 'erase', 'clear', 'kill', 'terminate',
    'revoke', 'overwrite', 'reset', 'uninstall', 'deprovision', 'decommission', 'prune', 'shred', 'void', 'expunge',
    'empty', 'teardown', 'nuke', 'evict', 'force', 'obliterate', 'discard', 'cleanup', 'clean', 'rmdir', 'unset',
    'flush', 'rewrite',
  ],
  financial: [
    'pay', 'charge', 'refund', 'transfer', 'buy', 'sell', 'purchase', 'trade', 'order', 'invoice',
    'bill', 'withdraw', 'deposit', 'donate', 'tip', 'payout', 'settle', 'exercise',
    'liquidate', 'bid', 'swap', 'stake', 'unstake', 'mint', 'borrow', 'lend', 'repay',
  ],
  unknown: [],
};

/** Verbs that only add, or whose opposite undoes them: they cannot lose existing data. */
export const PRESERVING_VERBS: ReadonlySet<string> = new Set([
  'pause', 'resume', 'enable', 'disable', 'start', 'stop', 'restart', 'lock', 'unlock', 'archive', 'unarchive', 'mute',
  'unmute', 'unpin', 'unstar', 'unfollow', 'unsubscribe', 'rename', 'mark', 'assign', 'unassign', 'acknowledge', 'ack',
  'snooze', 'close', 'reopen', 'toggle', 'activate', 'deactivate', 'suspend', 'unsuspend',
  'create', 'add', 'new', 'insert', 'post', 'append', 'upload', 'copy', 'clone', 'duplicate', 'fork', 'comment',
  'reply', 'react', 'star', 'follow', 'join', 'invite', 'subscribe', 'register', 'send', 'notify', 'email',
  'message', 'mention', 'publish', 'share', 'record', 'remember', 'store', 'save', 'import', 'build',
  'compile', 'install', 'provision', 'enroll', 'book', 'reserve', 'vote', 'like', 'favorite', 'bookmark', 'annotate',
  'emit', 'tweet', 'dm', 'mkdir', 'touch', 'init', 'initialize', 'setup', 'tag', 'label', 'pin',
]);

export const VERBS: ReadonlyMap<string, VerbRule> = new Map(
  (Object.entries(VERB_TABLE) as Array<[Category, readonly string[]]>).flatMap(([category, verbs]) =>
    verbs.map((verb): [string, VerbRule] => [verb, PRESERVING_VERBS.has(verb) ? { category, preserving: true } : { category }]),
  ),
);

/** Words that join two verbs in a name (`create_or_update_file`): the second verb counts too. */
export const CONJUNCTIONS: ReadonlySet<string> = new Set(['or', 'and', 'then']);

/** HTTP methods that some servers put first in generated names (`API-post-search`): a verb after them is the real action. */
export const HTTP_METHOD_PREFIXES: ReadonlySet<string> = new Set(['post', 'put', 'patch']);
