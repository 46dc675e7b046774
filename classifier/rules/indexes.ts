import { ARGUMENT_RULES, type ArgumentRule } from './arguments.ts';
import { OBJECT_RULES, type ObjectRule } from './objects.ts';
import type { Evidence } from '../types.ts';

/** Lookups built once from the rule tables, so the evidence readers find the rules a word names without a scan. */

export const OBJECT_RULES_BY_WORD = indexObjectRules(OBJECT_RULES);
export const OBJECT_RULE_VERBS = OBJECT_RULES.map((rule) => (rule.verbs ? new Set(rule.verbs) : undefined));
export const OBJECT_RULE_NAMES = Object.fromEntries(
  (['name', 'title', 'description', 'inputSchema', 'annotations'] as const).map((field) => [field, OBJECT_RULES.map((rule) => `${field}-object:${rule.id}`)]),
) as Record<Evidence['field'], string[]>;

export const ARGUMENT_RULES_EXACT = indexArgumentRules(ARGUMENT_RULES, true);
export const ARGUMENT_RULES_BY_WORD = indexArgumentRules(ARGUMENT_RULES, false);
export const ARGUMENT_RULE_NAMES = ARGUMENT_RULES.map((rule) => `argument:${rule.id}`);

/** Word → indexes of the object rules that name it. */
function indexObjectRules(rules: readonly ObjectRule[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  rules.forEach((rule, r) => {
    for (const word of rule.objects) index.set(word, [...(index.get(word) ?? []), r]);
  });
  return index;
}

/** Argument name (exact rules) or word (the others) → indexes of the argument rules that name it. */
function indexArgumentRules(rules: readonly ArgumentRule[], exact: boolean): Map<string, number[]> {
  if (rules.length > 31) throw new Error('at most 31 argument rules (their firing is tracked in a bit mask)');
  const index = new Map<string, number[]>();
  rules.forEach((rule, r) => {
    if (Boolean(rule.exact) !== exact) return;
    for (const name of rule.names) index.set(name, [...(index.get(name) ?? []), r]);
  });
  return index;
}
