import type { Category } from '../types.ts';

/**
 * MCP annotations are the server's own claim. What the tool's name, description and schema say it does
 * decides; an annotation decides only where that text names no action, and then never makes a tool
 * critical: many servers set `destructiveHint: true` on every tool that is not read-only, or
 * `readOnlyHint: false` on screenshots. A declared hint that contradicts the text is reported as an
 * annotation conflict (below) whichever way it points.
 */
export interface AnnotationReading {
  id: string;
  hint: 'readOnlyHint';
  value: boolean;
  category: Extract<Category, 'read' | 'write'>;
  weight: number;
}

/** What a tool whose text names no action is taken to do from its declared hints (`destructiveHint` alone says nothing: it is often a blanket default). */
export const ANNOTATION_READINGS: readonly AnnotationReading[] = [
  { id: 'declares-read-only', hint: 'readOnlyHint', value: true, category: 'read', weight: 0.6 },
  { id: 'declares-writes', hint: 'readOnlyHint', value: false, category: 'write', weight: 0.6 },
];

export interface AnnotationContradiction {
  hint: 'readOnlyHint' | 'destructiveHint';
  value: boolean;
  /** The evidence categories this declared value contradicts. */
  contradicts: Category[];
  message: (category: Category) => string;
}

export const ANNOTATION_CONTRADICTIONS: readonly AnnotationContradiction[] = [
  {
    hint: 'readOnlyHint',
    value: true,
    contradicts: ['write', 'execute', 'destructive', 'financial'],
    message: (c) => `declared read-only, but the name and description say it is ${c}`,
  },
  { hint: 'readOnlyHint', value: false, contradicts: ['read'], message: () => 'declared not read-only, but the name and description only describe reading' },
  {
    hint: 'destructiveHint',
    value: false,
    contradicts: ['destructive'],
    message: () => 'declared non-destructive, but the name and description describe a destructive action',
  },
  {
    hint: 'destructiveHint',
    value: true,
    contradicts: ['read', 'write'],
    message: (c) => `declared destructive, but the name and description describe a ${c === 'read' ? 'read-only' : 'reversible'} action`,
  },
];
