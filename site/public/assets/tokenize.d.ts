export const STOPWORDS: Set<string>;
export function tokenize(text: string): string[];
export function shardKey(term: string): string;
export const CATEGORIES: string[];
export const SEVERITIES: string[];
export function facetChar(kind: 'tool' | 'server', category: string, severity: string): string;
export function decodeFacet(char: string): { kind: 'tool' | 'server'; category: string; severity: string };
