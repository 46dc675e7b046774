import { VERBS } from '../rules/verbs.ts';
import { tokenizeName } from '../tokenize.ts';
import type { ToolInput } from '../types.ts';
import type { ThreeWayLabel } from './dataset.ts';

/**
 * Annotations only, with the MCP specification's defaults where a hint is absent (readOnlyHint false,
 * destructiveHint true): read-only → read, else destructive unless declared non-destructive.
 */
export function annotationsBaseline(tool: ToolInput): ThreeWayLabel {
  const a = tool.annotations ?? {};
  if (a.readOnlyHint === true) return 'read';
  return a.destructiveHint === false ? 'write' : 'destructive';
}

/** The first word of the name that is a known verb, mapped three ways; `unknown` when there is none. */
export function nameVerbBaseline(tool: ToolInput): ThreeWayLabel | 'unknown' {
  for (const word of tokenizeName(tool.name)) {
    const rule = VERBS.get(word);
    if (rule) return toThreeWay(rule.category);
  }
  return 'unknown';
}

/** The labels count execute and financial tools as destructive. */
export function toThreeWay(category: string): ThreeWayLabel | 'unknown' {
  if (category === 'execute' || category === 'financial') return 'destructive';
  return category as ThreeWayLabel | 'unknown';
}
