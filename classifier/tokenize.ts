/**
 * Turning tool names and descriptions into the words the rule tables are written in.
 * Everything here is on the hot path: no regexes per word, few allocations.
 */

/**
 * Splits a tool name into lower-case words: snake_case, camelCase, kebab-case, dots, slashes and
 * namespaces (`mcp__server__tool` keeps only the tool part; `jira_get_issue` keeps `jira` as a word,
 * the verb tables simply skip it).
 */
export function tokenizeName(name: string): string[] {
  const doubleUnderscore = name.lastIndexOf('__');
  const local = doubleUnderscore > 0 && doubleUnderscore < name.length - 2 ? name.slice(doubleUnderscore + 2) : name;
  return splitWords(local);
}

const OTHER = 0;
const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;

function kindOf(code: number): number {
  if (code >= 97 && code <= 122) return LOWER;
  if (code >= 65 && code <= 90) return UPPER;
  if (code >= 48 && code <= 57) return DIGIT;
  return OTHER;
}

/**
 * Lower-case words of any identifier-like text. Anything but ASCII letters and digits separates words;
 * a capital after a small letter or digit starts one (`getUser`, `v2Users`), and so does the last capital
 * of an acronym before small letters (`HTTPRequest` → http, request). Digits stay in their word (`s3`, `oauth2`).
 */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  let prev = OTHER;
  for (let i = 0; i < text.length; i++) {
    const kind = kindOf(text.charCodeAt(i));
    if (kind === OTHER) {
      if (start >= 0) out.push(text.slice(start, i).toLowerCase());
      start = -1;
    } else if (start < 0) {
      start = i;
    } else if (kind === UPPER && prev !== UPPER) {
      out.push(text.slice(start, i).toLowerCase());
      start = i;
    } else if (kind === LOWER && prev === UPPER && i - 1 > start) {
      out.push(text.slice(start, i - 1).toLowerCase());
      start = i - 1;
    }
    prev = kind;
  }
  if (start >= 0) out.push(text.slice(start).toLowerCase());
  return out;
}

const SENTENCE_END = /[.!?](?:\s|$)|\n\s*\n|\n(?=\s*(?:[-*•]|\d+[.)]|[A-Z][A-Za-z ]{0,30}:))/;

/**
 * The first sentence of a description: up to the first full stop followed by space, a blank line, or
 * the start of a list or an `Args:`-style section. Leading boilerplate such as "Notion |" is dropped.
 */
export function firstSentence(description: string): { first: string; rest: string } {
  const trimmed = description.trimStart();
  const match = SENTENCE_END.exec(trimmed);
  if (!match) return { first: trimmed, rest: '' };
  const end = match.index + 1;
  return { first: trimmed.slice(0, end), rest: trimmed.slice(end) };
}
