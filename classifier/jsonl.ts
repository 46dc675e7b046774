import { z } from 'zod';
import { classify } from './classify.ts';

/** One tool definition per line, as `toolrisk classify --file` reads them; other fields are ignored. */
const toolLine = z.object({
  name: z.string().min(1, 'name must not be empty'),
  title: z.string().nullish(),
  description: z.string().nullish(),
  input_schema: z.unknown().optional(),
  inputSchema: z.unknown().optional(),
  annotations: z.record(z.string(), z.unknown()).nullish(),
});

/**
 * Classifies one JSON line into one JSON line: the classification, or `{"error": …}` naming the line
 * when it is not a tool definition. A bad line never stops the rest.
 */
export function classifyJsonLine(line: string, lineNumber: number): string {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return JSON.stringify({ line: lineNumber, error: `not JSON: ${(error as Error).message}` });
  }
  const parsed = toolLine.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).join('; ');
    return JSON.stringify({ line: lineNumber, error: `not a tool definition: ${problems}` });
  }
  const t = parsed.data;
  const c = classify({ name: t.name, title: t.title, description: t.description, inputSchema: t.inputSchema ?? t.input_schema, annotations: t.annotations });
  return JSON.stringify({
    name: t.name,
    category: c.category,
    severity: c.severity,
    flags: c.flags,
    confidence: c.confidence,
    explanation: c.explanation,
    evidence: c.evidence,
    annotationConflicts: c.annotationConflicts,
    version: c.version,
  });
}
