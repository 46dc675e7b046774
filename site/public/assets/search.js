// The search page: loads only the index shards of the words typed. Results are built with textContent only.
import { decodeFacet, shardKey, STOPWORDS, tokenize } from './tokenize.js';

// Relative to this script, so the site works under any base path.
const BASE = new URL('../search-index/', import.meta.url).pathname;
const MAX_RESULTS = 50;
const cache = new Map();
const form = document.getElementById('search-form');
const input = document.getElementById('search-q');
const category = document.getElementById('search-category');
const severity = document.getElementById('search-severity');
const status = document.getElementById('search-status');
const list = document.getElementById('search-results');
let meta = null;
let facets = '';
let generation = 0;

function fetchJson(url) {
  if (!cache.has(url)) {
    cache.set(url, fetch(url).then((r) => (r.ok ? r.json() : null)).catch(() => null));
  }
  return cache.get(url);
}

async function ready() {
  if (meta) return;
  meta = await fetchJson(BASE + 'meta.json');
  facets = await fetch(BASE + 'facets.txt').then((r) => (r.ok ? r.text() : ''));
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

/** Scores of the documents matching one query word: exact term beats prefix; name beats description. */
async function matchWord(word, prefix) {
  const shard = (await fetchJson(BASE + 'terms/' + shardKey(word) + '.json')) || {};
  const scores = new Map();
  for (const term of Object.keys(shard)) {
    const exact = term === word;
    if (!exact && !(prefix && term.startsWith(word))) continue;
    const [names, descriptions] = shard[term];
    for (const id of decode(names)) scores.set(id, Math.max(scores.get(id) || 0, exact ? 10 : 6));
    for (const id of decode(descriptions)) scores.set(id, Math.max(scores.get(id) || 0, exact ? 2 : 1));
  }
  return scores;
}

async function search(query, filters) {
  await ready();
  let words = [...new Set(tokenize(query))];
  const meaningful = words.filter((w) => !STOPWORDS.has(w));
  if (meaningful.length > 0) words = meaningful;
  if (words.length === 0) return null;
  const last = words[words.length - 1];
  const perWord = await Promise.all(words.map((w) => matchWord(w, w === last && w.length >= 3)));
  perWord.sort((a, b) => a.size - b.size);
  const total = new Map(perWord[0]);
  for (const scores of perWord.slice(1)) {
    for (const [id, score] of total) {
      const other = scores.get(id);
      if (other === undefined) total.delete(id);
      else total.set(id, score + other);
    }
  }
  const hits = [];
  for (const [id, score] of total) {
    const facet = decodeFacet(facets[id] || 'A');
    if (filters.category && (facet.kind !== 'tool' || facet.category !== filters.category)) continue;
    if (filters.severity && facet.severity !== filters.severity) continue;
    hits.push([id, score + (facet.kind === 'server' ? 1 : 0)]);
  }
  hits.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  const top = hits.slice(0, MAX_RESULTS);
  const docs = await Promise.all(
    top.map(async ([id]) => {
      const shard = await fetchJson(BASE + 'docs/' + Math.floor(id / meta.docsPerShard) + '.json');
      return shard ? shard[id % meta.docsPerShard] : null;
    }),
  );
  return { count: hits.length, docs: docs.filter(Boolean) };
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render(result) {
  list.replaceChildren();
  if (!result) {
    status.textContent = 'Type at least two characters.';
    return;
  }
  status.textContent =
    result.count === 0 ? 'No matches.' : `${result.count.toLocaleString('en-US')} matches${result.count > MAX_RESULTS ? `, showing the best ${MAX_RESULTS}` : ''}.`;
  for (const [kind, name, server, url, cat, sev, snippet] of result.docs) {
    const item = el('li');
    const link = el('a', 'mono', name);
    link.href = url;
    item.append(link, ' ');
    if (kind === 0) {
      item.append(el('span', 'muted small', 'on ' + server + ' '), el('span', 'badge cat', cat), ' ');
    } else {
      item.append(el('span', 'muted small', 'server '));
    }
    if (sev) item.append(el('span', 'badge sev-' + sev, sev));
    if (snippet) item.append(el('div', 'snippet', snippet));
    list.append(item);
  }
}

async function run() {
  const mine = ++generation;
  const params = new URLSearchParams({ q: input.value });
  if (category.value) params.set('category', category.value);
  if (severity.value) params.set('severity', severity.value);
  history.replaceState(null, '', '?' + params.toString());
  status.textContent = 'Searching…';
  const result = await search(input.value, { category: category.value, severity: severity.value });
  if (mine === generation) render(result);
}

const initial = new URLSearchParams(location.search);
input.value = initial.get('q') || '';
category.value = initial.get('category') || '';
severity.value = initial.get('severity') || '';
let timer = 0;
input.addEventListener('input', () => {
  clearTimeout(timer);
  timer = setTimeout(run, 150);
});
category.addEventListener('change', run);
severity.addEventListener('change', run);
form.addEventListener('submit', (event) => {
  event.preventDefault();
  run();
});
if (input.value) run();
