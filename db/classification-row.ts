import type { Classification } from '../classifier/index.ts';
import type { ClassificationRow } from './schema.ts';

/**
 * The classification row, mapped both ways in one place: what the classifier returned, as the catalogue stores
 * it (keyed by the definition's hash and the classifier version), and back. The columns carry the classifier's
 * types (schema.ts), so neither direction needs a cast.
 */
export function classificationRow(hash: string, classification: Classification, classifiedAt: Date): ClassificationRow {
  const { version, ...result } = classification;
  return { hash, classifierVersion: version, ...result, classifiedAt };
}

export function classificationFromRow(row: ClassificationRow): Classification {
  return {
    category: row.category,
    severity: row.severity,
    flags: row.flags,
    confidence: row.confidence,
    evidence: row.evidence,
    annotationConflicts: row.annotationConflicts,
    explanation: row.explanation,
    version: row.classifierVersion,
  };
}
