import type { Category } from '../types.ts';

/**
 * MCP annotations are the server's own claim: they may raise a classification, never lower it, and a
 * contradiction with the other evidence is reported. Each rule says when a declared hint raises the
 * category `from` one to `to`, and which declared value contradicts which evidence.
 */
export interface AnnotationRaise {
  id: string;
  hint: 'readOnlyHint' | 'destructiveHint';
  value: boolean;
  from: Category[];
  to: Category;
  /**
   * When set, the raise needs `readOnlyHint: false` declared too. MCP gives destructiveHint meaning only
   * for tools that are not read-only; a lone `destructiveHint: true` is too often a blanket default
   * (some servers set it on every tool) to raise a classification on its own.
   */
  needsDeclaredWrite?: boolean;
  /** When set, tools whose name verbs preserve data (create, send, pause, rename…; see verbs.ts) keep their category. */
  notForPreserving?: boolean;
  weight: number;
}

export const ANNOTATION_RAISES: readonly AnnotationRaise[] = [
  { id: 'declares-writes', hint: 'readOnlyHint', value: false, from: ['read', 'unknown'], to: 'write', weight: 0.6 },
  { id: 'declares-destructive', hint: 'destructiveHint', value: true, from: ['write'], to: 'destructive', needsDeclaredWrite: true, notForPreserving: true, weight: 0.6 },
];

export interface AnnotationContradiction {
  hint: 'readOnlyHint' | 'destructiveHint';
  value: boolean;
  /** The evidence categories this declared value contradicts. */
  contradicts: Category[];
  message: (category: Category) => string;
}

export const ANNOTATION_CONTRADICTIONS: readonly AnnotationContradiction[] = [
  { hint: 'readOnlyHint', value: true, contradicts: ['write', 'execute', 'destructive', 'financial'], message: (c) => `declared read-only, but the name and description say it is ${c}` },
  { hint: 'readOnlyHint', value: false, contradicts: ['read'], message: () => 'declared not read-only, but the name and description only describe reading' },
  { hint: 'destructiveHint', value: false, contradicts: ['destructive'], message: () => 'declared non-destructive, but the name and description describe a destructive action' },
  { hint: 'destructiveHint', value: true, contradicts: ['read', 'write'], message: (c) => `declared destructive, but the name and description describe a ${c === 'read' ? 'read-only' : 'reversible'} action` },
];
