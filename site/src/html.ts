import { severityRank } from '../../classifier/index.ts';
import type { ServerRowModel, ToolRowModel } from '../render/view-models.ts';

/**
 * Table rows and badges as HTML strings, for the components to insert with `set:html`. A list page has up to 200
 * rows of five cells and three badges: as Astro expressions and components, each one a render call of its own, it
 * took ≈ 6.6 ms to render; as one string, ≈ 0.9 ms (bench/RESULTS.md). The escaping is Astro's own, so the page is
 * the one the components wrote but for whitespace inside `<tbody>`: text as Astro's `escapeHTML` (html-escaper),
 * attribute values as its `addAttribute` (`&` and `"`). Every value from a server goes through one of the two.
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
