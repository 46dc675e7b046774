import { severityRank } from '../../classifier/index.ts';
import type { FilterGroup } from '../render/lists.ts';
import type { ServerRowModel, ToolRowModel } from '../render/view-models.ts';
import type { ListViewProps } from '../render/views.ts';

/**
 * Tables, badges, filter chips and whole list pages as HTML strings, for the components to insert with `set:html`
 * (and for the list pages' shell, see site/render/render.ts). A list page has up to 200 rows of five cells and three
 * badges: as Astro expressions and components, each one a render call of its own, it took ≈ 6.6 ms to render; with
 * its rows as one string ≈ 0.9 ms, and made as a string altogether ≈ 0.5 ms (bench/RESULTS.md). The escaping is
 * Astro's own: text as its `escapeHTML` (html-escaper), attribute values as its `addAttribute` (`&` and `"`). Every
 * value from a server goes through one of the two.
 */

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&#39;', '"': '&quot;' };

/** Text content, escaped as Astro escapes an expression's text. */
export function escapeText(value: string | number): string {
  return String(value).replace(/[&<>'"]/g, (c) => TEXT_ESCAPES[c]);
}

/** An attribute value (written double-quoted), escaped as Astro escapes one. */
export function escapeAttribute(value: string | number): string {
  return String(value).replace(/&/g, '&#38;').replace(/"/g, '&#34;');
}

export interface BadgesInput {
  category?: string;
  severity?: string;
  flags?: readonly string[];
  /** Each badge links to its browse page. */
  link?: boolean;
}

/** Category, severity and flag badges for one classification. */
export function badgesHtml({ category, severity, flags = [], link = false }: BadgesInput): string {
  const badge = (className: string, href: string, label: string) =>
    link
      ? `<a class="${escapeAttribute(className)}" href="${escapeAttribute(href)}">${escapeText(label)}</a>`
      : `<span class="${escapeAttribute(className)}">${escapeText(label)}</span>`;
  let html = '';
  if (category) html += badge('badge cat', `/browse/category/${category}/`, category);
  if (severity) html += badge(`badge sev-${severity}`, `/browse/severity/${severity}/`, severity);
  for (const flag of flags) html += badge(`badge flag flag-${flag}`, `/browse/flag/${flag.replaceAll('_', '-')}/`, flag.replaceAll('_', ' '));
  return html;
}

export interface ToolRowsOptions {
  showServer: boolean;
  /** A column left out because every row has the same value in it. */
  hide?: 'category' | 'severity';
  /** The URL of the page the table is on, when every tool is under it: links are then relative to it. */
  relativeTo?: string;
}

/** The rows of a tool table. */
export function toolRowsHtml(tools: readonly ToolRowModel[], { showServer, hide, relativeTo }: ToolRowsOptions): string {
  const href = (url: string) => (relativeTo && url.startsWith(relativeTo) ? url.slice(relativeTo.length) : url);
  let html = '';
  for (const t of tools) {
    html += `<tr><td><a href="${escapeAttribute(href(t.url))}">${escapeText(t.name)}</a></td>`;
    if (showServer) html += `<td><a href="${escapeAttribute(t.serverUrl)}">${escapeText(t.serverId)}</a></td>`;
    if (hide !== 'category') html += `<td>${badgesHtml({ category: t.category })}</td>`;
    if (hide !== 'severity') html += `<td data-value="${severityRank(t.severity)}">${badgesHtml({ severity: t.severity })}</td>`;
    html += `<td>${badgesHtml({ flags: t.flags })}</td></tr>`;
  }
  return html;
}

/** The rows of a server table. */
export function serverRowsHtml(servers: readonly ServerRowModel[]): string {
  let html = '';
  for (const s of servers) {
    html += `<tr><td><a href="${escapeAttribute(s.url)}">${escapeText(s.id)}</a>`;
    if (s.title) html += `<div class="muted small">${escapeText(s.title)}</div>`;
    if (s.lethalTrifecta) html += ` ${badgesHtml({ flags: ['lethal_trifecta'] })}`;
    html += `</td><td data-value="${escapeAttribute(s.grade)}"><span class="grade grade-${escapeAttribute(s.grade === '?' ? 'none' : s.grade)}">${escapeText(s.grade)}</span></td>`;
    html += `<td data-value="${s.toolCount}">${s.toolCount}</td>`;
    html += `<td data-value="${s.worstSeverity ? severityRank(s.worstSeverity) + 1 : 0}">`;
    html += s.worstSeverity ? badgesHtml({ severity: s.worstSeverity }) : '<span class="muted">—</span>';
    html += `</td><td>${escapeText(s.lastOutcome ?? 'never')}</td></tr>`;
  }
  return html;
}

/** A sortable table with the text filter above it (site.js wires the filter to the table that follows). */
function sortableTable(noun: string, count: number, className: string | null, headings: readonly string[], rows: string): string {
  const classAttribute = className ? ` class="${className}"` : '';
  return (
    `<div class="table-tools"><input type="text" placeholder="Filter this table" aria-label="Filter this table" data-filter-table> ` +
    `<span class="muted small">${count} ${noun} · sort by a column heading</span></div>` +
    `<div class="scroll"><table${classAttribute} data-sortable><thead><tr>${headings.join('')}</tr></thead><tbody>${rows}</tbody></table></div>`
  );
}

/** A column heading that sorts the table by its text or its cells' `data-value` numbers. */
const sortBy = (sort: 'text' | 'num', label: string) => `<th data-sort="${sort}"><button type="button">${label}</button></th>`;

/** A sortable, filterable table of tools. */
export function toolTableHtml(tools: readonly ToolRowModel[], options: ToolRowsOptions): string {
  const headings = [sortBy('text', 'Tool')];
  if (options.showServer) headings.push(sortBy('text', 'Server'));
  if (options.hide !== 'category') headings.push(sortBy('text', 'Category'));
  if (options.hide !== 'severity') headings.push(sortBy('num', 'Severity'));
  headings.push('<th>Flags</th>');
  return sortableTable('tools', tools.length, 'tools', headings, toolRowsHtml(tools, options));
}

/** A sortable, filterable table of servers. */
export function serverTableHtml(servers: readonly ServerRowModel[]): string {
  const headings = [sortBy('text', 'Server'), sortBy('text', 'Grade'), sortBy('num', 'Tools'), sortBy('num', 'Worst severity'), sortBy('text', 'Last crawl')];
  return sortableTable('servers', servers.length, null, headings, serverRowsHtml(servers));
}

/** Rows of filter chips; each chip links to the list it selects. */
export function filtersHtml(groups: readonly FilterGroup[]): string {
  let html = '';
  for (const g of groups) {
    html += `<div class="chips"><span class="label">${escapeText(g.label)}</span><div class="chip-list">`;
    for (const c of g.chips) {
      const count = c.count !== undefined ? ` (${c.count.toLocaleString('en-US')})` : '';
      html += `<a class="${c.on ? 'chip on' : 'chip'}" href="${escapeAttribute(c.href)}">${escapeText(c.label + count)}</a>`;
    }
    html += '</div></div>';
  }
  return html;
}

/**
 * Links between the pages of a list. Only the first page knows how many there are and links to the last: a later
 * page links to its neighbours, so a page added or removed elsewhere in the list leaves it as it is.
 */
export function pagerHtml({ base, pages, last, previous, next }: Pick<ListViewProps, 'base' | 'pages' | 'last' | 'previous' | 'next'>): string {
  if (!previous && !next) return '';
  const link = (href: string | null, label: string, rel = '') =>
    href ? `<a href="${escapeAttribute(href)}"${rel && ` rel="${rel}"`}>${label}</a>` : `<span>${label}</span>`;
  let html = `<nav class="pager" aria-label="Pages">${link(previous && base, '« First')}${link(previous, '‹ Previous', 'prev')}`;
  if (pages !== null) html += `<span>Page 1 of ${pages}</span>`;
  html += link(next, 'Next ›', 'next');
  if (last !== null) html += link(next && last, 'Last »');
  return `${html}</nav>`;
}

/** A list page's title: a later page names its first row. */
export function listTitle(p: Pick<ListViewProps, 'title' | 'from'>): string {
  return p.from !== null ? `${p.title} (from ${p.from})` : p.title;
}

/** What a list page shows inside the page shell (see site/render/render.ts): one page of a list of tools or servers. */
export function listBodyHtml(p: ListViewProps): string {
  const pager = pagerHtml(p);
  const total = p.total !== null ? ` ${p.total.toLocaleString('en-US')} in all.` : '';
  let html = `<h1>${escapeText(p.title)}</h1><p class="lede">${escapeText(p.intro + total)}</p>${filtersHtml(p.filters)}${pager}`;
  if (p.tools) html += toolTableHtml(p.tools, { showServer: true, hide: p.hide });
  if (p.servers) html += serverTableHtml(p.servers);
  if ((p.tools ?? p.servers ?? []).length === 0) html += '<p class="muted">Nothing here yet.</p>';
  return html + pager;
}
