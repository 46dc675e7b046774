/**
 * A rendered page as markup and text. Astro writes every attribute value double-quoted (a `"` in it as `&#34;`)
 * and escapes `<` in text, so a tag is `<` up to the first `>` outside double quotes; <script> and <style> hold raw
 * text up to their end tag; the rest is text.
 */
const MARKUP = /(<(script|style)\b[^>"]*(?:"[^"]*"[^>"]*)*>)([\s\S]*?)(<\/\2\s*>)|<!--[\s\S]*?-->|<[^>"]*(?:"[^"]*"[^>"]*)*>/gi;

/** The page with `tag` applied to every tag (start tags of <script> and <style> too) and `text` to every run of text. */
export function mapHtml(html: string, edit: { tag?: (tag: string) => string; text?: (text: string) => string }): string {
  const tag = edit.tag ?? ((t: string) => t);
  const text = edit.text ?? ((t: string) => t);
  let out = '';
  let last = 0;
  for (const m of html.matchAll(MARKUP)) {
    if (m.index > last) out += text(html.slice(last, m.index));
    if (m[1] !== undefined) out += tag(m[1]) + m[3] + m[4];
    else out += m[0].startsWith('<!--') ? m[0] : tag(m[0]);
    last = m.index + m[0].length;
  }
  return last < html.length ? out + text(html.slice(last)) : out;
}

/**
 * Astro escapes `"` and `'` in text as `&quot;` and `&#39;` (6 and 5 bytes). In text both characters mean
 * nothing to the HTML parser, so a rendered page carries them as themselves: a JSON schema, a policy or an
 * install snippet shown in a <pre> is a third smaller. `&`, `<` and `>` stay escaped; tags (attribute values
 * included), comments and the raw text of <script> and <style> are copied untouched.
 */
export function leanText(html: string): string {
  return mapHtml(html, { text: (t) => t.replaceAll('&quot;', '"').replaceAll('&#39;', "'") });
}
