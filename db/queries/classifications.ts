import { and, asc, eq, gt, isNull, sql, type SQL } from 'drizzle-orm';
import type { Orm } from '../connection.ts';
import { classifications, serverTools, toolDefinitions, type NewClassification, type ToolDefinitionRow } from '../schema.ts';
import { chunks } from './chunks.ts';

/**
 * Current tool definitions (in some server's tool set) with no classification for this classifier version,
 * in batches ordered by hash. Write each batch's classifications before asking for the next. The search starts
 * from the current tool sets, not from every definition ever stored: definitions are never deleted, so a
 * catalogue crawled nightly holds more of them every night, and a site build asks this whenever it reads a tool with none.
 */
export async function* iterateUnclassified(orm: Orm, classifierVersion: string, batchSize = 1000): AsyncGenerator<ToolDefinitionRow[]> {
  let after: string | undefined;
  for (;;) {
    const unclassified = orm
      .selectDistinct({ hash: serverTools.hash })
      .from(serverTools)
      .leftJoin(classifications, classificationFor(classifierVersion))
      .where(and(isNull(classifications.hash), after === undefined ? undefined : gt(serverTools.hash, after)))
      .orderBy(asc(serverTools.hash))
      .limit(batchSize)
      .as('unclassified');
    const rows = await orm
      .select({ definition: toolDefinitions })
      .from(unclassified)
      .innerJoin(toolDefinitions, eq(toolDefinitions.hash, unclassified.hash))
      .orderBy(asc(toolDefinitions.hash));
    if (rows.length === 0) return;
    yield rows.map((r) => r.definition);
    after = rows[rows.length - 1].definition.hash;
    if (rows.length < batchSize) return;
  }
}

/** Joins a current tool (its server_tools row) to its classification for this classifier version. */
export function classificationFor(classifierVersion: string): SQL {
  return and(eq(classifications.hash, serverTools.hash), eq(classifications.classifierVersion, classifierVersion))!;
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
