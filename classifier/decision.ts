import { ANNOTATION_CONTRADICTIONS, ANNOTATION_READINGS } from './rules/annotations.ts';
import type { AnnotationConflict, Category, Evidence, Flag } from './types.ts';
import { FLAGS } from './types.ts';
import { DECISION_MARGIN, DECISION_THRESHOLD, EXECUTE_FREEFORM_THRESHOLD, FLAG_THRESHOLD, UNKNOWN_BELOW } from './weights.ts';

const CATEGORY_SET: Record<string, true> = { read: true, write: true, execute: true, destructive: true, financial: true, unknown: true };
/** Categories from worst to mildest: the worst that the evidence supports wins. */
const WORST_FIRST: readonly Category[] = ['financial', 'destructive', 'execute', 'write', 'read'];
/** Flags that only mean something for tools that change the world. */
const CHANGE_ONLY_FLAGS: ReadonlySet<Flag> = new Set(['external_comm', 'bulk']);
/** Flags about what a tool returns: a tool that only changes something hands back no third-party or private content. */
const RETURN_ONLY_FLAGS: ReadonlySet<Flag> = new Set(['untrusted_content', 'private_data']);
const RETURNS_CONTENT: ReadonlySet<Category> = new Set(['read', 'execute', 'unknown']);

export type Scores = Record<Category, number>;

export function categoryScores(evidence: readonly Evidence[]): Scores {
  const scores: Scores = { read: 0, write: 0, execute: 0, destructive: 0, financial: 0, unknown: 0 };
  for (const e of evidence) {
    if (e.points in scores) {
      const c = e.points as Category;
      if (e.weight > scores[c]) scores[c] = e.weight;
    }
  }
  return scores;
}

/** The worst category with enough evidence, close enough to the strongest evidence; else the strongest; else unknown. */
export function decide(scores: Scores): Category {
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

/** For a tool whose text names no action: what its declared hints say it does (read or write), if anything. */
export function categoryFromAnnotations(annotations: Record<string, unknown>, evidence: Evidence[]): Category | undefined {
  for (const reading of ANNOTATION_READINGS) {
    if (annotations[reading.hint] !== reading.value) continue;
    evidence.push({
      rule: `annotation:${reading.id}`,
      field: 'annotations',
      match: `${reading.hint}: ${String(reading.value)}`,
      points: reading.category,
      weight: reading.weight,
    });
    return reading.category;
  }
  return undefined;
}

/** The strongest evidence for any category. */
export function strongest(scores: Scores): number {
  let top = 0;
  for (const c of WORST_FIRST) if (scores[c] > top) top = scores[c];
  return top;
}

export function conflictsWith(category: Category, annotations: Record<string, unknown>): AnnotationConflict[] {
  const conflicts: AnnotationConflict[] = [];
  for (const rule of ANNOTATION_CONTRADICTIONS) {
    if (annotations[rule.hint] !== rule.value || !rule.contradicts.includes(category)) continue;
    // MCP: destructiveHint means nothing for a tool declared read-only.
    if (rule.hint === 'destructiveHint' && annotations.readOnlyHint === true) continue;
    conflicts.push({ annotation: rule.hint, declared: rule.value, message: rule.message(category) });
  }
  return conflicts;
}

export function flagsFrom(evidence: readonly Evidence[], category: Category): Flag[] {
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
    if ((best[f] ?? 0) < threshold) continue;
    if (!changes && CHANGE_ONLY_FLAGS.has(f)) continue;
    if (!RETURNS_CONTENT.has(category) && RETURN_ONLY_FLAGS.has(f)) continue;
    flags.push(f);
  }
  return flags;
}

/** How clearly the chosen category beat the others: its own evidence, less a share of the strongest rival's. */
export function confidenceOf(category: Category, scores: Scores): number {
  if (category === 'unknown') return 0.2;
  let rival = 0;
  for (const c of WORST_FIRST) if (c !== category && scores[c] > rival) rival = scores[c];
  const own = Math.max(scores[category], DECISION_THRESHOLD);
  return Math.round(Math.max(0.05, Math.min(1, own - rival * 0.3)) * 100) / 100;
}
