import type { Outcome } from '../db/index.ts';

/** A failure whose outcome is already known; crawlTarget turns it into data on the attempt. */
export class CrawlError extends Error {
  constructor(
    readonly outcome: Exclude<Outcome, 'ok'>,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CrawlError';
  }
}
