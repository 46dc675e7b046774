/** A mistake in the command line: reported with exit code 2. */
export class UsageError extends Error {}
