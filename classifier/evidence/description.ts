import { POISONING_SCAN, type DescriptionScan } from '../poisoning.ts';
import { DESCRIPTION_PREAMBLE, DESCRIPTION_TAGS, PHRASE_RULES, ROUTER_LEAD } from '../rules/phrases.ts';
import { POISONING_RULES } from '../rules/poisoning.ts';
import { CJK_VERBS, ROUTER_VERBS, VERBS } from '../rules/verbs.ts';
import { firstSentence, splitWords } from '../tokenize.ts';
import { TriggerIndex } from '../triggers.ts';
import type { Evidence } from '../types.ts';
import { FLAG_THRESHOLD, OVERRIDDEN_VERB, WEIGHTS } from '../weights.ts';
import { operationRule, readObjects } from './name.ts';

/** One scan of a description finds the candidates of every phrase rule and then every poisoning rule. */
const TEXT_TRIGGERS = new TriggerIndex([...PHRASE_RULES, ...POISONING_RULES], POISONING_SCAN);
const PHRASE_BITS = (1 << PHRASE_RULES.length) - 1;
const CATEGORY_POINTS: ReadonlySet<string> = new Set(['read', 'write', 'execute', 'destructive', 'financial', 'unknown']);
/**
 * The phrase rules worth looking for after the first sentence: warnings about the tool itself (`anywhere`:
 * "cannot be undone") and flag phrases whose reduced weight still reaches the flag bar. Category phrases
 * are read in the first sentence only: what a tool does is said up front, and later sentences describe
 * arguments, results and other tools (a DELETE there is weak evidence), so long descriptions cost little.
 */
const LATER_PHRASE_BITS = PHRASE_RULES.reduce(
  (bits, rule, i) => (rule.anywhere || (!CATEGORY_POINTS.has(rule.points) && rule.weight * WEIGHTS.laterSentence >= FLAG_THRESHOLD) ? bits | (1 << i) : bits),
  0,
);

export interface DescriptionReading {
  /** The first sentence starts with an action verb. */
  verb: boolean;
  /** The first sentence starts with a verb that dispatches operations ("Manage branches: …"). */
  router: boolean;
  poisoning: DescriptionScan;
}

/**
 * The first sentence's leading verb, then every phrase rule (full weight in the first sentence, less later).
 * When the leading verb is the name's own and its object here decides instead (`browser_clear`: "Clears
 * the value of an input"), the name's verb is overridden too.
 */
export function readDescription(read: DescriptionFacts, nameVerb: string | undefined, evidence: Evidence[]): DescriptionReading {
  // The description's verb supports when the name has a verb of its own: its evidence weighs less.
  const scale = nameVerb ? WEIGHTS.descriptionVerbSupporting / WEIGHTS.descriptionVerb : 1;
  for (const e of read.lead) evidence.push({ ...e, weight: e.weight * scale });
  // … and so is a synonym's (`delete_cycle_issue`: "Remove an issue from a cycle").
  if (read.verb && read.overridden && (read.verb === nameVerb || sameAction(read.verb, nameVerb))) {
    for (const e of evidence) if (e.rule === `name-verb:${nameVerb}` || e.rule === `title-verb:${nameVerb}`) e.weight *= OVERRIDDEN_VERB;
  }
  for (const e of read.phrases) evidence.push({ ...e });
  return { verb: read.verb !== undefined, router: read.router, poisoning: read.poisoning };
}

/** Verbs that name one action: a description's `remove` speaks for a name's `delete`. */
const SAME_ACTION: ReadonlyMap<string, string> = new Map([
  ['delete', 'delete'],
  ['remove', 'delete'],
  ['rm', 'delete'],
]);

function sameAction(a: string, b: string | undefined): boolean {
  const action = SAME_ACTION.get(a);
  return action !== undefined && b !== undefined && SAME_ACTION.get(b) === action;
}

/** A leading adverb, or a light verb and its article, before the word that names the action. */
/** The verb after the lead verb and `or`/`and` ("Read or replace …", "Create and send …"). */
const SECOND_VERB = /^[A-Za-z]+\s+(?:or|and)\s+([A-Za-z]+)/;
const LEAD_SKIP = /^([A-Za-z]+)\s+(?:(a|an|the)\s+)?([A-Za-z]+)/;
/** Verbs whose object names the action: "Take a snapshot", "Perform a search". */
const LIGHT_VERBS: ReadonlySet<string> = new Set(['take', 'perform', 'performs', 'takes']);

/** What a description says, whatever tool it belongs to: catalogues repeat descriptions, so each is read once. */
export interface DescriptionFacts {
  /** The verb the first sentence starts with, if any ("Lists files" → `list`). */
  verb: string | undefined;
  /** The leading verb's object decides instead of the verb. */
  overridden: boolean;
  router: boolean;
  /** The leading verb and its objects, weighed as for a name without a verb. */
  lead: Evidence[];
  phrases: Evidence[];
  poisoning: DescriptionScan;
}

const descriptions = new Map<string, DescriptionFacts>();
const DESCRIPTIONS_REMEMBERED = 20_000;

/** What a description says (read once per distinct text and remembered, bounded): hand it to readDescription. */
export function descriptionFacts(description: string): DescriptionFacts {
  let facts = descriptions.get(description);
  if (facts) return facts;
  facts = factsOf(description);
  if (descriptions.size >= DESCRIPTIONS_REMEMBERED) descriptions.clear();
  descriptions.set(description, facts);
  return facts;
}

/**
 * Whether a sentence may open with a tag (`[BETA]`, an emoji, `**Purpose:**`, `IMPORTANT:`): it does not start with
 * a letter, or starts with two capitals. Most start with a capital and a small letter and skip the tag pattern.
 */
function mayOpenWithTag(sentence: string): boolean {
  const first = sentence.charCodeAt(0);
  const upper = first >= 65 && first <= 90;
  if (!upper && !(first >= 97 && first <= 122)) return true;
  const second = sentence.charCodeAt(1);
  return upper && second >= 65 && second <= 90;
}

function factsOf(description: string): DescriptionFacts {
  const { first, rest } = firstSentence(description);
  let lead = (mayOpenWithTag(first) ? first.replace(DESCRIPTION_TAGS, '') : first).replace(DESCRIPTION_PREAMBLE, '');
  let firstWord = /^[A-Za-z]+/.exec(lead)?.[0]?.toLowerCase();
  let verb = firstWord ? verbOf(firstWord) : undefined;
  // "Permanently deletes …", "Take a snapshot of …": the verb is the next word (after an article).
  const adverb = firstWord?.endsWith('ly') === true;
  if (firstWord && verb === undefined && (adverb || LIGHT_VERBS.has(firstWord))) {
    const skip = LEAD_SKIP.exec(lead);
    if (skip && (!adverb || skip[2] === undefined)) {
      const next = skip[3].toLowerCase();
      const nextVerb = verbOf(next);
      if (nextVerb !== undefined) {
        lead = lead.slice(skip[0].length - skip[3].length);
        firstWord = next;
        verb = nextVerb;
      }
    }
  }
  // A description in Chinese names its action with a verb anywhere in its first clause ("根据城市名称查询…").
  if (verb === undefined) {
    const cjk = chineseVerb(lead);
    if (cjk) {
      firstWord = cjk.match;
      verb = cjk.verb;
    }
  }
  const dispatches = ROUTER_LEAD.test(lead);
  const router = dispatches || (firstWord !== undefined && ROUTER_VERBS.has(firstWord));
  // "Select and run one of …" names no action of its own: the operations it lists do.
  if (dispatches) verb = undefined;
  const leadEvidence: Evidence[] = [];
  let overridden = false;
  if (verb) {
    const rule = VERBS.get(verb)!;
    const weight = WEIGHTS.descriptionVerb;
    const leadWords = splitWords(lead.slice(0, 80));
    overridden = readObjects(leadWords, 0, verb, rule, 'description', weight, leadEvidence);
    leadEvidence.push({
      rule: `description-verb:${verb}`,
      field: 'description',
      match: firstWord!,
      points: rule.category,
      weight: overridden ? weight * OVERRIDDEN_VERB : weight,
    });
    // "Read or replace the clipboard": a second verb joined by or/and counts, as in a name.
    const joined = SECOND_VERB.exec(lead);
    const second = joined ? verbOf(joined[1].toLowerCase()) : undefined;
    if (second !== undefined && second !== verb) {
      const secondRule = VERBS.get(second)!;
      const secondWeight = weight * (WEIGHTS.nameSecondVerb / WEIGHTS.nameVerb);
      // The object both verbs share may decide for the second too ("Add or remove links": a relation).
      const secondOverridden = readObjects(
        leadWords,
        leadWords.indexOf(joined![1].toLowerCase()),
        second,
        secondRule,
        'description',
        secondWeight,
        leadEvidence,
      );
      leadEvidence.push({
        rule: `description-verb:${second}`,
        field: 'description',
        match: joined![1],
        points: secondRule.category,
        weight: secondOverridden ? secondWeight * OVERRIDDEN_VERB : secondWeight,
      });
    }
  }
  const phrases: Evidence[] = [];
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
    phrases.push({
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
  return { verb, overridden, router, lead: leadEvidence, phrases, poisoning };
}

/** A Chinese character (CJK unified ideographs, as Japanese kanji too) or a Korean syllable. */
const HAN = /[\u4e00-\u9fff\uac00-\ud7af]/;
/** Where a Chinese or Japanese sentence ends (a Korean one ends with a full stop). */
const CJK_SENTENCE_END = /[。！？；]|\.\s/;

/**
 * The first verb of CJK_VERBS in a Chinese first sentence (Chinese writes no spaces: the verb may follow the
 * words it is about, as in "根据城市名称查询天气", "by city name, query the weather"); undefined if the lead has no
 * Chinese character or no such verb.
 */
function chineseVerb(lead: string): { verb: string; match: string } | undefined {
  const han = lead.search(HAN);
  if (han < 0) return undefined;
  const end = CJK_SENTENCE_END.exec(lead);
  const sentence = end ? lead.slice(0, end.index) : lead;
  let best: { verb: string; match: string } | undefined;
  let at = sentence.length;
  for (const [word, verb] of CJK_VERBS) {
    let i = sentence.indexOf(word, han);
    while (i >= 0 && negated(sentence, i)) i = sentence.indexOf(word, i + word.length);
    if (i >= 0 && i < at) {
      at = i;
      best = { verb, match: word };
    }
  }
  return best;
}

/** "不会读取本地文件" (does not read local files), "请勿删除": a verb after a negation is not the action. */
const CJK_NEGATIONS = /(?:不|勿|别|无法|禁止|不要|不会|不能)$/;

function negated(sentence: string, at: number): boolean {
  return CJK_NEGATIONS.test(sentence.slice(Math.max(0, at - 2), at));
}

const CLAUSE = /[:;,(/]|\s(?:or|and)\s/;
/** `action='join'`, `operation: "delete"`: an operation the description names by its argument. */
const NAMED_OPERATION = /\b(?:action|operation|command|mode|op|method)\s*[=:]\s*['"`]([a-z][a-z_-]{1,30})['"`]/gi;

/**
 * The operations a dispatching tool's first sentence names: the verb that starts each clause
 * ("List, create, close, or select a tab"; "Manage branches: list all branches, delete a branch, …"),
 * with what its own object implies. Returns how many it found.
 */
export function readOperations(description: string, nameWords: readonly string[], evidence: Evidence[]): number {
  const lead = firstSentence(description).first.replace(DESCRIPTION_PREAMBLE, '').replace(ROUTER_LEAD, '');
  let found = 0;
  let first = true;
  let runs = false;
  for (const clause of lead.split(CLAUSE)) {
    const words = splitWords(clause);
    const leading = first;
    first = false;
    // A listed operation that itself manages something (`manage-env-vars`, "or manage saved filters") may
    // delete what it manages; after "Execute SQL queries: …, manage data" it is what the code it runs does.
    if (!leading && !runs && words.length > 1 && ROUTER_VERBS.has(words[0])) {
      found++;
      evidence.push({
        rule: 'description-operation:manage',
        field: 'description',
        match: clause.trim().slice(0, 60),
        points: 'destructive',
        weight: WEIGHTS.actionEnum,
      });
      continue;
    }
    const verb = words.length > 0 ? verbOf(words[0]) : undefined;
    if (!verb) continue;
    found++;
    const rule = VERBS.get(verb)!;
    if (leading && rule.category === 'execute') runs = true;
    const weight = rule.category === 'read' ? WEIGHTS.readActionEnum : WEIGHTS.actionEnum;
    // The operation's object may be the name's (`manage_index`: "create, drop, inspect").
    const overridden = readObjects(words.length > 1 ? words : [verb, ...nameWords], 0, verb, rule, 'description', weight, evidence);
    evidence.push({
      rule: `description-operation:${verb}`,
      field: 'description',
      match: clause.trim().slice(0, 60),
      points: rule.category,
      weight: overridden ? weight * OVERRIDDEN_VERB : weight,
    });
  }
  const named = [...description.matchAll(NAMED_OPERATION)];
  const membership = named.some((match) => match[1].toLowerCase() === 'add');
  for (const match of named) {
    const words = splitWords(match[1]);
    const rule = operationRule(words, membership);
    if (!rule) continue;
    found++;
    const weight = rule.category === 'read' ? WEIGHTS.readActionEnum : WEIGHTS.actionEnum;
    const overridden = readObjects(words.length > 1 ? words : [words[0], ...nameWords], 0, words[0], rule, 'description', weight, evidence);
    evidence.push({
      rule: `description-operation:${words[0]}`,
      field: 'description',
      match: match[0],
      points: rule.category,
      weight: overridden ? weight * OVERRIDDEN_VERB : weight,
    });
  }
  return found;
}

/** Descriptions conjugate their verbs: "Deletes", "Retrieving", "Updated". */
export function verbOf(word: string): string | undefined {
  if (VERBS.has(word)) return word;
  const candidates: string[] = [];
  if (word.endsWith('ies')) candidates.push(`${word.slice(0, -3)}y`);
  if (word.endsWith('es')) candidates.push(word.slice(0, -2));
  if (word.endsWith('s')) candidates.push(word.slice(0, -1));
  if (word.endsWith('ing')) candidates.push(word.slice(0, -3), `${word.slice(0, -3)}e`);
  for (const c of candidates) if (VERBS.has(c)) return c;
  return undefined;
}
