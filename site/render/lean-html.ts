/**
 * Astro escapes `"` and `'` in text as `&quot;` and `&#39;` (6 and 5 bytes). In text (outside tags, and outside
 * the raw text of <script> and <style>) both characters mean nothing to the HTML parser, so a rendered page
 * carries them as themselves: a JSON schema, a policy or an install snippet shown in a <pre> is a third smaller.
 * `&`, `<` and `>` stay escaped, and attribute values (which Astro writes double-quoted, with `&#34;`) are
 * copied untouched.
 */
const TOKEN = /(<(script|style)\b[^>]*>[\s\S]*?<\/\2\s*>|<!--[\s\S]*?-->|<[^>"]*(?:"[^"]*"[^>"]*)*>)|&quot;|&#39;/gi;

export function leanText(html: string): string {
  return html.replace(TOKEN, (match, markup: string | undefined) => markup ?? (match === '&quot;' ? '"' : "'"));
}
