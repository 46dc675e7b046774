import { and, asc, eq, exists, gt, isNull, sql } from 'drizzle-orm';
import type { Orm } from '../connection.ts';
import { classifications, serverTools, toolDefinitions, type NewClassification, type ToolDefinitionRow } from '../schema.ts';
import { chunks } from './chunks.ts';

/**
 * Current tool definitions (in some server's tool set) with no classification for this classifier version,
 * in batches ordered by hash. Write each batch's classifications before asking for the next.
 */
export async function* iterateUnclassified(orm: Orm, classifierVersion: string, batchSize = 1000): AsyncGenerator<ToolDefinitionRow[]> {
  let after: string | undefined;
  for (;;) {
    const rows = await orm
      .select({ definition: toolDefinitions })
      .from(toolDefinitions)
      .leftJoin(classifications, and(eq(classifications.hash, toolDefinitions.hash), eq(classifications.classifierVersion, classifierVersion)))
      .where(
        and(
          isNull(classifications.hash),
          exists(orm.select({ one: sql`1` }).from(serverTools).where(eq(serverTools.hash, toolDefinitions.hash))),
          after === undefined ? undefined : gt(toolDefinitions.hash, after),
        ),
      )
      .orderBy(asc(toolDefinitions.hash))
      .limit(batchSize);
    if (rows.length === 0) return;
    yield rows.map((r) => r.definition);
    after = rows[rows.length - 1].definition.hash;
    if (rows.length < batchSize) return;
  }
}

/** Inserts or replaces classifications, keyed by (definition hash, classifier version). */
export async function writeClassifications(orm: Orm, rows: readonly NewClassification[]): Promise<void> {
  for (const chunk of chunks(rows, 1000)) {
    await orm
      .insert(classifications)
      .values([...chunk])
      .onConflictDoUpdate({
        target: [classifications.hash, classifications.classifierVersion],
        set: {
          category: sql`excluded.category`,
          severity: sql`excluded.severity`,
          flags: sql`excluded.flags`,
          confidence: sql`excluded.confidence`,
          evidence: sql`excluded.evidence`,
          annotationConflicts: sql`excluded.annotation_conflicts`,
          explanation: sql`excluded.explanation`,
          classifiedAt: sql`excluded.classified_at`,
        },
      });
  }
}
