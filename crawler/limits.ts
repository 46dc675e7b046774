/** Every limit of one crawl attempt; each one, when hit, ends the attempt with its own outcome. */
export interface CrawlLimits {
  /** Per MCP request (initialize, each tools/list page): `timeout`. */
  requestTimeoutMs: number;
  /** The whole attempt, from launch or first request to the last page (an npm install before it has its own timeout): `deadline_exceeded`. */
  deadlineMs: number;
  /** tools/list pages: `too_many_pages`. */
  maxPages: number;
  /** Tools in the listing: `too_many_tools`. */
  maxTools: number;
  /** Bytes of all tools/list results together: `listing_too_large`. */
  maxListingBytes: number;
  /** Longer descriptions are stored cut, with `descriptionTruncated`. */
  maxDescriptionLength: number;
  /** One JSON-RPC message from a stdio server, or one HTTP response body. */
  maxMessageBytes: number;
  /** The server's stderr kept with the attempt. */
  maxStderrBytes: number;
}

export const DEFAULT_LIMITS: CrawlLimits = {
  requestTimeoutMs: 30_000,
  deadlineMs: 120_000,
  maxPages: 100,
  maxTools: 2_000,
  maxListingBytes: 16 * 1024 * 1024,
  maxDescriptionLength: 16_384,
  maxMessageBytes: 8 * 1024 * 1024,
  maxStderrBytes: 64 * 1024,
};

export function resolveLimits(partial: Partial<CrawlLimits> = {}): CrawlLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(partial) as Array<[keyof CrawlLimits, number | undefined]>) {
    if (value !== undefined) limits[key] = value;
  }
  return limits;
}
