/** The classifier's public face: pure functions from tool definitions to classifications and summaries. */
export { classify, CLASSIFIER_VERSION, needsReview, REVIEW_BELOW } from './classify.ts';
export { summarizeServer, gradeServer, emptyTally, addToTally, type Grade, type ServerSummary, type Tally } from './summary.ts';
export { classifyJsonLine } from './jsonl.ts';
export { DEFAULT_SEVERITY, AGGRAVATING_FLAGS, severityOf, severityRank } from './severity.ts';
export * from './types.ts';
