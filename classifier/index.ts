/** The classifier's public face: pure functions from tool definitions to classifications and summaries. */
export { classify, CLASSIFIER_VERSION } from './classify.ts';
export { summarizeServer, gradeServer, type Grade, type ServerSummary } from './summary.ts';
export { DEFAULT_SEVERITY, AGGRAVATING_FLAGS, severityOf } from './severity.ts';
export * from './types.ts';
