import { placeholderFor } from '../targets.ts';

/** What the registry says of one input (an environment variable or an argument). */
export interface DeclaredInput {
  name?: string;
  valueHint?: string;
  description?: string;
  format?: string;
  choices?: string[];
}

/** A URL nothing answers: `.invalid` never resolves (RFC 6761), and the sandbox has no network anyway. */
export const PLACEHOLDER_URL = 'https://toolrisk-placeholder.invalid/';
export const PLACEHOLDER_PORT = '8080';
/**
 * An absolute folder (servers often insist on one) that is empty and the server's own: under bwrap the
 * sandbox's private /tmp, and as an argument it is replaced by an empty scratch folder (crawler/sandbox).
 */
export const PLACEHOLDER_FOLDER = '/tmp';

/**
 * A fake value shaped like what the input expects, so that a server which checks the shape of its
 * configuration at start still starts: one of its choices, a URL, a port, a number, a boolean, a scratch
 * folder for paths; otherwise the obviously fake TOOLRISK_PLACEHOLDER_<NAME>.
 */
export function typedPlaceholder(input: DeclaredInput): string {
  const label = input.name ?? input.valueHint ?? 'ARG';
  if (input.choices && input.choices.length > 0 && typeof input.choices[0] === 'string') return input.choices[0];
  const words = new Set(
    `${input.name ?? ''} ${input.valueHint ?? ''}`
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean),
  );
  const has = (...candidates: string[]) => candidates.some((word) => words.has(word));
  const format = (input.format ?? '').toLowerCase();
  if (format === 'boolean') return 'false';
  if (has('url', 'urls', 'uri', 'endpoint', 'endpoints', 'webhook')) return PLACEHOLDER_URL;
  if (has('port')) return PLACEHOLDER_PORT;
  if (format === 'number' || format === 'integer') return '1';
  if (format === 'filepath' || has('path', 'paths', 'dir', 'dirs', 'directory', 'directories', 'folder', 'folders', 'root', 'workspace')) {
    return PLACEHOLDER_FOLDER;
  }
  return placeholderFor(label);
}
