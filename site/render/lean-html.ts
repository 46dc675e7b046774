/**
 * A rendered page as markup and text. Astro writes every attribute value double-quoted (a `"` in it as `&#34;`)
 * and escapes `<` in text, so a tag is `<` up to the first `>` outside double quotes; <script> and <style> hold raw
 * text up to their end tag; the rest is text.
 */
/** What follows a tag's `<` (its name, then its attributes) up to the first `>` outside double quotes. */
const TAG_REST = '[^>"]*(?:"[^"]*"[^>"]*)*>';
const TAG_SOURCE = `<${TAG_REST}`;
const RAW_START_SOURCE = String.raw`<(script|style)\b${TAG_REST}`;
const MARKUP = new RegExp(String.raw`(${RAW_START_SOURCE})([\s\S]*?)(<\/\2\s*>)|<!--[\s\S]*?-->|${TAG_SOURCE}`, 'gi');

export interface HtmlEdit {
  /** Each tag (start tags of <script> and <style> too); `next()` is the start of what follows it, whitespace skipped. */
  tag?: (tag: string, next: () => string) => string;
  /** Each run of text outside tags, comments and raw text. */
  text?: (text: string) => string;
}

/** The page with its tags and its text edited apart; comments and the raw text of <script> and <style> stay as they are. */
export function mapHtml(html: string, edit: HtmlEdit): string {
  const tag = edit.tag ?? ((t: string) => t);
  const text = edit.text ?? ((t: string) => t);
  let out = '';
  let last = 0;
  for (const m of html.matchAll(MARKUP)) {
    if (m.index > last) out += text(html.slice(last, m.index));
    last = m.index + m[0].length;
    if (m[1] !== undefined) out += tag(m[1], () => m[3].trimStart().slice(0, 8)) + m[3] + m[4];
    else if (m[0].startsWith('<!--')) out += m[0];
    else out += tag(m[0], () => following(html, last));
  }
  return last < html.length ? out + text(html.slice(last)) : out;
}

/** Where each comment that is exactly `comment` starts: a token of the page, not text inside a tag's attribute value. */
export function commentsAt(html: string, comment: string): number[] {
  const at: number[] = [];
  for (const m of html.matchAll(MARKUP)) if (m[0] === comment) at.push(m.index);
  return at;
}

/** The first characters from `from` on, whitespace skipped. */
function following(html: string, from: number): string {
  let next = from;
  while (next < html.length && /\s/.test(html[next])) next++;
  return html.slice(next, next + 8);
}

/**
 * End tags the HTML parser implies (https://html.spec.whatwg.org/#optional-tags), each with what must follow it
 * for the tag to be left out: only where the parser closes the element at the very same place.
 */
const IMPLIED: Record<string, RegExp> = {
  '</td>': /^<(td|th|\/tr)\b/i,
  '</th>': /^<(td|th|\/tr)\b/i,
  '</tr>': /^<(tr|\/tbody|\/thead|\/table)\b/i,
  '</thead>': /^<tbody\b/i,
  '</li>': /^<(li|\/ul|\/ol)\b/i,
  '</dt>': /^<(dt|dd)\b/i,
  '</dd>': /^<(dt|dd|\/dl)\b/i,
  '</p>': /^<(p|div|h[1-6]|ul|ol|dl|table|pre|details|form|nav|section|header|footer)\b/i,
};

/**
 * A rendered page without what the browser does not need, parsed to the same document:
 * - Astro escapes `"` and `'` in text as `&quot;` and `&#39;` (6 and 5 bytes). In text both mean nothing to the
 *   parser, so they are written as themselves (a JSON schema, a policy or an install snippet in a <pre> is a
 *   third smaller). `&`, `<` and `>` stay escaped; attribute values, comments and raw text are copied untouched.
 * - End tags the parser implies (`</td>`, `</tr>`, `</li>`, `</dd>`…) are left out where the next tag closes the
 *   element anyway.
 *
 * What `mapHtml` with those two edits gives, but every page of a build passes through here (a list page has
 * ≈ 1,500 tags), so tokens are found without a match object each and only the edits are copied out: 2.5 times
 * faster than through `mapHtml` (bench/RESULTS.md).
 */
export function leanHtml(html: string): string {
  let out = '';
  /** html up to here is in `out`, edited. */
  let copied = 0;
  /** The first `&` after the last token. */
  let amp = html.indexOf('&');
  const text = (start: number, end: number) => {
    if (amp === -1 || amp >= end) return;
    const before = html.slice(start, end);
    const lean = before.replaceAll('&quot;', '"').replaceAll('&#39;', "'");
    if (lean.length === before.length) return;
    out += html.slice(copied, start) + lean;
    copied = end;
  };
  let last = 0;
  for (let lt = html.indexOf('<'); lt !== -1; lt = html.indexOf('<', lt)) {
    const end = tokenEnd(html, lt);
    if (end === -1) {
      lt++;
      continue;
    }
    if (lt > last) text(last, lt);
    last = end;
    if (amp !== -1 && amp < end) amp = html.indexOf('&', end);
    if (end - lt <= LONGEST_IMPLIED && html.charCodeAt(lt + 1) === SLASH) {
      const closes = IMPLIED[html.slice(lt, end)];
      if (closes?.test(following(html, end))) {
        out += html.slice(copied, lt);
        copied = end;
      }
    }
    lt = end;
  }
  if (last < html.length) text(last, html.length);
  return copied === 0 ? html : out + html.slice(copied);
}

const SLASH = 0x2f;
const LONGEST_IMPLIED = Math.max(...Object.keys(IMPLIED).map((tag) => tag.length));
/** MARKUP's alternatives one at a time, each at the place it is set to (sticky), without captures but the raw text's element. */
const RAW_START = new RegExp(RAW_START_SOURCE, 'iy');
const TAG = new RegExp(TAG_SOURCE, 'y');

/** Where the token MARKUP matches at the `<` at `lt` ends, trying its alternatives in its order; -1 if none matches there. */
function tokenEnd(html: string, lt: number): number {
  if ((html.charCodeAt(lt + 1) | 0x20) === 0x73 /* s or S */) {
    RAW_START.lastIndex = lt;
    const start = RAW_START.exec(html);
    if (start !== null) {
      const close = new RegExp(`<\\/${start[1]}\\s*>`, 'gi');
      close.lastIndex = RAW_START.lastIndex;
      if (close.test(html)) return close.lastIndex;
    }
  } else if (html.startsWith('<!--', lt)) {
    const close = html.indexOf('-->', lt + 4);
    if (close !== -1) return close + 3;
  }
  TAG.lastIndex = lt;
  return TAG.test(html) ? TAG.lastIndex : -1;
}
