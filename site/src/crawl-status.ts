import type { ServerPageModel } from '../render/view-models.ts';
import { utcMinute } from './format.ts';
import { escapeAttribute, escapeText } from './html.ts';

/** What a server page shows of its crawl status: the model's fields a nightly crawl moves (see pageCrawlStatus). */
export type PageCrawlStatus = Pick<ServerPageModel, 'lastOutcome' | 'lastAttempt' | 'lastSuccessAt'>;

/**
 * The comments around each crawl-status fragment of a server page. A comment is a token of its own to the page's
 * tokenizer (see lean-html.ts): the fragment between them becomes the same bytes wherever it stands, so a new crawl
 * status can be spliced into the last build's page (see server-page.ts). No server's text can make one: `<` is
 * escaped in text, and a tag's attribute values are part of the tag.
 */
export const CRAWL_STATUS_START = '<!--crawl-status-->';
export const CRAWL_STATUS_END = '<!--/crawl-status-->';

/** The server page's two crawl-status fragments, each between its comments: the summary's "Last crawl", and the section of that name. */
export function crawlStatusHtml(status: PageCrawlStatus): [summary: string, section: string] {
  const last = status.lastAttempt;
  const date = (iso: string | null) => (iso ? `${utcMinute(iso)} UTC` : 'never');
  const time = last ? `<time datetime="${escapeAttribute(last.at)}">${escapeText(date(last.at))}</time>` : '';
  const howItWent = last
    ? `${last.outcome === 'ok' ? 'succeeded' : last.outcome.replaceAll('_', ' ')}${last.toolCount !== null && last.outcome === 'ok' ? `, ${last.toolCount} ${last.toolCount === 1 ? 'tool' : 'tools'}` : ''}${last.durationMs !== null ? ` in ${(last.durationMs / 1000).toFixed(1)} s` : ''}`
    : '';
  const summary = last ? `${time}<span class="small muted block">${escapeText(howItWent)}</span>` : 'never';
  const section = last
    ? `<p>${time}: ${escapeText(howItWent)}. Last successful listing: ${escapeText(date(status.lastSuccessAt))}.</p>${last.error ? `<pre class="desc">${escapeText(last.error)}</pre>` : ''}`
    : '<p class="muted">Not crawled yet.</p>';
  return [summary, section].map((html) => `${CRAWL_STATUS_START}${html}${CRAWL_STATUS_END}`) as [string, string];
}
