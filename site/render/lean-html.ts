/**
 * A rendered page as markup and text. Astro writes every attribute value double-quoted (a `"` in it as `&#34;`)
 * and escapes `<` in text, so a tag is `<` up to the first `>` outside double quotes; <script> and <style> hold raw
 * text up to their end tag; the rest is text.
 */
const MARKUP = /(<(script|style)\b[^>"]*(?:"[^"]*"[^>"]*)*>)([\s\S]*?)(<\/\2\s*>)|<!--[\s\S]*?-->|<[^>"]*(?:"[^"]*"[^>"]*)*>/gi;

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
 */
export function leanHtml(html: string): string {
  return mapHtml(html, {
    text: (t) => (t.includes('&') ? t.replaceAll('&quot;', '"').replaceAll('&#39;', "'") : t),
    tag: (t, next) => (IMPLIED[t]?.test(next()) ? '' : t),
  });
}
