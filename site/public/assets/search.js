// The search page: loads only the index shards of the words typed. Results are built with textContent only.
import { stemmer } from './stemmer.js';
import { decodeFacet, hasFlag, idsWithinFiles, prefixKey, SEVERITIES, shardKey, tokenizer } from './tokenize.js';

// Relative to this script, so the site works under any base path.
const BASE = new URL('../search-index/', import.meta.url).pathname;
const MAX_RESULTS = 50;
/** With a server filter, documents are fetched to read their server: at most this many slots' files per query. */
const MAX_DOC_SLOTS = 40 * 1024;
const { query: parseQuery } = tokenizer(stemmer);
const cache = new Map();
const form = document.getElementById('search-form');
const input = document.getElementById('search-q');
const controls = {
  category: document.getElementById('search-category'),
  severity: document.getElementById('search-severity'),
  flag: document.getElementById('search-flag'),
  server: document.getElementById('search-server'),
  sort: document.getElementById('search-sort'),
};
const status = document.getElementById('search-status');
const list = document.getElementById('search-results');
let meta = null;
let shardKeys = new Set();
let prefixKeys = new Set();
let facets = '';
let flags = '';
let generation = 0;

function fetchJson(url) {
  if (!cache.has(url)) {
    cache.set(
      url,
      fetch(url)
        .then((r) => (r.ok ? r.json() : null))
        .catch(() => null),
    );
  }
  return cache.get(url);
}

function fetchText(url) {
  return fetch(url)
    .then((r) => (r.ok ? r.text() : ''))
    .catch(() => '');
}

async function ready() {
  if (meta) return;
  [meta, facets, flags] = await Promise.all([fetchJson(`${BASE}meta.json`), fetchText(`${BASE}facets.txt`), fetchText(`${BASE}flags.txt`)]);
  shardKeys = new Set(meta?.shards ?? []);
  prefixKeys = new Set(meta?.prefixes ?? []);
}

/** A term shard, or {} when the index has none for the term (never a request that would 404). */
async function shardOf(term) {
  const key = shardKey(term);
  return shardKeys.has(key) ? (await fetchJson(`${BASE}terms/${key}.json`)) || {} : {};
}

function decode(gaps) {
  const ids = [];
  let id = 0;
  if (!gaps) return ids;
  for (const gap of gaps.split(',')) {
    id += parseInt(gap, 36);
    ids.push(id);
  }
  return ids;
}

/** Adds a term's documents to `scores`: a name match beats a description match, an exact term beats a prefix. */
function addTerm(scores, entry, exact) {
  const [names, descriptions] = entry;
  for (const id of decode(names)) scores.set(id, Math.max(scores.get(id) || 0, exact ? 10 : 6));
  for (const id of decode(descriptions)) scores.set(id, Math.max(scores.get(id) || 0, exact ? 2 : 1));
}

/**
 * Documents matching one term. With `prefix`, terms that start with it match too: from three characters, the
 * term's own shard holds them all; a two-character prefix expands to its most frequent terms (prefixes/).
 */
async function matchTerm(term, prefix) {
  const scores = new Map();
  const short = Array.from(term).length < 3;
  const shard = short && prefix ? {} : await shardOf(term);
  if (Object.hasOwn(shard, term)) addTerm(scores, shard[term], true);
  if (!prefix) return scores;
  if (!short) {
    for (const other of Object.keys(shard)) if (other !== term && other.startsWith(term)) addTerm(scores, shard[other], false);
    return scores;
  }
  const key = prefixKey(term);
  const frequent = prefixKeys.has(key) ? (await fetchJson(`${BASE}prefixes/${key}.json`)) || [] : [];
  for (const other of frequent) {
    if (!other.startsWith(term)) continue;
    const theirs = await shardOf(other);
    if (Object.hasOwn(theirs, other)) addTerm(scores, theirs[other], other === term);
  }
  return scores;
}

/** Keeps the documents in every map, summing their scores. */
function intersect(maps) {
  if (maps.length === 0) return new Map();
  const sorted = [...maps].sort((a, b) => a.size - b.size);
  const total = new Map(sorted[0]);
  for (const scores of sorted.slice(1)) {
    for (const [id, score] of total) {
      const other = scores.get(id);
      if (other === undefined) total.delete(id);
      else total.set(id, score + other);
    }
  }
  return total;
}

/** A group matches documents holding its whole word, or all of its parts; the last group matches as a prefix. */
async function matchGroup(group, prefix) {
  const whole = group.whole === null ? new Map() : await matchTerm(group.whole, prefix);
  if (prefix && group.raw !== group.whole && group.whole !== null) {
    for (const [id, score] of await matchTerm(group.raw, true)) whole.set(id, Math.max(whole.get(id) || 0, score));
  }
  if (group.parts.length < 2) return whole;
  const parts = intersect(await Promise.all(group.parts.map((p, i) => matchTerm(p, prefix && i === group.parts.length - 1))));
  for (const [id, score] of parts) whole.set(id, Math.max(whole.get(id) || 0, score));
  return whole;
}

async function docOf(id) {
  const shard = await fetchJson(`${BASE}docs/${Math.floor(id / meta.docsPerShard)}.json`);
  return shard ? shard[id % meta.docsPerShard] : null;
}

async function search(text, filters) {
  await ready();
  const groups = parseQuery(text);
  if (groups.length === 0) return null;
  const perGroup = await Promise.all(groups.map((g, i) => matchGroup(g, i === groups.length - 1)));
  const hits = [];
  for (const [id, score] of intersect(perGroup)) {
    const facet = decodeFacet(facets[id] || 'A');
    if (filters.category && (facet.kind !== 'tool' || facet.category !== filters.category)) continue;
    if (filters.severity && facet.severity !== filters.severity) continue;
    if (filters.flag && !hasFlag(flags[id], filters.flag)) continue;
    hits.push({ id, score: score + (facet.kind === 'server' ? 1 : 0), severity: SEVERITIES.indexOf(facet.severity) });
  }
  if (filters.sort === 'severity') hits.sort((a, b) => b.severity - a.severity || b.score - a.score || a.id - b.id);
  else hits.sort((a, b) => b.score - a.score || a.id - b.id);
  if (!filters.server) {
    const docs = await Promise.all(hits.slice(0, MAX_RESULTS).map((h) => docOf(h.id)));
    return { count: hits.length, exact: true, docs: docs.filter(Boolean) };
  }
  // The server filter reads the hits' documents in rank order, up to a bound on the files read (fetched together).
  const wanted = filters.server.toLowerCase();
  const maxFiles = Math.max(1, Math.floor(MAX_DOC_SLOTS / meta.docsPerShard));
  const reach = idsWithinFiles(
    hits.map((h) => h.id),
    meta.docsPerShard,
    maxFiles,
  );
  const matching = (await Promise.all(hits.slice(0, reach).map((h) => docOf(h.id)))).filter((doc) => doc && String(doc[2]).toLowerCase().includes(wanted));
  const count = matching.length;
  const exact = reach === hits.length;
  const docs = matching.slice(0, MAX_RESULTS);
  return { count, exact, docs };
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** "No matches.", "1 match.", "1,234 matches, showing the best 50." */
export function statusText(count, exact) {
  if (count === 0) return exact ? 'No matches.' : 'No matches among the documents read.';
  const n = count.toLocaleString('en-US') + (exact ? '' : '+');
  const noun = count === 1 && exact ? 'match' : 'matches';
  return `${n} ${noun}${count > MAX_RESULTS ? `, showing the best ${MAX_RESULTS}` : ''}.`;
}

function render(result) {
  list.replaceChildren();
  if (!result) {
    status.textContent = 'Type at least two characters.';
    return;
  }
  status.textContent = statusText(result.count, result.exact);
  for (const [kind, name, server, url, cat, sev, snippet] of result.docs) {
    const item = el('li');
    const link = el('a', 'mono', name);
    link.href = url;
    item.append(link, ' ');
    if (kind === 0) {
      item.append(el('span', 'muted small', `on ${server} `), el('span', 'badge cat', cat), ' ');
    } else {
      item.append(el('span', 'muted small', 'server '));
    }
    if (sev) item.append(el('span', `badge sev-${sev}`, sev));
    if (snippet) item.append(el('div', 'snippet', snippet));
    list.append(item);
  }
}

function filters() {
  return Object.fromEntries(Object.entries(controls).map(([key, control]) => [key, control.value.trim()]));
}

async function run() {
  const mine = ++generation;
  const chosen = filters();
  const params = new URLSearchParams({ q: input.value });
  for (const [key, value] of Object.entries(chosen)) if (value && !(key === 'sort' && value === 'relevance')) params.set(key, value);
  history.replaceState(null, '', `?${params.toString()}`);
  status.textContent = 'Searching…';
  const result = await search(input.value, chosen);
  if (mine === generation) render(result);
}

const initial = new URLSearchParams(location.search);
input.value = initial.get('q') || '';
for (const [key, control] of Object.entries(controls)) control.value = initial.get(key) || (key === 'sort' ? 'relevance' : '');
let timer = 0;
const later = () => {
  clearTimeout(timer);
  timer = setTimeout(run, 150);
};
input.addEventListener('input', later);
controls.server.addEventListener('input', later);
for (const key of ['category', 'severity', 'flag', 'sort']) controls[key].addEventListener('change', run);
form.addEventListener('submit', (event) => {
  event.preventDefault();
  run();
});
if (input.value) run();
