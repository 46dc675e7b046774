import { DATA_NOUNS, NOT_SENT_OBJECTS, OBJECT_RULES, OBJECT_STOPWORDS, OUTBOUND_VERBS } from '../rules/objects.ts';
import { OBJECT_RULE_NAMES, OBJECT_RULE_VERBS, OBJECT_RULES_BY_WORD } from '../rules/indexes.ts';
import {
  COMPOUND_NOUNS,
  CONJUNCTIONS,
  FIGURE_NOUNS,
  GUIDE_NOUNS,
  HTTP_METHOD_PREFIXES,
  LEADING_ONLY_VERBS,
  NAMESPACE_VERBS,
  NOUN_LIKE_VERBS,
  ROUTER_VERBS,
  VERBS,
  type VerbRule,
} from '../rules/verbs.ts';
import type { Evidence } from '../types.ts';
import { OVERRIDDEN_VERB, WEIGHTS } from '../weights.ts';

export interface NameReading {
  /** The action verbs of the name, first the main one. */
  verbs: string[];
  /** The name says it dispatches operations (`manage_branches`) rather than naming one. */
  router: boolean;
}

/**
 * The name's (or title's) action verb, a second verb after or/and, and what its object words imply.
 * An object rule that overrides the verb (`run_report`) halves the verb's weight.
 */
export function readName(
  words: string[],
  field: 'name' | 'title',
  weight: number,
  evidence: Evidence[],
  /** The verb the description starts with, if any: it picks among the name's verbs. */
  described?: string,
): NameReading {
  let at = -1;
  let router = false;
  for (let i = 0; i < words.length; i++) {
    if (ROUTER_VERBS.has(words[i])) router = true;
    // After a dispatching word a noun-like verb is what it manages (`manage_jira_filter`, `manage_tags`).
    else if (router && NOUN_LIKE_VERBS.has(words[i])) continue;
    if (isVerbAt(words, i)) {
      at = i;
      break;
    }
  }
  const guide = guideAt(words);
  if (guide >= 0) evidence.push({ rule: `${field}-guide`, field, match: words[guide], points: 'read', weight: weight * GUIDE_SHARE });
  if (at < 0 || nounAtEnd(words, at, described)) return { verbs: [], router };
  if (NAMESPACE_VERBS.has(words[at])) {
    at = actionAfterNamespace(words, at, described);
  } else if (NOUN_LIKE_VERBS.has(words[at])) {
    for (let i = words.length - 1; i > at; i--) {
      if (isVerbAt(words, i) && !NOUN_LIKE_VERBS.has(words[i])) {
        at = i;
        break;
      }
    }
  }
  if (HTTP_METHOD_PREFIXES.has(words[at]) && VERBS.has(words[at + 1])) {
    // The method is no object of the verb after it (`API-post-search` searches; it posts nothing).
    words = [...words.slice(0, at), ...words.slice(at + 1)];
  }
  // A later verb that the description starts with is the action; the first was a product or namespace
  // word (`ClickUp_delete_task` → click, up, delete: "Delete a task"). Between two noun-like verbs the
  // description's picks (`place_search`: "Searches places").
  if (described !== undefined && described !== words[at] && (!NOUN_LIKE_VERBS.has(described) || NOUN_LIKE_VERBS.has(words[at]))) {
    for (let i = at + 1; i < words.length; i++) {
      if (words[i] === described && isVerbAt(words, i)) {
        at = i;
        break;
      }
    }
  }
  const verb = words[at];
  const rule = VERBS.get(verb)!;
  const overridden = readObjects(words, at, verb, rule, field, weight, evidence) || (guide > at && hasStopword(words, at, guide));
  evidence.push({ rule: `${field}-verb:${verb}`, field, match: verb, points: rule.category, weight: overridden ? weight * OVERRIDDEN_VERB : weight });
  if (OUTBOUND_VERBS.has(verb) && !NOT_SENT_OBJECTS.has(words[at + 1]))
    evidence.push({ rule: `${field}-outbound-verb:${verb}`, field, match: verb, points: 'external_comm', weight: 0.6 });
  const verbs = [verb];
  const joined = secondVerbAt(words, at);
  if (joined > 0) {
    const second = words[joined];
    const secondRule = VERBS.get(second)!;
    verbs.push(second);
    evidence.push({
      rule: `${field}-verb:${second}`,
      field,
      match: second,
      points: secondRule.category,
      weight: weight * (WEIGHTS.nameSecondVerb / WEIGHTS.nameVerb),
    });
  }
  return { verbs, router };
}

/**
 * A noun-like verb that ends a name after other words, where the description starts with another verb that
 * reads, is the noun (`docs_index`: "Fetch the documentation index"): the name names data, and the description
 * says what is done with it. A noun-like read verb there (`browser_snapshot`, `git_status`) reads either way.
 */
function nounAtEnd(words: readonly string[], at: number, described: string | undefined): boolean {
  return (
    at > 0 &&
    at === words.length - 1 &&
    described !== undefined &&
    described !== words[at] &&
    NOUN_LIKE_VERBS.has(words[at]) &&
    VERBS.get(words[at])!.category !== 'read' &&
    VERBS.get(described)?.category === 'read'
  );
}

/**
 * Where a second verb joined by or/and stands: right after the first (`create_or_update_file`) or after the
 * first verb's object (`generate_code_and_execute`: it runs what it generated). A noun-like word after a
 * later conjunction is a second object (`get_issue_and_comments`), not a verb. 0 when there is none.
 */
function secondVerbAt(words: readonly string[], at: number): number {
  if (CONJUNCTIONS.has(words[at + 1]) && VERBS.has(words[at + 2])) return at + 2;
  for (let i = at + 2; i < words.length - 1; i++) {
    if (CONJUNCTIONS.has(words[i]) && VERBS.has(words[i + 1]) && !NOUN_LIKE_VERBS.has(words[i + 1])) return i + 1;
  }
  return 0;
}

/**
 * The action after a namespace word (`bash_read_file`, `genai-model-eval-create-run`): the later verb the
 * description's first word agrees with, else the first later verb that is not as often a noun, else the
 * first later verb. With no later verb the namespace word is the action (`bash`, `bash_exec`).
 */
function actionAfterNamespace(words: readonly string[], at: number, described: string | undefined): number {
  let first = -1;
  let clear = -1;
  for (let i = at + 1; i < words.length; i++) {
    if (NAMESPACE_VERBS.has(words[i]) || !isVerbAt(words, i)) continue;
    if (first < 0) first = i;
    if (clear < 0 && !NOUN_LIKE_VERBS.has(words[i])) clear = i;
  }
  if (first < 0) return at;
  if (described !== undefined) for (let i = first; i < words.length; i++) if (words[i] === described) return i;
  return clear >= 0 ? clear : first;
}

function isVerbAt(words: readonly string[], i: number): boolean {
  const word = words[i];
  return (
    VERBS.has(word) &&
    !COMPOUND_NOUNS.get(word)?.has(words[i + 1]) &&
    (i === 0 || !LEADING_ONLY_VERBS.has(word)) &&
    // A verb after a number is part of a compound noun: `1-click`, `2-step`.
    (i === 0 || !isNumber(words[i - 1])) &&
    // After an article, `from`, `pre` or `cloud` a verb-like word is a noun: `fulfil_an_order`, `import_site_from_archive`, `hooks_pre-edit`, `CloudRun`.
    (i === 0 || !NOT_BEFORE_A_VERB.has(words[i - 1])) &&
    // Only where it matters: `test_statistics` reads either way.
    !(NOUN_LIKE_VERBS.has(word) && FIGURE_NOUNS.has(words[i + 1]) && VERBS.get(word)!.category !== 'read')
  );
}

/**
 * Words after which a verb-like word is a noun: an article, where something comes from, the event a hook runs before,
 * a cloud product (`CloudRun`, `cloud_build`: Cloud Run, Cloud Build).
 */
const NOT_BEFORE_A_VERB: ReadonlySet<string> = new Set(['a', 'an', 'the', 'from', 'pre', 'cloud']);

/** How much of the name's weight a guide noun as the last word carries. */
const GUIDE_SHARE = 0.95;

/**
 * Where the name ends in a guide noun that no verb acts on (`deployment_guide`, `migrate_pages_to_workers_guide`,
 * not `create_guide` or `update_project_docs`), or -1.
 */
function guideAt(words: readonly string[]): number {
  const last = words.length - 1;
  if (last < 1 || !GUIDE_NOUNS.has(words[last])) return -1;
  for (let i = last - 1; i >= 0; i--) {
    if (OBJECT_STOPWORDS.has(words[i])) return last;
    if (isVerbAt(words, i)) return -1;
  }
  return last;
}

function hasStopword(words: readonly string[], from: number, to: number): boolean {
  for (let i = from + 1; i < to; i++) if (OBJECT_STOPWORDS.has(words[i])) return true;
  return false;
}

function isNumber(word: string): boolean {
  for (let i = 0; i < word.length; i++) {
    const code = word.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** Which call of readObjects each object rule last fired in: no clearing between calls. */
const firedIn = new Float64Array(OBJECT_RULES.length);
let calls = 0;

/** What the words other than the verb imply with it. Returns whether a rule overrides the verb. */
export function readObjects(
  words: string[],
  at: number,
  verb: string,
  verbRule: VerbRule,
  field: Evidence['field'],
  scale: number,
  evidence: Evidence[],
): boolean {
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
  const call = ++calls; // a rule has fired in this call when firedIn[r] === call
  for (let i = 0; i < words.length; i++) {
    if (i === at) continue;
    const indexes = OBJECT_RULES_BY_WORD.get(words[i]);
    if (!indexes) continue;
    for (const r of indexes) {
      const rule = OBJECT_RULES[r];
      if (firedIn[r] === call) continue;
      if (rule.headOnly && words[i] !== head) continue;
      if (rule.after && (i === 0 || !rule.after.includes(words[i - 1]))) continue;
      if (rule.notAfter && i > 0 && rule.notAfter.includes(words[i - 1])) continue;
      if (rule.unlessHead && head !== undefined && rule.unlessHead.includes(head)) continue;
      if (rule.unlessWith && words.some((w) => rule.unlessWith!.includes(w))) continue;
      const verbs = OBJECT_RULE_VERBS[r];
      if (verbs ? !verbs.has(verb) : rule.verbCategories ? !rule.verbCategories.includes(verbRule.category) : false) continue;
      firedIn[r] = call;
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

const MEMBERSHIP_REMOVAL: VerbRule = { category: 'write' };

/**
 * The rule of an operation a router names (`delete`, `create_rule`). A bare `remove` beside a bare `add`
 * takes things out of what the tool manages (the accounts of a client, the skills of an agent): a
 * membership, as `git_remote`'s is; `create`/`delete` is the lifecycle of the thing itself.
 */
export function operationRule(words: readonly string[], membership: boolean): VerbRule | undefined {
  if (words.length === 0) return undefined;
  if (membership && words.length === 1 && words[0] === 'remove') return MEMBERSHIP_REMOVAL;
  return VERBS.get(words[0]);
}

/**
 * A verbless name made only of data words (`db_stats`) or a lookup (`asset_by_id`) reads that data. Failing
 * that, a verbless name of a hook (`hooks_task-completed`) is an event handler: told that something happened,
 * it records it (a write).
 */
export function readDataNouns(words: string[], evidence: Evidence[]): void {
  let hook = '';
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (DATA_NOUNS.has(word) || (word === 'by' && i > 0 && i < words.length - 1)) {
      evidence.push({ rule: 'name-data-noun', field: 'name', match: word, points: 'read', weight: WEIGHTS.dataNoun });
      return;
    }
    if (word === 'hook' || word === 'hooks') hook = word;
  }
  if (hook) evidence.push({ rule: 'name-event-hook', field: 'name', match: hook, points: 'write', weight: WEIGHTS.dataNoun });
}

/** Categories an agent noun may imply alone: a `buyer` or `cleaner` in a name is too often a person or a thing. */
const AGENT_NOUN_CATEGORIES: ReadonlySet<string> = new Set(['read', 'write', 'execute']);

/**
 * A verbless name whose word is the agent noun of a verb (`services-reader`, `db_analyzer`, `code_runner`,
 * `schema_validator`) does what that verb does, as a description's verb would say it.
 */
export function readAgentNoun(words: string[], evidence: Evidence[]): void {
  for (let i = words.length - 1; i >= 0; i--) {
    const verb = verbOfAgentNoun(words[i]);
    if (verb === undefined) continue;
    const rule = VERBS.get(verb)!;
    if (!AGENT_NOUN_CATEGORIES.has(rule.category)) continue;
    evidence.push({ rule: `name-agent-noun:${verb}`, field: 'name', match: words[i], points: rule.category, weight: WEIGHTS.descriptionVerb });
    return;
  }
}

function verbOfAgentNoun(word: string): string | undefined {
  if (word.length < 5 || word.charCodeAt(word.length - 1) !== 114 /* r */) return undefined;
  const vowel = word.charCodeAt(word.length - 2);
  if (vowel !== 101 /* e */ && vowel !== 111 /* o */) return undefined;
  // reader → read, updater → update, runner → run, validator → validate
  const stem = word.slice(0, -2);
  if (VERBS.has(stem)) return stem;
  const withE = `${stem}e`;
  if (VERBS.has(withE)) return withE;
  const single = stem.length > 2 && stem[stem.length - 1] === stem[stem.length - 2] ? stem.slice(0, -1) : '';
  return single && VERBS.has(single) ? single : undefined;
}
