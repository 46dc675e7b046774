export const STOPWORDS: Set<string>;
export interface Compound {
  readonly whole: string | null;
  /** Shared between calls (remembered per word): never change it. */
  readonly parts: readonly string[];
}
export interface QueryGroup {
  whole: string | null;
  raw: string;
  parts: string[];
}
export function compounds(text: string): Compound[];
export function tokenizer(stem: (word: string) => string): {
  terms(text: string, skipStopwords?: boolean): string[];
  query(text: string): QueryGroup[];
};
export function shardKey(term: string): string;
export function prefixKey(prefix: string): string;
export function idsWithinFiles(ids: readonly number[], docsPerShard: number, maxFiles: number): number;
export const CATEGORIES: string[];
export const SEVERITIES: string[];
export const FLAGS: string[];
export function facetChar(kind: 'tool' | 'server', category: string, severity: string): string;
export function decodeFacet(char: string): { kind: 'tool' | 'server'; category: string; severity: string };
export function flagsChar(flags: readonly string[]): string;
export function hasFlag(char: string | undefined, flag: string): boolean;
