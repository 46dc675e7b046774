// Shared by the build (site/render/search-index.ts) and the browser (search.js), so both split text alike.
// The stemmer is passed in: the build imports the npm package `stemmer`, the browser the same file copied to /assets/.

/** Words too common in descriptions to be worth indexing there. */
export const STOPWORDS = new Set(
  'the a an to of and or in on for is are be by with from as at it its this that if not can will all any into your you use used using when which'.split(' '),
);

const COMPOUND = /[\p{L}\p{N}]+(?:[_-][\p{L}\p{N}]+)*/gu;

/**
 * The compounds of a text, each as its whole word and its parts, lowercased: `createIssue` and `create_issue`
 * give { whole: 'createissue', parts: ['create', 'issue'] }, `JavaScript` gives { whole: 'javascript',
 * parts: ['java', 'script'] }. Words of 2–40 characters only; `whole` is null past 40.
 */
export function compounds(text) {
  const out = [];
  for (const match of String(text).matchAll(COMPOUND)) {
    const compound = compoundOf(match[0]);
    if (compound !== null) out.push(compound);
  }
  return out;
}

/**
 * Words repeat across a catalogue's descriptions far more than they vary, so each word's split (and below, each
 * stem) is computed once and remembered. Descriptions are untrusted: a table holds words of at most MEMO_KEY
 * characters and starts again past MEMO_SIZE entries, so a catalogue of huge or endless distinct words cannot
 * make it grow without bound.
 */
const MEMO_SIZE = 100_000;
const MEMO_KEY = 64;
function memoize(compute) {
  let memo = new Map();
  return (key) => {
    if (key.length > MEMO_KEY) return compute(key);
    let value = memo.get(key);
    if (value === undefined) {
      if (memo.size >= MEMO_SIZE) memo = new Map();
      value = compute(key);
      memo.set(key, value);
    }
    return value;
  };
}

const compoundOf = memoize((word) => {
  const parts = word
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[\s_-]+/)
    .filter((w) => w.length >= 2 && w.length <= 40);
  if (parts.length === 0) return null;
  const whole = parts.join('');
  // A very long compound is indexed by its parts alone.
  return Object.freeze({ whole: whole.length <= 40 ? whole : null, parts: Object.freeze(parts) });
});

/**
 * A tokenizer with one stemmer: documents are indexed under every part and every whole compound, stemmed,
 * so "JavaScript" is found by "javascript", "java" and "script", and "deleting" by "deletion".
 */
export function tokenizer(stem) {
  const stemmed = memoize((word) => (/^[a-z]+$/.test(word) ? stem(word) : word));
  return {
    /** The distinct stemmed terms of a text, stopwords left out when `skipStopwords`. */
    terms(text, skipStopwords = false) {
      const out = new Set();
      for (const { whole, parts } of compounds(text)) {
        for (const word of whole !== null && parts.length > 1 ? [whole, ...parts] : parts) {
          if (skipStopwords && STOPWORDS.has(word)) continue;
          out.add(stemmed(word));
        }
      }
      return [...out];
    },
    /**
     * A query as groups: a group matches a document that holds its whole word, or all of its parts.
     * Stopwords are dropped unless the query holds nothing else. `raw` keeps the unstemmed whole for prefixes.
     */
    query(text) {
      const all = compounds(text).map(({ whole, parts }) => ({
        whole: whole === null ? null : stemmed(whole),
        raw: whole ?? parts.join(''),
        parts: parts.map(stemmed),
      }));
      const meaningful = all.filter((g) => !(g.parts.length === 1 && STOPWORDS.has(g.raw)));
      return meaningful.length > 0 ? meaningful : all;
    },
  };
}

/** Which shard file holds a term: its first three characters, hex-encoded when they are not [a-z0-9]. */
export function shardKey(term) {
  const head = Array.from(term).slice(0, 3).join('');
  if (/^[a-z0-9]+$/.test(head)) return head;
  return `_${Array.from(new TextEncoder().encode(head), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Which prefix file lists the most frequent terms that start with a two-character prefix. */
export function prefixKey(prefix) {
  return shardKey(Array.from(prefix).slice(0, 2).join(''));
}

/**
 * How many of `ids`, in order, have their documents within the first `maxFiles` docs files those ids name
 * (`docsPerShard` slots a file): a search reads no further.
 */
export function idsWithinFiles(ids, docsPerShard, maxFiles) {
  const files = new Set();
  for (let i = 0; i < ids.length; i++) {
    const file = Math.floor(ids[i] / docsPerShard);
    if (!files.has(file) && files.size >= maxFiles) return i;
    files.add(file);
  }
  return ids.length;
}

/** One character per document: kind (tool/server), category and severity, for filtering without fetching documents. */
export const CATEGORIES = ['read', 'write', 'execute', 'destructive', 'financial', 'unknown'];
export const SEVERITIES = ['low', 'medium', 'high', 'critical'];
export const FLAGS = ['private_data', 'untrusted_content', 'external_comm', 'credential_admin', 'bulk', 'freeform_input', 'poisoning_suspect'];
const FACET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Flags are one character too: U+0100 plus a bit per flag. */
const FLAG_BASE = 0x100;

export function facetChar(kind, category, severity) {
  const c = Math.max(0, CATEGORIES.indexOf(category));
  const s = Math.max(0, SEVERITIES.indexOf(severity));
  return FACET_ALPHABET[(kind === 'server' ? 32 : 0) + c * 4 + s];
}

export function decodeFacet(char) {
  const n = FACET_ALPHABET.indexOf(char);
  return { kind: n >= 32 ? 'server' : 'tool', category: CATEGORIES[Math.floor((n % 32) / 4)], severity: SEVERITIES[n % 4] };
}

export function flagsChar(flags) {
  let bits = 0;
  for (const flag of flags) if (FLAGS.includes(flag)) bits |= 1 << FLAGS.indexOf(flag);
  return String.fromCharCode(FLAG_BASE + bits);
}

export function hasFlag(char, flag) {
  const bits = (char ? char.charCodeAt(0) : FLAG_BASE) - FLAG_BASE;
  return (bits & (1 << FLAGS.indexOf(flag))) !== 0;
}
