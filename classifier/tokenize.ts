/**
 * Turning tool names and descriptions into the words the rule tables are written in.
 * Everything here is on the hot path: no per-call regex construction, few allocations.
 */

const SEPARATORS = /[^A-Za-z0-9]+/;
const CAMEL_BOUNDARY = /([a-z0-9])([A-Z])|([A-Z]+)([A-Z][a-z])/g;
const LETTER_DIGIT = /([A-Za-z])(\d)|(\d)([A-Za-z])/g;

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

/** Lower-case words of any identifier-like text (camelCase and digits split off). */
export function splitWords(text: string): string[] {
  const spaced = text.replace(CAMEL_BOUNDARY, spaceCamel).replace(LETTER_DIGIT, spaceDigits);
  const out: string[] = [];
  for (const part of spaced.split(SEPARATORS)) if (part) out.push(part.toLowerCase());
  return out;
}

function spaceCamel(_m: string, a?: string, b?: string, c?: string, d?: string): string {
  return a !== undefined ? `${a} ${b}` : `${c} ${d}`;
}

function spaceDigits(_m: string, a?: string, b?: string, c?: string, d?: string): string {
  return a !== undefined ? `${a} ${b}` : `${c} ${d}`;
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
