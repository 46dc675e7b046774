import { foldConfusables } from './confusables.ts';
import { categoryFromAnnotations, categoryScores, confidenceOf, conflictsWith, decide, flagsFrom, strongest } from './decision.ts';
import { descriptionFacts, readDescription, readOperations } from './evidence/description.ts';
import { readAgentNoun, readDataNouns, readName } from './evidence/name.ts';
import { readSchema } from './evidence/schema.ts';
import { explain } from './explain.ts';
import { findPoisoning } from './poisoning.ts';
import { isRecord } from './record.ts';
import { severityOf } from './severity.ts';
import { splitWords, tokenizeName } from './tokenize.ts';
import type { Classification, Evidence, Severity, ToolInput } from './types.ts';
import { DECISION_THRESHOLD, UNKNOWN_BELOW, WEIGHTS } from './weights.ts';

export { WEIGHTS } from './weights.ts';

/** Bump when rules change: stored classifications of another version are recomputed. */
export const CLASSIFIER_VERSION = '2.7.0';

/** Below this confidence a verdict is shown as needing a person's review. */
export const REVIEW_BELOW = 0.5;
/** The most a verdict resting on weak evidence (nothing reaches the decision threshold) may be. */
const WEAK_EVIDENCE_CAP: Severity = 'medium';
/** A dispatching tool that names none of its operations may do anything it is asked: weight of that reading. */
const UNNAMED_OPERATIONS_WEIGHT = 0.5;

/** Whether a person should review the verdict: no category, or one the evidence only weakly supports. */
export function needsReview(classification: Pick<Classification, 'category' | 'confidence'>): boolean {
  return classification.category === 'unknown' || classification.confidence < REVIEW_BELOW;
}

/** Whether any evidence so far names a category strongly enough to be more than `unknown`. */
function hasCategoryEvidence(evidence: readonly Evidence[]): boolean {
  return strongest(categoryScores(evidence)) >= UNKNOWN_BELOW;
}

/** Classifies one tool from its name, title, description, input schema and annotations. Pure and deterministic. */
export function classify(tool: ToolInput): Classification {
  const evidence: Evidence[] = [];
  const rawName = typeof tool.name === 'string' ? tool.name : '';
  const rawTitle = typeof tool.title === 'string' ? tool.title : '';
  const rawDescription = typeof tool.description === 'string' ? tool.description : '';
  // Rules read what a person reads: look-alike letters from other scripts count as the Latin ones.
  const name = foldConfusables(rawName);
  const title = foldConfusables(rawTitle);
  const description = foldConfusables(rawDescription);

  const nameWords = tokenizeName(name);
  const facts = descriptionFacts(description);
  const reading = readName(nameWords, 'name', WEIGHTS.nameVerb, evidence, facts.verb);
  if (title) readName(splitWords(title), 'title', WEIGHTS.titleVerb, evidence, facts.verb);
  const described = readDescription(facts, reading.verbs[0], evidence);
  if (reading.verbs.length === 0) readAgentNoun(nameWords, evidence);
  if (reading.verbs.length === 0 && !described.verb) readDataNouns(nameWords, evidence);
  const schema = readSchema(tool.inputSchema, nameWords, reading.verbs[0], evidence);
  if (reading.router || described.router || (reading.verbs.length === 0 && schema.actionArgument)) {
    const named = readOperations(description, nameWords, evidence) + schema.operations;
    if (named === 0 && !hasCategoryEvidence(evidence))
      evidence.push({
        rule: 'router-without-operations',
        field: schema.actionArgument ? 'inputSchema' : 'name',
        match: rawName,
        points: 'execute',
        weight: UNNAMED_OPERATIONS_WEIGHT,
      });
  }

  const scores = categoryScores(evidence);
  let category = decide(scores);
  const annotations = isRecord(tool.annotations) ? tool.annotations : undefined;
  const fromAnnotations = category === 'unknown' && annotations ? categoryFromAnnotations(annotations, evidence) : undefined;
  if (fromAnnotations) category = fromAnnotations;
  const weak = !fromAnnotations && strongest(scores) < DECISION_THRESHOLD;

  findPoisoning(rawName, rawTitle, rawDescription, evidence, rawDescription === description ? described.poisoning : undefined);
  const flags = flagsFrom(evidence, category);
  const raised = severityOf(category, flags);
  const severity = weak && raised.severity !== 'low' ? WEAK_EVIDENCE_CAP : raised.severity;
  const annotationConflicts = annotations ? conflictsWith(category, annotations) : [];
  const confidence = weak ? Math.min(confidenceOf(category, scores), REVIEW_BELOW - 0.05) : confidenceOf(category, scores);
  const review = category === 'unknown' || confidence < REVIEW_BELOW;
  return {
    category,
    flags,
    severity,
    confidence,
    evidence,
    annotationConflicts,
    explanation: explain(category, severity, flags, severity === raised.severity ? raised.raisedBy : [], evidence, annotationConflicts, review),
    version: CLASSIFIER_VERSION,
  };
}
