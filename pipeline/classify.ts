import { classify, CLASSIFIER_VERSION } from '../classifier/index.ts';
import { classificationRow, iterateUnclassified, writeClassifications, type Orm } from '../db/index.ts';

export interface ClassifyStepResult {
  classifierVersion: string;
  /** Definitions classified now; those already classified for this version are not read again. */
  classified: number;
}

/**
 * Classifies every current tool definition that has no classification for this classifier version, in
 * batches, each written before the next is read. Definitions are content-addressed, so a tool seen before
 * (on any server, in any run) costs nothing.
 */
export async function classifyCatalogue(
  orm: Orm,
  options: { now?: () => Date; batchSize?: number; onBatch?: (classified: number) => void } = {},
): Promise<ClassifyStepResult> {
  const now = options.now ?? (() => new Date());
  let classified = 0;
  for await (const definitions of iterateUnclassified(orm, CLASSIFIER_VERSION, options.batchSize ?? 2000)) {
    const at = now();
    await writeClassifications(
      orm,
      definitions.map((definition) => classificationRow(definition.hash, classify(definition), at)),
    );
    classified += definitions.length;
    options.onBatch?.(classified);
  }
  return { classifierVersion: CLASSIFIER_VERSION, classified };
}
