// db/errors.ts, not db/index.ts: this module is loaded before every command, and the database's modules are not.
import { errorCode, messageOf } from '../db/errors.ts';

/** A mistake in the command line: reported with exit code 2. */
export class UsageError extends Error {}

/**
 * What a failed command prints: the error's own message, except that a failed database query is shown by
 * its cause (drizzle's message is the whole query with every parameter, a wall of crawled text).
 */
export function failureMessage(error: unknown): string {
  const text = messageOf(error);
  const cause = error instanceof Error ? error.cause : undefined;
  if (text.startsWith('Failed query:') && cause !== undefined) {
    const query = text.slice('Failed query:'.length).trim().split('\n')[0].trim().slice(0, 80);
    return `a database query failed: ${messageOf(cause)}${errorCode(cause) ? ` (${errorCode(cause)})` : ''} [query: ${query}…]`;
  }
  return text;
}
