import { isRecord } from '../record.ts';
import { ACTION_ARGUMENTS, ARGUMENT_RULES, HTTP_METHODS } from '../rules/arguments.ts';
import { ARGUMENT_RULE_NAMES, ARGUMENT_RULES_BY_WORD, ARGUMENT_RULES_EXACT } from '../rules/indexes.ts';
import { splitWords } from '../tokenize.ts';
import type { Evidence } from '../types.ts';
import { OVERRIDDEN_VERB, WEIGHTS } from '../weights.ts';
import { operationRule, readObjects } from './name.ts';

export interface SchemaReading {
  /** An argument picks the operation (`action`, `operation`, `command`…). */
  actionArgument: boolean;
  /** Operations its enum/const values name. */
  operations: number;
}

/** Name verbs that list a collection: an `action` enum on them filters the listing (`list_adjustments` by `action: refund`). */
const LISTING_VERBS: ReadonlySet<string> = new Set(['list', 'search', 'find', 'filter', 'count']);

/** Argument names and types, and enum/const values of action-like arguments (`action: delete`). */
export function readSchema(schema: unknown, nameWords: readonly string[], nameVerb: string | undefined, evidence: Evidence[]): SchemaReading {
  const result: SchemaReading = { actionArgument: false, operations: 0 };
  if (!isRecord(schema) || !isRecord(schema.properties)) return result;
  const properties = schema.properties;
  let fired = 0; // bit i: ARGUMENT_RULES[i] has fired
  for (const argument in properties) {
    const definition = properties[argument];
    const reading = readArgumentName(argument);
    if (reading.rules.length > 0) fired = applyArgumentRules(reading.rules, argument, definition, properties, nameVerb, fired, evidence);
    if (reading.isAction && isRecord(definition) && !(nameVerb && LISTING_VERBS.has(nameVerb))) {
      result.actionArgument = true;
      result.operations += readActionValues(argument, definition, nameWords, evidence);
    }
  }
  return result;
}

interface ArgumentNameReading {
  /** Indexes of the argument rules its name matches (exactly, by a word, or by its head word). */
  rules: number[];
  /** Its values name actions (`action`, `operation`…). */
  isAction: boolean;
}

/**
 * What an argument's name matches, remembered: catalogues reuse a small vocabulary of argument names
 * (owner, repo, path, query…), so each is split and looked up once. The memory is bounded.
 */
const argumentNames = new Map<string, ArgumentNameReading>();
const ARGUMENT_NAMES_REMEMBERED = 20_000;

function readArgumentName(argument: string): ArgumentNameReading {
  let reading = argumentNames.get(argument);
  if (reading) return reading;
  const lower = argument.toLowerCase();
  const rules = [...(ARGUMENT_RULES_EXACT.get(lower) ?? [])];
  const words = splitWords(argument);
  for (let i = 0; i < words.length; i++) {
    for (const r of ARGUMENT_RULES_BY_WORD.get(words[i]) ?? []) {
      if ((ARGUMENT_RULES[r].headWord && i !== words.length - 1) || rules.includes(r)) continue;
      rules.push(r);
    }
  }
  reading = { rules, isAction: ACTION_ARGUMENTS.has(lower) };
  if (argumentNames.size >= ARGUMENT_NAMES_REMEMBERED) argumentNames.clear();
  argumentNames.set(argument, reading);
  return reading;
}

/** Applies the argument rules at `indexes` not yet in `fired`; returns `fired` with those that fired. */
function applyArgumentRules(
  indexes: readonly number[],
  argument: string,
  definition: unknown,
  properties: Record<string, unknown>,
  nameVerb: string | undefined,
  fired: number,
  evidence: Evidence[],
): number {
  const type = typeOf(definition);
  for (const r of indexes) {
    const rule = ARGUMENT_RULES[r];
    if (fired & (1 << r) || (rule.types && (!type || !rule.types.includes(type)))) continue;
    if (rule.unless && isRecord(definition) && (matches(rule.unless, definition.description) || matches(rule.unless, definition.default))) continue;
    if (rule.unlessBeside?.some((sibling) => sibling in properties)) continue;
    if (rule.onlyBeside && !hasSibling(rule.onlyBeside, properties)) continue;
    if (rule.enumHas && !enumHolds(definition, rule.enumHas)) continue;
    if (rule.nameVerbs && !(nameVerb && rule.nameVerbs.includes(nameVerb))) continue;
    fired |= 1 << r;
    evidence.push({ rule: ARGUMENT_RULE_NAMES[r], field: 'inputSchema', match: argument, points: rule.points, weight: rule.weight });
  }
  return fired;
}

/**
 * Evidence from the actions an action argument's values name; returns how many values are actions. A
 * value without an object of its own acts on the name's (`git_remote` with `mode: remove`).
 */
function readActionValues(argument: string, definition: Record<string, unknown>, nameWords: readonly string[], evidence: Evidence[]): number {
  const values = Array.isArray(definition.enum) ? definition.enum : definition.const !== undefined ? [definition.const] : [];
  if (allHttpMethods(values)) return 0;
  const seen = new Set<string>();
  let operations = 0;
  let membership: boolean | undefined; // a bare `add` among the values: looked for only beside a bare `remove`
  for (const value of values) {
    if (typeof value !== 'string') continue;
    // Action values are imperatives (`delete`, `create_rule`): nouns such as `labels` are not actions.
    const words = splitWords(value);
    const verb = words[0];
    if (membership === undefined && words.length === 1 && words[0] === 'remove') membership = hasBareAdd(values);
    const rule = operationRule(words, membership === true);
    if (!rule) continue;
    operations++;
    // `remove_member` and `remove_repository` are different operations; `delete` twice is one.
    if (seen.has(value)) continue;
    seen.add(value);
    const weight = rule.category === 'read' ? WEIGHTS.readActionEnum : WEIGHTS.actionEnum;
    const overridden = readObjects(words.length > 1 ? words : [verb, ...nameWords], 0, verb, rule, 'inputSchema', weight, evidence);
    evidence.push({
      rule: `argument-action:${verb}`,
      field: 'inputSchema',
      match: `${argument}: ${value}`,
      points: rule.category,
      weight: overridden ? weight * OVERRIDDEN_VERB : weight,
    });
  }
  return operations;
}

function hasBareAdd(values: readonly unknown[]): boolean {
  for (const value of values) if (typeof value === 'string' && value.toLowerCase() === 'add') return true;
  return false;
}

/** Whether an argument other than the rule's own is named one of `names` (any case). */
function hasSibling(names: readonly string[], properties: Record<string, unknown>): boolean {
  for (const sibling in properties) if (names.includes(sibling.toLowerCase())) return true;
  return false;
}

function enumHolds(definition: unknown, wanted: readonly string[]): boolean {
  if (!isRecord(definition) || !Array.isArray(definition.enum)) return false;
  for (const value of definition.enum) if (typeof value === 'string' && wanted.includes(value.toLowerCase())) return true;
  return false;
}

function matches(pattern: RegExp, value: unknown): boolean {
  return typeof value === 'string' && pattern.test(value);
}

function allHttpMethods(values: readonly unknown[]): boolean {
  for (const v of values) if (typeof v !== 'string' || !HTTP_METHODS.has(v.toLowerCase())) return false;
  return true;
}

function typeOf(definition: unknown): string | undefined {
  if (!isRecord(definition)) return undefined;
  const type = definition.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) {
    for (const t of type) if (typeof t === 'string' && t !== 'null') return t;
    return undefined;
  }
  if (Array.isArray(definition.anyOf))
    for (const option of definition.anyOf) {
      const t = typeOf(option);
      if (t && t !== 'null') return t;
    }
  return undefined;
}
