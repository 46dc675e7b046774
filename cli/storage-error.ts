import { describeDatabaseError, errorCode, type Database } from '../db/index.ts';

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
