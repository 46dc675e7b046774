import { CRAWL_STATUS_END, CRAWL_STATUS_START, crawlStatusHtml, type PageCrawlStatus } from '../src/crawl-status.ts';
import { rebaseHtml } from './base-path.ts';
import { commentsAt, leanHtml } from './lean-html.ts';
import { checkLastWritten, inputHash } from './manifest.ts';
import type { JsonRegions } from './open-data.ts';
import type { ServerPageModel } from './view-models.ts';

/**
 * A server page as the build manifest keeps it, so that a crawl which changed only the server's crawl status is
 * spliced into the page the last build wrote instead of rendering the page again (a nightly crawl of everything
 * moves every server's status; rendering every server page was most of such a build):
 * - `rest`: the digest of the page's props but its crawl status;
 * - `written`: the hash of the page's bytes as written (an edited file is refused, as an edited JSON file is);
 * - `regions`: where its two crawl-status fragments are in the file (the bytes between their comments);
 * - `json`: where the server's JSON file holds its crawl status (see restateServerJson), spliced the same way.
 */
export interface ServerPageState {
  rest: string;
  written: string;
  regions: Regions;
  json: JsonRegions;
}

type Regions = [summaryStart: number, summaryEnd: number, sectionStart: number, sectionEnd: number];

/** As the manifest's page column holds it (hashes are base64url: no commas). */
export function packServerPage(state: ServerPageState): string {
  return [state.rest, state.written, ...state.regions, ...state.json].join(',');
}

export function unpackServerPage(packed: string): ServerPageState {
  const [rest, written, ...offsets] = packed.split(',');
  const numbers = offsets.map(Number);
  return { rest, written, regions: numbers.slice(0, 4) as Regions, json: numbers.slice(4) as JsonRegions };
}

/** The fields of a server page's model that are its crawl status, in pageCrawlStatus's order. */
export function crawlStatusOf(server: PageCrawlStatus): PageCrawlStatus {
  return { lastOutcome: server.lastOutcome, lastAttempt: server.lastAttempt, lastSuccessAt: server.lastSuccessAt };
}

/**
 * The server page's input hash: of the digest of its props but its crawl status, and of its crawl status, so a
 * build that knows only the first (from the manifest) and a new status makes the hash a full build makes.
 */
export function serverPageHash(salt: string, server: ServerPageModel): { rest: string; hash: string } {
  const { lastOutcome, lastAttempt, lastSuccessAt, ...rest } = server;
  const digest = inputHash(salt, 'ServerView', JSON.stringify(rest));
  return { rest: digest, hash: statusPageHash(salt, digest, server) };
}

export function statusPageHash(salt: string, rest: string, status: PageCrawlStatus): string {
  return inputHash(salt, rest, JSON.stringify(crawlStatusOf(status)));
}

/**
 * The crawl-status fragments as a page holds them once written: leaned and rebased as the whole page is. Each
 * fragment's comments make this the same alone as within the page (mapHtml's tokens never span a comment, and the
 * only look-ahead, an end tag's, sees the closing comment in both).
 */
function writtenFragments(status: PageCrawlStatus, base: string): [string, string] {
  return crawlStatusHtml(status).map((html) => {
    const written = rebaseHtml(leanHtml(html), base);
    return written.slice(CRAWL_STATUS_START.length, written.length - CRAWL_STATUS_END.length);
  }) as [string, string];
}

/**
 * Where the page has `comment` as a comment of its own. The template always writes it twice, so two hits of a plain
 * search are those; more mean a server's text holds it inside a tag, and the page's tokens decide.
 */
function findComment(html: string, comment: string): number[] {
  const at: number[] = [];
  for (let i = html.indexOf(comment); i >= 0; i = html.indexOf(comment, i + comment.length)) at.push(i);
  return at.length === 2 ? at : commentsAt(html, comment);
}

/**
 * A server page about to be written (`written`: rebased as the file is), as bytes, and its state, checked to hold
 * its crawl status where the state says.
 */
export function serverPageState(
  salt: string,
  rest: string,
  written: string,
  status: PageCrawlStatus,
  base: string,
): { bytes: Buffer; state: Omit<ServerPageState, 'json'> } {
  const starts = findComment(written, CRAWL_STATUS_START);
  const ends = findComment(written, CRAWL_STATUS_END);
  const at = [starts[0] + CRAWL_STATUS_START.length, ends[0], starts[1] + CRAWL_STATUS_START.length, ends[1]];
  const fragments = writtenFragments(status, base);
  if (
    starts.length !== 2 ||
    ends.length !== 2 ||
    !(at[0] <= at[1] && at[1] < at[2] && at[2] <= at[3]) ||
    written.slice(at[0], at[1]) !== fragments[0] ||
    written.slice(at[2], at[3]) !== fragments[1]
  ) {
    throw new Error('A server page does not hold its crawl status between its two pairs of crawl-status comments (see crawl-status.ts).');
  }
  const bytes = Buffer.from(written);
  let [byte, char] = [0, 0];
  const regions = at.map((i) => {
    byte += Buffer.byteLength(written.slice(char, i));
    char = i;
    return byte;
  }) as Regions;
  return { bytes, state: { rest, written: inputHash(salt, bytes), regions } };
}

/**
 * The last build's server page (`old`: its file's bytes, which must be the ones that build wrote) with a new crawl
 * status: byte for byte the page a full build renders, since nothing else on it depends on the status.
 */
export function spliceCrawlStatus(
  salt: string,
  url: string,
  old: Buffer,
  state: ServerPageState,
  status: PageCrawlStatus,
  base: string,
): { bytes: Buffer; state: ServerPageState } {
  checkLastWritten(salt, url, old, state.written, 'page');
  const [summary, section] = writtenFragments(status, base).map((html) => Buffer.from(html));
  const [s1, e1, s2, e2] = state.regions;
  const bytes = Buffer.concat([old.subarray(0, s1), summary, old.subarray(e1, s2), section, old.subarray(e2)]);
  const shift = summary.length - (e1 - s1);
  const regions: Regions = [s1, s1 + summary.length, s2 + shift, s2 + shift + section.length];
  return { bytes, state: { ...state, written: inputHash(salt, bytes), regions } };
}
