import { describeDatabaseError, errorCode, messageOf, type Database } from '../db/index.ts';

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

/**
 * An error met while writing to the catalogue, restated with its cause (no space left, permissions, a
 * lost connection) and the database it concerns; any other error is returned as it is.
 */
export function storageError(error: unknown, database: Pick<Database, 'backend' | 'location'>): unknown {
  if (errorCode(error) === undefined) return error;
  return new Error(
    `Could not write to the database at ${database.location}: ${describeDatabaseError(error, database)}. ` +
      'Everything stored before this is kept; the run is closed as failed (or, if even that could not be written, by the next command).',
    { cause: error },
  );
}
