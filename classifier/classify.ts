import { categoryScores, confidenceOf, conflictsWith, decide, flagsFrom, raiseByAnnotations } from './decision.ts';
import { readDescription } from './evidence/description.ts';
import { readDataNouns, readName } from './evidence/name.ts';
import { readSchema } from './evidence/schema.ts';
import { explain } from './explain.ts';
import { findPoisoning } from './poisoning.ts';
import { isRecord } from './record.ts';
import { severityOf } from './severity.ts';
import { splitWords, tokenizeName } from './tokenize.ts';
import type { Classification, Evidence, ToolInput } from './types.ts';
import { WEIGHTS } from './weights.ts';

export { WEIGHTS } from './weights.ts';

/** Bump when rules change: stored classifications of another version are recomputed. */
export const CLASSIFIER_VERSION = '1.3.0';

/** Classifies one tool from its name, title, description, input schema and annotations. Pure and deterministic. */
export function classify(tool: ToolInput): Classification {
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
