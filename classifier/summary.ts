import { severityRank } from './severity.ts';
import type { Category, Classification, Flag, Severity } from './types.ts';
import { CATEGORIES, SEVERITIES } from './types.ts';

export type Grade = 'A' | 'B' | 'C' | 'D' | 'F';

export interface ServerSummary {
  toolCount: number;
  categories: Record<Category, number>;
  severities: Record<Severity, number>;
  /** How many tools carry each flag. */
  flags: Partial<Record<Flag, number>>;
  /** The tool with the highest severity (then the worse category, then the first name). */
  worstTool: { name: string; category: Category; severity: Severity } | null;
  /** Some tool reads private data, some returns untrusted content and some talks to the outside. */
  lethalTrifecta: boolean;
  grade: Grade;
  gradeReason: string;
}

/** Worse categories first, for choosing the worst tool among equal severities. */
const CATEGORY_RANK: Record<Category, number> = { read: 0, unknown: 1, write: 2, execute: 3, destructive: 4, financial: 5 };
const GRADE_BY_WORST_SEVERITY: Record<Severity, Grade> = { low: 'A', medium: 'B', high: 'C', critical: 'D' };
const GRADES: readonly Grade[] = ['A', 'B', 'C', 'D', 'F'];

/**
 * The grade rule, as shown on the site:
 * - start from the worst tool's severity: low → A, medium → B, high → C, critical → D;
 * - the lethal trifecta (private data + untrusted content + external communication across the server's
 *   tools) lowers the grade one letter (D becomes F);
 * - any tool whose description looks like tool poisoning makes it F;
 * - a server with no tools is A.
 */
export function gradeServer(worst: Severity | null, lethalTrifecta: boolean, poisoned: number): { grade: Grade; gradeReason: string } {
  if (poisoned > 0) {
    return {
      grade: 'F',
      gradeReason: `F: ${poisoned === 1 ? 'one tool has a description' : `${poisoned} tools have descriptions`} that look written to manipulate the model (tool poisoning).`,
    };
  }
  if (worst === null) return { grade: 'A', gradeReason: 'A: the server lists no tools.' };
  const base = GRADE_BY_WORST_SEVERITY[worst];
  const because = `its worst tool is ${worst} severity`;
  if (!lethalTrifecta) return { grade: base, gradeReason: `${base}: ${because}.` };
  const grade = GRADES[Math.min(GRADES.indexOf(base) + 1, GRADES.length - 1)];
  return {
    grade,
    gradeReason: `${grade}: ${because} (${base}), lowered one letter for the lethal trifecta: its tools together read private data, take in untrusted content and communicate externally.`,
  };
}

export interface Tally {
  total: number;
  categories: Record<Category, number>;
  severities: Record<Severity, number>;
}

export function emptyTally(): Tally {
  return {
    total: 0,
    categories: Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>,
    severities: Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>,
  };
}

/** Adds classifications to a tally of categories and severities. */
export function addToTally(tally: Tally, classifications: Iterable<{ category: Category; severity: Severity }>): Tally {
  for (const c of classifications) {
    tally.total++;
    tally.categories[c.category]++;
    tally.severities[c.severity]++;
  }
  return tally;
}

export function summarizeServer(tools: ReadonlyArray<{ name: string; classification: Classification }>): ServerSummary {
  const { categories, severities } = addToTally(
    emptyTally(),
    tools.map((t) => t.classification),
  );
  const flags: Partial<Record<Flag, number>> = {};
  let worst: ServerSummary['worstTool'] = null;
  for (const { name, classification: c } of tools) {
    for (const flag of c.flags) flags[flag] = (flags[flag] ?? 0) + 1;
    if (!worst || isWorse(c, name, worst)) worst = { name, category: c.category, severity: c.severity };
  }
  const lethalTrifecta = Boolean(flags.private_data && flags.untrusted_content && flags.external_comm);
  const { grade, gradeReason } = gradeServer(worst?.severity ?? null, lethalTrifecta, flags.poisoning_suspect ?? 0);
  return { toolCount: tools.length, categories, severities, flags, worstTool: worst, lethalTrifecta, grade, gradeReason };
}

function isWorse(c: Classification, name: string, than: NonNullable<ServerSummary['worstTool']>): boolean {
  const bySeverity = severityRank(c.severity) - severityRank(than.severity);
  if (bySeverity !== 0) return bySeverity > 0;
  const byCategory = CATEGORY_RANK[c.category] - CATEGORY_RANK[than.category];
  if (byCategory !== 0) return byCategory > 0;
  return name < than.name;
}
