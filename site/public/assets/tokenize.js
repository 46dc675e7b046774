// Shared by the build (site/build/search-index.ts) and the browser (search.js), so both split text alike.

/** Words too common in descriptions to be worth indexing there. */
export const STOPWORDS = new Set(
  'the a an to of and or in on for is are be by with from as at it its this that if not can will all any into your you use used using when which'.split(' '),
);

/** Lowercase words of 2–40 letters or digits; camelCase and snake_case names are split into their words. */
export function tokenize(text) {
  const spaced = String(text)
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();
  const out = [];
  for (const match of spaced.matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = match[0];
    if (word.length >= 2 && word.length <= 40) out.push(word);
  }
  return out;
}

/** Which shard file holds a term: its first three characters, hex-encoded when they are not [a-z0-9]. */
export function shardKey(term) {
  const head = Array.from(term).slice(0, 3).join('');
  if (/^[a-z0-9]+$/.test(head)) return head;
  return '_' + Array.from(new TextEncoder().encode(head), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** One character per document: kind (tool/server), category and severity, for filtering without fetching documents. */
export const CATEGORIES = ['read', 'write', 'execute', 'destructive', 'financial', 'unknown'];
export const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const FACET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function facetChar(kind, category, severity) {
  const c = Math.max(0, CATEGORIES.indexOf(category));
  const s = Math.max(0, SEVERITIES.indexOf(severity));
  return FACET_ALPHABET[(kind === 'server' ? 32 : 0) + c * 4 + s];
}

export function decodeFacet(char) {
  const n = FACET_ALPHABET.indexOf(char);
  return { kind: n >= 32 ? 'server' : 'tool', category: CATEGORIES[Math.floor((n % 32) / 4)], severity: SEVERITIES[n % 4] };
}
