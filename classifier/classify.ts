import { explain } from './explain.ts';
import { ACTION_ARGUMENTS, ARGUMENT_RULES, HTTP_METHODS, type ArgumentRule } from './rules/arguments.ts';
import { ANNOTATION_CONTRADICTIONS, ANNOTATION_RAISES } from './rules/annotations.ts';
import { DATA_NOUNS, OBJECT_RULES, OBJECT_STOPWORDS, OUTBOUND_VERBS, type ObjectRule } from './rules/objects.ts';
import { DESCRIPTION_PREAMBLE, PHRASE_RULES } from './rules/phrases.ts';
import { findPoisoning, POISONING_SCAN, type DescriptionScan } from './poisoning.ts';
import { POISONING_RULES } from './rules/poisoning.ts';
import { CONJUNCTIONS, HTTP_METHOD_PREFIXES, VERBS, type VerbRule } from './rules/verbs.ts';
import { severityOf } from './severity.ts';
import { firstSentence, splitWords, tokenizeName } from './tokenize.ts';
import { TriggerIndex } from './triggers.ts';
import type { AnnotationConflict, Category, Classification, Evidence, Flag, ServerContext, ToolInput } from './types.ts';
import { FLAGS } from './types.ts';

/** Bump when rules change: stored classifications of another version are recomputed. */
export const CLASSIFIER_VERSION = '1.3.0';

/** Evidence weights: how much each kind of rule counts (DESIGN.md's order of weight). */
export const WEIGHTS = {
  nameVerb: 0.9,
  /** A second verb joined by or/and (`create_or_update`). */
  nameSecondVerb: 0.85,
  titleVerb: 0.8,
  descriptionVerb: 0.75,
  /** The description's verb when the name has one of its own: it supports, the name decides. */
  descriptionVerbSupporting: 0.6,
  /** A verbless name of data words. */
  dataNoun: 0.55,
  actionEnum: 0.7,
  /** A read action among an action argument's values (`operation: list | get`). */
  readActionEnum: 0.5,
  /** A phrase outside the first sentence counts this much of its weight. */
  laterSentence: 0.5,
} as const;

/** How much of its weight a verb keeps when its object decides instead (`run_report`). */
const OVERRIDDEN_VERB = 0.5;
/** The worst category whose score reaches this (and is near the top score) is chosen. */
const DECISION_THRESHOLD = 0.5;
/** How far below the top score a worse category may be and still win. */
const DECISION_MARGIN = 0.25;
/** Below this, the evidence is too thin: `unknown`. */
const UNKNOWN_BELOW = 0.3;
/** A flag needs this much evidence. */
const FLAG_THRESHOLD = 0.45;
/** … except freeform input on an execute tool. */
const EXECUTE_FREEFORM_THRESHOLD = 0.3;

const CATEGORY_SET: Record<string, true> = { read: true, write: true, execute: true, destructive: true, financial: true, unknown: true };
/** Categories from worst to mildest: the worst that the evidence supports wins. */
const WORST_FIRST: readonly Category[] = ['financial', 'destructive', 'execute', 'write', 'read'];
/** Flags that only mean something for tools that change the world. */
const CHANGE_ONLY_FLAGS: ReadonlySet<Flag> = new Set(['external_comm', 'bulk']);

const OBJECT_RULES_BY_WORD = indexObjectRules(OBJECT_RULES);
const OBJECT_RULE_VERBS = OBJECT_RULES.map((rule) => (rule.verbs ? new Set(rule.verbs) : undefined));
const OBJECT_RULE_NAMES = Object.fromEntries(
  (['name', 'title', 'description', 'inputSchema', 'annotations'] as const).map((field) => [field, OBJECT_RULES.map((rule) => `${field}-object:${rule.id}`)]),
) as Record<Evidence['field'], string[]>;
/** One scan of a description finds the candidates of every phrase rule and then every poisoning rule. */
const TEXT_TRIGGERS = new TriggerIndex([...PHRASE_RULES, ...POISONING_RULES], POISONING_SCAN);
const PHRASE_BITS = (1 << PHRASE_RULES.length) - 1;
/**
 * The phrase rules worth looking for after the first sentence: those whose reduced weight can still
 * matter (reach the unknown bar for a category, the flag bar for a flag). The rest only fire up front.
 */
const LATER_PHRASE_BITS = PHRASE_RULES.reduce(
  (bits, rule, i) => ((rule.anywhere ? rule.weight : rule.weight * WEIGHTS.laterSentence) >= (rule.points in CATEGORY_SET ? UNKNOWN_BELOW : FLAG_THRESHOLD) ? bits | (1 << i) : bits),
  0,
);
const ARGUMENT_RULES_EXACT = indexArgumentRules(ARGUMENT_RULES, true);
const ARGUMENT_RULES_BY_WORD = indexArgumentRules(ARGUMENT_RULES, false);
const ARGUMENT_RULE_NAMES = ARGUMENT_RULES.map((rule) => `argument:${rule.id}`);

interface NameReading {
  /** The action verbs of the name, first the main one. */
  verbs: string[];
  /** Every verb preserves existing data (create, send, pause, rename…). */
  preserving: boolean;
}

/** A classification as the catalogue stores it (db's classifications row), keyed by the definition's hash. */
export function storedClassification(hash: string, classification: Classification, classifiedAt: Date) {
  const { version, ...result } = classification;
  return { hash, classifierVersion: version, ...result, classifiedAt };
}

/** Classifies one tool from its name, title, description, input schema and annotations. Pure and deterministic. */
export function classify(tool: ToolInput, _server?: ServerContext): Classification {
  const evidence: Evidence[] = [];
  const name = typeof tool.name === 'string' ? tool.name : '';
  const description = typeof tool.description === 'string' ? tool.description : '';
  const title = typeof tool.title === 'string' ? tool.title : '';

  const nameWords = tokenizeName(name);
  const reading = readName(nameWords, 'name', WEIGHTS.nameVerb, evidence);
  if (title) readName(splitWords(title), 'title', WEIGHTS.titleVerb, evidence);
  const described = readDescription(description, reading.verbs.length > 0, evidence);
  if (reading.verbs.length === 0 && !described.verb) readDataNouns(nameWords, evidence);
  readSchema(tool.inputSchema, evidence);

  const scores = categoryScores(evidence);
  let category = decide(scores);
  const annotations = isRecord(tool.annotations) ? tool.annotations : undefined;
  if (annotations) category = raiseByAnnotations(category, annotations, reading, evidence);

  findPoisoning(name, title, description, evidence, described.poisoning);
  const flags = flagsFrom(evidence, category);
  const { severity, raisedBy } = severityOf(category, flags);
  const annotationConflicts = annotations ? conflictsWith(category, annotations) : [];
  const confidence = confidenceOf(category, scores);
  return {
    category,
    flags,
    severity,
    confidence,
    evidence,
    annotationConflicts,
    explanation: explain(category, severity, flags, raisedBy, evidence, annotationConflicts),
    version: CLASSIFIER_VERSION,
  };
}

/**
 * The name's (or title's) action verb, a second verb after or/and, and what its object words imply.
 * An object rule that overrides the verb (`run_report`) halves the verb's weight.
 */
function readName(words: string[], field: 'name' | 'title', weight: number, evidence: Evidence[]): NameReading {
  let at = -1;
  for (let i = 0; i < words.length; i++) {
    if (VERBS.has(words[i])) {
      at = i;
      break;
    }
  }
  if (at < 0) return { verbs: [], preserving: false };
  if (HTTP_METHOD_PREFIXES.has(words[at]) && VERBS.has(words[at + 1])) at++;
  const verb = words[at];
  const rule = VERBS.get(verb)!;
  const overridden = readObjects(words, at, verb, rule, field, weight, evidence);
  evidence.push({ rule: `${field}-verb:${verb}`, field, match: verb, points: rule.category, weight: overridden ? weight * OVERRIDDEN_VERB : weight });
  if (OUTBOUND_VERBS.has(verb)) evidence.push({ rule: `${field}-outbound-verb:${verb}`, field, match: verb, points: 'external_comm', weight: 0.6 });
  const verbs = [verb];
  let preserving = rule.preserving === true;
  if (CONJUNCTIONS.has(words[at + 1]) && VERBS.has(words[at + 2])) {
    const second = words[at + 2];
    const secondRule = VERBS.get(second)!;
    verbs.push(second);
    preserving &&= secondRule.preserving === true;
    evidence.push({ rule: `${field}-verb:${second}`, field, match: second, points: secondRule.category, weight: weight * (WEIGHTS.nameSecondVerb / WEIGHTS.nameVerb) });
  }
  return { verbs, preserving };
}

/** What the words other than the verb imply with it. Returns whether a rule overrides the verb. */
function readObjects(words: string[], at: number, verb: string, verbRule: VerbRule, field: Evidence['field'], scale: number, evidence: Evidence[]): boolean {
  let headEnd = words.length;
  for (let i = at + 1; i < words.length; i++) {
    if (OBJECT_STOPWORDS.has(words[i])) {
      headEnd = i;
      break;
    }
  }
  // `pods_delete` names its object before the verb; `delete_pod_by_name` after it.
  const head = headEnd > at + 1 ? words[headEnd - 1] : at > 0 ? words[at - 1] : undefined;
  let overrides = false;
  let fired = 0; // bit i: OBJECT_RULES[i] has fired
  for (let i = 0; i < words.length; i++) {
    if (i === at) continue;
    const indexes = OBJECT_RULES_BY_WORD.get(words[i]);
    if (!indexes) continue;
    for (const r of indexes) {
      const rule = OBJECT_RULES[r];
      if (fired & (1 << r)) continue;
      if (rule.headOnly && words[i] !== head) continue;
      const verbs = OBJECT_RULE_VERBS[r];
      if (verbs ? !verbs.has(verb) : rule.verbCategories ? !rule.verbCategories.includes(verbRule.category) : false) continue;
      fired |= 1 << r;
      if (rule.overridesVerb) overrides = true;
      const weight = rule.weight * (scale / WEIGHTS.nameVerb);
      const match = `${verb} … ${words[i]}`;
      const name = OBJECT_RULE_NAMES[field][r];
      if (rule.category) evidence.push({ rule: name, field, match, points: rule.category, weight });
      if (rule.flags) for (const flag of rule.flags) evidence.push({ rule: name, field, match, points: flag, weight });
    }
  }
  return overrides;
}

/** A verbless name made only of data words (`db_stats`) reads that data. */
function readDataNouns(words: string[], evidence: Evidence[]): void {
  for (const word of words) {
    if (DATA_NOUNS.has(word)) {
      evidence.push({ rule: 'name-data-noun', field: 'name', match: word, points: 'read', weight: WEIGHTS.dataNoun });
      return;
    }
  }
}

/** The first sentence's leading verb, then every phrase rule (full weight in the first sentence, less later). */
function readDescription(description: string, nameHasVerb: boolean, evidence: Evidence[]): { verb: boolean; poisoning: DescriptionScan } {
  const { first, rest } = firstSentence(description);
  const lead = first.replace(DESCRIPTION_PREAMBLE, '');
  const firstWord = /^[A-Za-z]+/.exec(lead)?.[0];
  let found = false;
  if (firstWord) {
    const verb = verbOf(firstWord.toLowerCase());
    if (verb) {
      const rule = VERBS.get(verb)!;
      const weight = nameHasVerb ? WEIGHTS.descriptionVerbSupporting : WEIGHTS.descriptionVerb;
      const overridden = readObjects(splitWords(lead.slice(0, 80)), 0, verb, rule, 'description', weight, evidence);
      evidence.push({ rule: `description-verb:${verb}`, field: 'description', match: firstWord, points: rule.category, weight: overridden ? weight * OVERRIDDEN_VERB : weight });
      found = true;
    }
  }
  TEXT_TRIGGERS.scan(description, description.length - rest.length);
  const { first: scannedFirst, rest: scannedRest, near } = TEXT_TRIGGERS;
  const inFirst = TEXT_TRIGGERS.candidates(scannedFirst, near) & PHRASE_BITS;
  const inRest = TEXT_TRIGGERS.candidates(scannedRest, near) & LATER_PHRASE_BITS;
  for (let i = 0; i < PHRASE_RULES.length; i++) {
    const bit = 1 << i;
    if (((inFirst | inRest) & bit) === 0) continue;
    const rule = PHRASE_RULES[i];
    const hitFirst = inFirst & bit ? rule.pattern.exec(first) : null;
    const hit = hitFirst ?? (inRest & bit ? rule.pattern.exec(rest) : null);
    if (!hit) continue;
    evidence.push({
      rule: `phrase:${rule.id}`,
      field: 'description',
      match: hit[0],
      points: rule.points,
      weight: hitFirst || rule.anywhere ? rule.weight : rule.weight * WEIGHTS.laterSentence,
    });
  }
  const poisoning: DescriptionScan = {
    candidates: TEXT_TRIGGERS.candidates(scannedFirst | scannedRest, near) >>> PHRASE_RULES.length,
    invisibleAt: TEXT_TRIGGERS.invisibleAt,
    blank: TEXT_TRIGGERS.blank,
  };
  return { verb: found, poisoning };
}

/** Descriptions conjugate their verbs: "Deletes", "Retrieving", "Updated". */
function verbOf(word: string): string | undefined {
  if (VERBS.has(word)) return word;
  const candidates: string[] = [];
  if (word.endsWith('ies')) candidates.push(`${word.slice(0, -3)}y`);
  if (word.endsWith('es')) candidates.push(word.slice(0, -2));
  if (word.endsWith('s')) candidates.push(word.slice(0, -1));
  if (word.endsWith('ing')) candidates.push(word.slice(0, -3), `${word.slice(0, -3)}e`);
  for (const c of candidates) if (VERBS.has(c)) return c;
  return undefined;
}

/** Argument names and types, and enum/const values of action-like arguments (`action: delete`). */
function readSchema(schema: unknown, evidence: Evidence[]): void {
  if (!isRecord(schema) || !isRecord(schema.properties)) return;
  const properties = schema.properties;
  let fired = 0; // bit i: ARGUMENT_RULES[i] has fired
  for (const argument in properties) {
    const definition = properties[argument];
    const reading = readArgumentName(argument);
    if (reading.rules.length > 0) fired = applyArgumentRules(reading.rules, argument, typeOf(definition), fired, evidence);
    if (reading.isAction && isRecord(definition)) readActionValues(argument, definition, evidence);
  }
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
function applyArgumentRules(indexes: readonly number[], argument: string, type: string | undefined, fired: number, evidence: Evidence[]): number {
  for (const r of indexes) {
    const rule = ARGUMENT_RULES[r];
    if (fired & (1 << r) || (rule.types && (!type || !rule.types.includes(type)))) continue;
    fired |= 1 << r;
    evidence.push({ rule: ARGUMENT_RULE_NAMES[r], field: 'inputSchema', match: argument, points: rule.points, weight: rule.weight });
  }
  return fired;
}

function readActionValues(argument: string, definition: Record<string, unknown>, evidence: Evidence[]): void {
  const values = Array.isArray(definition.enum) ? definition.enum : definition.const !== undefined ? [definition.const] : [];
  if (allHttpMethods(values)) return;
  const seen = new Set<Category>();
  for (const value of values) {
    if (typeof value !== 'string') continue;
    // Action values are imperatives (`delete`, `create_rule`): nouns such as `labels` are not actions.
    const verb = splitWords(value)[0];
    const category = verb ? VERBS.get(verb)?.category : undefined;
    if (!category || seen.has(category)) continue;
    seen.add(category);
    const weight = category === 'read' ? WEIGHTS.readActionEnum : WEIGHTS.actionEnum;
    evidence.push({ rule: `argument-action:${verb}`, field: 'inputSchema', match: `${argument}: ${value}`, points: category, weight });
  }
}

function allHttpMethods(values: readonly unknown[]): boolean {
  for (const v of values) if (typeof v !== 'string' || !HTTP_METHODS.has(v.toLowerCase())) return false;
  return true;
}

function categoryScores(evidence: readonly Evidence[]): Record<Category, number> {
  const scores: Record<Category, number> = { read: 0, write: 0, execute: 0, destructive: 0, financial: 0, unknown: 0 };
  for (const e of evidence) {
    if (e.points in scores) {
      const c = e.points as Category;
      if (e.weight > scores[c]) scores[c] = e.weight;
    }
  }
  return scores;
}

/** The worst category with enough evidence, close enough to the strongest evidence; else the strongest; else unknown. */
function decide(scores: Record<Category, number>): Category {
  let top = 0;
  let topCategory: Category = 'unknown';
  for (const c of WORST_FIRST) {
    if (scores[c] > top) {
      top = scores[c];
      topCategory = c;
    }
  }
  if (top < UNKNOWN_BELOW) return 'unknown';
  const bar = Math.max(DECISION_THRESHOLD, top - DECISION_MARGIN);
  for (const c of WORST_FIRST) if (scores[c] >= bar) return c;
  return topCategory;
}

function raiseByAnnotations(category: Category, annotations: Record<string, unknown>, reading: NameReading, evidence: Evidence[]): Category {
  let current = category;
  for (const raise of ANNOTATION_RAISES) {
    if (annotations[raise.hint] !== raise.value || !raise.from.includes(current)) continue;
    if (raise.needsDeclaredWrite && annotations.readOnlyHint !== false) continue;
    if (raise.notForPreserving && reading.preserving) continue;
    evidence.push({ rule: `annotation:${raise.id}`, field: 'annotations', match: `${raise.hint}: ${String(raise.value)}`, points: raise.to, weight: raise.weight });
    current = raise.to;
  }
  return current;
}

function conflictsWith(category: Category, annotations: Record<string, unknown>): AnnotationConflict[] {
  const conflicts: AnnotationConflict[] = [];
  for (const rule of ANNOTATION_CONTRADICTIONS) {
    if (annotations[rule.hint] !== rule.value || !rule.contradicts.includes(category)) continue;
    // MCP: destructiveHint means nothing for a tool declared read-only.
    if (rule.hint === 'destructiveHint' && annotations.readOnlyHint === true) continue;
    conflicts.push({ annotation: rule.hint, declared: rule.value, message: rule.message(category) });
  }
  return conflicts;
}

function flagsFrom(evidence: readonly Evidence[], category: Category): Flag[] {
  const best: Partial<Record<Flag, number>> = {};
  for (const e of evidence) {
    if (e.points in CATEGORY_SET) continue;
    const flag = e.points as Flag;
    if (e.weight > (best[flag] ?? 0)) best[flag] = e.weight;
  }
  const changes = category !== 'read' && category !== 'unknown';
  const flags: Flag[] = [];
  for (const f of FLAGS) {
    // A query handed to a tool that executes it is code: weaker evidence suffices.
    const threshold = f === 'freeform_input' && category === 'execute' ? EXECUTE_FREEFORM_THRESHOLD : FLAG_THRESHOLD;
    if ((best[f] ?? 0) >= threshold && (changes || !CHANGE_ONLY_FLAGS.has(f))) flags.push(f);
  }
  return flags;
}


/** How clearly the chosen category beat the others: its own evidence, less a share of the strongest rival's. */
function confidenceOf(category: Category, scores: Record<Category, number>): number {
  if (category === 'unknown') return 0.2;
  let rival = 0;
  for (const c of WORST_FIRST) if (c !== category && scores[c] > rival) rival = scores[c];
  const own = Math.max(scores[category], DECISION_THRESHOLD);
  return Math.round(Math.max(0.05, Math.min(1, own - rival * 0.3)) * 100) / 100;
}

function typeOf(definition: unknown): string | undefined {
  if (!isRecord(definition)) return undefined;
  const type = definition.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) {
    for (const t of type) if (typeof t === 'string' && t !== 'null') return t;
    return undefined;
  }
  if (Array.isArray(definition.anyOf)) for (const option of definition.anyOf) {
    const t = typeOf(option);
    if (t && t !== 'null') return t;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Word → indexes of the object rules that name it. */
function indexObjectRules(rules: readonly ObjectRule[]): Map<string, number[]> {
  if (rules.length > 31) throw new Error('at most 31 object rules (their firing is tracked in a bit mask)');
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
