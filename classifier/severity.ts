import type { Category, Flag, Severity } from './types.ts';
import { SEVERITIES } from './types.ts';

/** DESIGN.md's default severity per category. */
export const DEFAULT_SEVERITY: Readonly<Record<Category, Severity>> = {
  read: 'low',
  write: 'medium',
  execute: 'high',
  destructive: 'critical',
  financial: 'critical',
  unknown: 'medium',
};

/**
 * Flags that make a category's harm larger, each raising severity one step (at most one step in all):
 * a read that returns secrets, a write that reaches other people or many items, code run with
 * administrative reach. A poisoning suspect is raised whatever it does.
 */
export const AGGRAVATING_FLAGS: Readonly<Record<Category, readonly Flag[]>> = {
  read: ['credential_admin', 'poisoning_suspect'],
  write: ['external_comm', 'credential_admin', 'bulk', 'poisoning_suspect'],
  execute: ['external_comm', 'credential_admin', 'bulk', 'poisoning_suspect'],
  destructive: [],
  financial: [],
  unknown: ['poisoning_suspect'],
};

export function severityOf(category: Category, flags: readonly Flag[]): { severity: Severity; raisedBy: Flag[] } {
  const base = DEFAULT_SEVERITY[category];
  const raisedBy: Flag[] = [];
  for (const f of flags) if (AGGRAVATING_FLAGS[category].includes(f)) raisedBy.push(f);
  if (raisedBy.length === 0) return { severity: base, raisedBy };
  return { severity: SEVERITIES[Math.min(SEVERITIES.indexOf(base) + 1, SEVERITIES.length - 1)], raisedBy };
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}
