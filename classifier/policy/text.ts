/**
 * Writing attacker-chosen names into policy files. Tool and server names come from servers and users; in a
 * policy they must stay data. One quoted-string writer serves JSON, YAML (1.1 and 1.2) and TOML: a
 * double-quoted string whose escapes (\" \\ \b \t \n \f \r \uXXXX) mean the same in all three.
 */

/** Characters that are escaped as \uXXXX: controls, DEL, C1 controls, line/paragraph separators, BOM, non-characters. */
const ESCAPED = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g;
const SHORT: Record<string, string> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

/** A lone UTF-16 surrogate cannot be written as UTF-8, nor escaped in TOML or YAML. */
export function hasLoneSurrogate(text: string): boolean {
  return /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

/** `text` as a double-quoted string that JSON, YAML and TOML all parse back to exactly `text`. */
export function quoted(text: string): string {
  if (hasLoneSurrogate(text)) throw new Error(`cannot write a string with a lone surrogate: ${JSON.stringify(text)}`);
  const body = text.replace(/["\\]/g, (c) => `\\${c}`).replace(ESCAPED, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${body}"`;
}

/** Byte-order comparison of names, so output does not depend on the locale. */
export function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
