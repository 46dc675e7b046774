import type { Triggered } from '../triggers.ts';
import type { Category, Flag } from '../types.ts';

/**
 * Phrases in a tool's title or description. Each pattern is matched case-insensitively; the weight is
 * for a match in the first sentence, and halves elsewhere in the description (a word like DELETE in a
 * description of something else is weak evidence).
 */
export interface PhraseRule extends Triggered {
  id: string;
  /** Word prefixes one of which any match contains: the pattern only runs on texts that have one (see triggers.ts). */
  triggers: string[];
  /** A sentence the rule matches (checked by the tests, shown as documentation). */
  example: string;
  /** Full weight wherever it appears: a warning such as "cannot be undone" is about the tool itself. */
  anywhere?: boolean;
  pattern: RegExp;
  points: Category | Flag;
  weight: number;
}

export const PHRASE_RULES: readonly PhraseRule[] = [
  // destructive
  {
    id: 'irreversible',
    example: 'This action cannot be undone.',
    anywhere: true,
    triggers: ['permanent', 'irreversib', 'undo', 'reversed', 'reversible', 'recovered', 'destructive'],
    pattern:
      /\b(?:(?:is|are) destructive|permanently|(?<!\b(?:may|might|could) (?:be |prove )?)irreversibl[ey]|cannot be (?:undone|reversed|recovered)|can ?not be (?:undone|recovered)|not reversible|no way to undo)\b/i,
    points: 'destructive',
    weight: 0.75,
  },
  {
    id: 'deletes',
    example: 'Deletes the selected records.',
    triggers: ['delet', 'destroy', 'drop', 'truncat', 'wipe', 'erase', 'purge', 'terminat', 'revoke', 'uninstall'],
    pattern:
      /\b(?:deletes?|deleting|destroys?|drops? (?:the |an? )?(?:table|database|collection|index|schema)|truncates?|wipes?|erases?|purges?|terminates?|revokes?|uninstalls?)\b/i,
    points: 'destructive',
    weight: 0.6,
  },
  {
    id: 'overwrites',
    example: 'Writes the file, overwriting any existing content.',
    triggers: ['overwrit', 'replac'],
    pattern:
      /\b(?:overwrit(?:e|es|ing)\b(?!\s+(?:the\s+|a\s+|an\s+|one\s+)?(?:values?|cells?|fields?|settings?|inputs?)\b)|replac(?:e|es|ing) (?:the |any |an? )?(?:entire|whole|existing|all|current|previous)\b(?!(?:\s+\w+)?\s+(?:settings|options|preferences|overrides|links|labels|tags|reactions|relations)\b)|replac(?:e|es|ing) (?:all )?(?:the )?contents? of (?!(?:the |an? )?(?:cells?|fields?|inputs?|clipboard|selection)\b))/i,
    points: 'destructive',
    weight: 0.7,
  },
  {
    id: 'force-push',
    example: 'Force-push the branch to the remote.',
    triggers: ['force'],
    pattern: /\bforce[- ]push(?!\w*\s+(?:settings?|protection|rules?|permissions?|access|allowed)\b)/i,
    points: 'destructive',
    weight: 0.8,
  },
  // execute
  {
    id: 'runs-code',
    example: 'Executes the given shell command on the host.',
    triggers: ['execut', 'run', 'evaluat', 'invok'],
    alsoNeeds: [
      'sql',
      'command',
      'script',
      'code',
      'shell',
      'javascript',
      'python',
      'bash',
      'program',
      'statement',
      'workflow',
      'pipeline',
      'job',
      'notebook',
      'container',
      'function',
      'migration',
    ],
    pattern:
      /(?<!\b(?:recent|past|previous|latest|last|all|the|its|their)\s+)\b(?:execut(?:e|es|ing)|runs?|evaluat(?:e|es|ing)|invok(?:e|es|ing))\b(?:\s+\S+){0,4}?\s+(?:sql|commands?|scripts?|code|shell|javascript|python|bash|programs?|statements?|workflows?|pipelines?|jobs?|notebooks?|containers?|functions?|migrations?)\b/i,
    points: 'execute',
    weight: 0.75,
  },
  {
    id: 'arbitrary-code',
    example: 'Accepts arbitrary SQL from the caller.',
    triggers: ['arbitrary', 'any', 'raw', 'custom'],
    alsoNeeds: ['sql', 'quer', 'command', 'code', 'script', 'shell', 'javascript', 'python', 'expression', 'statement', 'aggregation'],
    pattern:
      /(?<!\b(?:for|before|after|when)\s+)\b(?:arbitrary|any|raw|custom)\s+(?:sql|quer(?:y|ies)|commands?|code|scripts?|shell|javascript|python|expressions?|statements?|aggregation)\b/i,
    points: 'execute',
    weight: 0.75,
  },
  {
    id: 'deploys',
    example: 'Deploys the current build to production.',
    triggers: ['deploy', 'install'],
    pattern: /\b(?:deploys?|deploying|installs? (?:a |the )?(?:plugin|chart|package|extension|app))\b/i,
    points: 'execute',
    weight: 0.6,
  },
  // financial
  {
    id: 'places-order',
    example: 'Places a market buy order for the given symbol.',
    triggers: ['plac', 'submit'],
    pattern:
      /(?<!\b(?:for|before|after|when)\s+)\b(?:plac(?:e|es|ing)|submit(?:s|ting)?)\b(?:\s+\S+){0,4}?\s+(?:(?:buy|sell|market|limit|stock|crypto|option|options)\s+)?orders?\b/i,
    points: 'financial',
    weight: 0.8,
  },
  {
    id: 'buy-sell',
    example: 'Sell shares of a stock at the market price.',
    triggers: ['buy', 'sell', 'purchase'],
    pattern: /\b(?:buy|sell|purchase)s?\b(?:\s+\S+){0,3}?\s+(?:orders?|shares?|stocks?|crypto|tokens?|options?|contracts?|assets?|securities)\b/i,
    points: 'financial',
    weight: 0.7,
  },
  {
    // Since 2.4.0: a tool that pays for what it is asked to do (a paywalled fetch, a top-up from a wallet).
    id: 'pays-on-its-own',
    example: 'If the endpoint requires payment, it will be paid automatically.',
    anywhere: true,
    // Narrow triggers: `pay` would wake the pattern on every "payload".
    triggers: ['paid', 'pays', 'paying'],
    pattern: /\b(?:(?:will|would|is|are|gets?) (?:be )?paid automatically|pays (?:for (?:it|them) )?automatically|by paying)\b/i,
    points: 'financial',
    weight: 0.75,
  },
  {
    id: 'moves-money',
    example: 'Refunds a payment to the customer.',
    triggers: ['refund', 'charg', 'pay', 'transfer', 'send', 'initiate'],
    pattern:
      /\b(?:refund(?:s|ing)? (?:a|an|the|this|that|their|your|its|all|part|money|funds|payments?|charges?|orders?|customers?)\b|issues? (?:a |the )?refunds?|charg(?:e|es|ing) (?:a |the )?(?:customer|card|payment)|pay(?:s|ing)? (?:an? |the )?(?:invoice|bill)|transfers? (?:money|funds)|send(?:s|ing)? (?:money|funds|payments?)|initiates? (?:a )?payment|(?:creates?|sends?|makes?|triggers?) (?:a |the )?payouts?)\b/i,
    points: 'financial',
    weight: 0.75,
  },
  // write
  {
    id: 'creates',
    example: 'Creates a new project.',
    triggers: [
      'creat',
      'add',
      'insert',
      'updat',
      'modif',
      'edit',
      'renam',
      'mov',
      'writ',
      'sav',
      'upload',
      'append',
      'set',
      'chang',
      'post',
      'send',
      'publish',
      'schedul',
      'assign',
      'merg',
      'push',
      'commit',
    ],
    pattern:
      /\b(?:creates?|adds?|inserts?|updates?|modif(?:y|ies)|edits?|renames?|moves?|writes?|saves?|uploads?|appends?|sets?|changes?|posts?|sends?|publish(?:es)?|schedules?|assigns?|merges?|pushes|commits?)\b/i,
    points: 'write',
    weight: 0.45,
  },
  // read
  {
    id: 'read-only',
    example: 'Runs in read-only mode.',
    triggers: ['read', 'does', 'without'],
    pattern: /\bread[- ]only\b|\bdoes not (?:modify|change|write)\b|\bwithout (?:modifying|changing)\b/i,
    points: 'read',
    weight: 0.4,
  },
  // flags
  {
    id: 'sends-to-others',
    example: 'Sends an email to the given recipients.',
    triggers: ['send', 'post', 'publish', 'repl', 'notif', 'broadcast'],
    pattern:
      /\b(?:send(?:s|ing)?|post(?:s|ing)?|publish(?:es|ing)?|reply|replies|notif(?:y|ies)|broadcasts?)\b(?:\s+\S+){0,4}?\s+(?:emails?|messages?|mail|sms|notifications?|tweets?|comments?|to (?:a |the )?(?:channel|user|recipient|slack|webhook|chat))\b/i,
    points: 'external_comm',
    weight: 0.6,
  },
  {
    id: 'web-content',
    example: 'Fetches a web page and converts it to markdown.',
    // A URL counts where the tool goes to it ("Navigate to a URL", "fetch any URL"), not where it hands one
    // back or names a kind of link ("Get the dashboard URL", "returns download URLs").
    triggers: ['web', 'html', 'scrap', 'crawl', 'search', 'url'],
    pattern:
      /\b(?:web ?pages?|websites?|html|scrap(?:e|es|ing)|crawl(?:s|ing)?|search(?:es)? the web|web search|(?:to|from|at|by|opens?|loads?|fetch(?:es)?|visits?|navigates?|any|arbitrary|given)\s+(?:(?:a|an|the|one|any|given|specific|remote|web|website|page|target|public|external|single)\s+)*urls?)\b/i,
    points: 'untrusted_content',
    weight: 0.5,
  },
  {
    id: 'personal-data',
    example: "Returns the user's private messages.",
    triggers: ['private', 'personal', 'email', 'inbox', 'direct', 'dm', 'credential', 'secret', 'password', 'api', 'token', 'environment'],
    pattern: /\b(?:private|personal|emails?|inbox|direct messages?|dms?|credentials?|secrets?|passwords?|api keys?|tokens?|environment variables)\b/i,
    points: 'private_data',
    weight: 0.4,
  },
  {
    id: 'many-items',
    example: 'Applies the change to all matching documents.',
    triggers: ['all', 'every', 'bulk', 'batch', 'multiple', 'many'],
    pattern: /\b(?:all (?:matching|the|of the)|every|in bulk|bulk|batch|multiple|many)\b/i,
    points: 'bulk',
    weight: 0.35,
  },
  {
    id: 'permissions',
    example: 'Changes the permissions of a user.',
    triggers: ['permission', 'access', 'role', 'api', 'token', 'credential', 'password'],
    pattern: /\b(?:permissions?|access (?:to|control|rights?)|roles?|api keys?|tokens?|credentials?|passwords?)\b/i,
    points: 'credential_admin',
    weight: 0.4,
  },
];

/**
 * The opening of a description that dispatches what it lists: "Select and run one of the following write
 * operations update-forms, manage-env-vars, …". The operations follow it.
 */
export const ROUTER_LEAD =
  /^(?:select|choose|pick)(?:\s+and\s+(?:run|execute|call|invoke|perform))?\s+one\s+of\s+(?:the\s+following|these)\b[^:.]{0,80}?\b(?:operations?|actions?|commands?|tools?)\b(?:\s*\([^)]{0,40}\))?\s*:?/i;

/**
 * Tags before a description's first words: "[🌐 REMOTE] Get…", "[DEPRECATED] Lists…", "🎯 **Purpose:** Replace…",
 * "IMPORTANT: Deletes…", "(Beta) Creates…". Case matters: a capitalised label ends in a colon, a sentence does not.
 */
export const DESCRIPTION_TAGS = /^(?:(?:\[[^\]\n]{1,40}\]|\([^)\n]{1,40}\)|\*\*[^*\n]{1,40}\*\*:?|[A-Z][A-Z ]{2,30}:|[^\p{L}\p{N}\s]{1,6})\s*)+/u;

/**
 * Openers that precede the real verb of a description's first sentence: "This tool will fetch…",
 * "Use this to delete…", "Notion | Create a page".
 */
export const DESCRIPTION_PREAMBLE =
  /^(?:[\w .-]{1,30}\s\|\s*)?(?:(?:this|the) (?:tool|function|endpoint|command|operation|method) (?:will |can |is used to |allows you to |lets you |helps you )?|use (?:this|it)(?: tool)? (?:to |for |when )|tool (?:to|for|that) |(?:a |an )?(?:tool|function|helper|utility|endpoint) (?:to|for|that) |allows? (?:you |users |the user |agents )?to |lets? (?:you |the user )?|helps? (?:you )?(?:to )?|used to |can be used to |call this to |you can |please |quickly |directly |simply |safely |easily |will )+/i;
