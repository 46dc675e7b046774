import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { PolicyIndexServer } from '../../classifier/policy/config-policy.ts';
import { describeOwner, LockHeldError, lockFile } from '../../db/folder-lock.ts';
import type { ServerRowModel, ToolRowModel } from './model.ts';
import type { StoredDocument } from './search-index.ts';
import { isPage } from './urls.ts';

/**
 * The build manifest: what the last build made and from what, so the next build re-renders only what changed.
 * It lives beside the site folder (`<site>.build-state/`), not in it, so it is never deployed:
 * - `build.json`: the format, the build key (options and a hash of the templates and renderer; when it differs
 *   the next build is a full one) and the hash of every file that is not one server's (lists, home, feed,
 *   sitemaps, search index, assets);
 * - `servers.jsonl`: one line per server in catalogue order, `<id as JSON>\t<fingerprint>\t<status>\t<slug>\t
 *   <offset>,<length>,<head>\t<pages>\t<page>\t<outputs as JSON>\t<search documents as JSON>\t<the rest as JSON>`:
 *   its fingerprint and crawl status hash (see serverFingerprints), where its lines are in catalogue.jsonl.gz (the
 *   first `head` bytes are its server line's gzip member, the rest its tools'), how many pages it has, its server
 *   page's state (where its crawl status is in it, see ServerPageState: a crawl that changed only the status is
 *   spliced into the page), the hash of each of its files' inputs, its search documents (read by the search-index
 *   thread for a server that changed or went), and what the other catalogue-wide files need from it (its list rows
 *   and their digests, its policy-index entry). Only the ids, hashes, slugs, catalogue places and page counts are
 *   read up front; the rest is parsed when its server is carried over (its outputs and page only when the server
 *   changed, went or was restated, its search documents only when it went or changed: a restated server's are
 *   copied as they are), and copied as it is into the next manifest (only its catalogue place moves).
 * `build.json` is removed before an incremental build writes anything and rewritten last, so a build that
 * fails halfway leaves no manifest and the next build is a full one.
 */
export const MANIFEST_FORMAT = 7;

/** A server's record without its outputs and page, as a build carrying the server over reads it, with its page count. */
export type CarriedRecord = Omit<ServerRecord, 'outputs' | 'page' | 'search'> & { pages: number };

export interface ServerRecord {
  id: string;
  fingerprint: string;
  status: string;
  slug: string;
  /** Where its server page and JSON file hold its crawl status, and hashes (see ServerPageState, packServerPage). */
  page: string;
  /** Every file the server's pages and data are written to (site URL), with the hash of its inputs. */
  outputs: Record<string, string>;
  server: ServerRowModel;
  tools: ToolRowModel[];
  /** The digests of its list rows (see rowDigest), the server's first, then its tools' in `tools` order. */
  digests: string[];
  /** Its search documents, the server's first, then its tools' in `tools` order. */
  search: StoredDocument[];
  /** Its entry in the policy index (null when nothing can match it: no package or URL keys). */
  policy: PolicyIndexServer | null;
  catalogue: CataloguePlace;
}

/** A server's lines in catalogue.jsonl.gz: byte offset, length, and the length of its server line's gzip member. */
export type CataloguePlace = [offset: number, length: number, head: number];

const BuildFile = z.object({
  format: z.literal(MANIFEST_FORMAT),
  key: z.string(),
  files: z.record(z.string()),
});
export type BuildFile = z.infer<typeof BuildFile>;

export function stateDir(outDir: string): string {
  return `${outDir}.build-state`;
}

/**
 * Takes the lock of a site folder's builds, beside it (`<site>.build-lock`), for this process; returns its release.
 * Two builds of one folder would write into each other's files and manifests (the embedded database's own lock
 * kept them apart; PostgreSQL does not), so the second stops at once, naming the first. A lock left by a build that
 * died is taken over.
 */
export function lockSiteFolder(outDir: string): () => void {
  mkdirSync(path.dirname(outDir), { recursive: true });
  const lockPath = `${outDir}.build-lock`;
  return lockFile(
    lockPath,
    (owner) =>
      new LockHeldError(
        lockPath,
        owner,
        `the site folder ${outDir} is being built by process ${describeOwner(owner)}; wait for that build to finish, or build into another folder`,
      ),
  );
}

/** The servers' lines of the manifest in a state folder. */
export function serversFile(dir: string): string {
  return path.join(dir, 'servers.jsonl');
}

/** What a page's input hash covers: its view and its props as JSON (a list page's rows are digested: see pageInputs). */
export function viewInputs(view: string, props: unknown): string[] {
  return [view, JSON.stringify(props)];
}

/** The hash that decides whether a file must be written again: of a page's view and props, or of a file's content. */
export function inputHash(salt: string, ...parts: Array<string | Uint8Array>): string {
  const hash = createHash('sha1').update(salt);
  for (const part of parts) hash.update('\0').update(part);
  return hash.digest('base64url');
}

/**
 * Throws unless `content`, read back from the site, is what the last build wrote there (`written`: its hash). A build
 * that patches such a file fails instead; having removed the manifest first, the next build is a full one.
 */
export function checkLastWritten(salt: string, url: string, content: string | Uint8Array, written: string | undefined, what: 'file' | 'page'): void {
  if (inputHash(salt, content) !== written) {
    throw new Error(`The site folder changed since the last build: ${url} is not the ${what} that build wrote. The next build will be a full one.`);
  }
}

/** A server's search documents and record from the bytes recordRanges points at (or PreviousManifest.searchable copies). */
export function readSearchable(bytes: Uint8Array): Pick<ServerRecord, 'server' | 'tools' | 'search'> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tab = buffer.indexOf(9);
  const rest = JSON.parse(buffer.toString('utf8', tab + 1)) as Pick<ServerRecord, 'server' | 'tools'>;
  return { server: rest.server, tools: rest.tools, search: JSON.parse(buffer.toString('utf8', 0, tab)) as StoredDocument[] };
}

/** The last build's manifest, if there is a complete one made with the same build key. */
export class PreviousManifest {
  private constructor(
    readonly files: Record<string, string>,
    private readonly lines: Buffer,
    private readonly index: Map<string, Entry>,
  ) {}

  static empty(): PreviousManifest {
    return new PreviousManifest({}, Buffer.alloc(0), new Map());
  }

  static load(outDir: string, key: string): PreviousManifest | null {
    const dir = stateDir(outDir);
    const buildPath = path.join(dir, 'build.json');
    if (!existsSync(outDir) || !existsSync(buildPath)) return null;
    const parsed = BuildFile.safeParse(JSON.parse(readFileSync(buildPath, 'utf8')));
    if (!parsed.success || parsed.data.key !== key) return null;
    const lines = readFileSync(serversFile(dir));
    const index = new Map<string, Entry>();
    for (let start = 0; start < lines.length; ) {
      let end = lines.indexOf(10, start);
      if (end < 0) end = lines.length;
      const tab = lines.indexOf(9, start);
      const tab2 = lines.indexOf(9, tab + 1);
      const tab3 = lines.indexOf(9, tab2 + 1);
      const tab4 = lines.indexOf(9, tab3 + 1);
      const tab5 = lines.indexOf(9, tab4 + 1);
      const tab6 = lines.indexOf(9, tab5 + 1);
      const tab7 = lines.indexOf(9, tab6 + 1);
      const tab8 = lines.indexOf(9, tab7 + 1);
      const tab9 = lines.indexOf(9, tab8 + 1);
      const [offset, length, head] = lines
        .toString('latin1', tab4 + 1, tab5)
        .split(',')
        .map(Number);
      index.set(JSON.parse(lines.toString('utf8', start, tab)) as string, {
        fingerprint: lines.toString('latin1', tab + 1, tab2),
        status: lines.toString('latin1', tab2 + 1, tab3),
        slug: lines.toString('latin1', tab3 + 1, tab4),
        catalogue: [offset, length, head],
        pages: Number(lines.toString('latin1', tab5 + 1, tab6)),
        start: tab6 + 1,
        pageEnd: tab7,
        split: tab8,
        searchEnd: tab9,
        end,
      });
      start = end + 1;
    }
    return new PreviousManifest(parsed.data.files, lines, index);
  }

  /** The server's fingerprint at the last build; undefined if it was not in it. */
  fingerprint(id: string): string | undefined {
    return this.index.get(id)?.fingerprint;
  }

  /** The hash of the server's crawl status at the last build; undefined if it was not in it. */
  status(id: string): string | undefined {
    return this.index.get(id)?.status;
  }

  /** The server's slug at the last build (slugs are ASCII). */
  slug(id: string): string | undefined {
    return this.index.get(id)?.slug;
  }

  ids(): IterableIterator<string> {
    return this.index.keys();
  }

  /** The server's files at the last build, with the hash of their inputs (none if it was not in it). */
  outputs(id: string): Record<string, string> {
    const at = this.index.get(id);
    return at ? (JSON.parse(this.lines.toString('utf8', at.pageEnd + 1, at.split)) as Record<string, string>) : {};
  }

  /** The server's page as the last build's manifest keeps it (see ServerPageState); '' if it was not in that build. */
  page(id: string): string {
    const at = this.index.get(id);
    return at ? this.lines.toString('latin1', at.start, at.pageEnd) : '';
  }

  /** The server's record but its outputs, page and search documents, to carry it over; undefined if it was not in the last build. */
  carried(id: string): CarriedRecord | undefined {
    const at = this.index.get(id);
    if (!at) return undefined;
    const rest = JSON.parse(this.lines.toString('utf8', at.searchEnd + 1, at.end)) as Omit<CarriedRecord, 'catalogue' | 'pages'>;
    return { ...rest, catalogue: at.catalogue, pages: at.pages };
  }

  /** The server's search documents at the last build, as JSON. */
  searchJson(id: string): Buffer {
    const at = this.index.get(id)!;
    return this.lines.subarray(at.split + 1, at.searchEnd);
  }

  /**
   * The server's search documents and record as readSearchable reads them (a copy, so that sending it to a thread
   * does not send the whole manifest); null if it was not in the last build.
   */
  searchable(id: string): Uint8Array | null {
    const at = this.index.get(id);
    return at ? new Uint8Array(this.lines.subarray(at.split + 1, at.end)) : null;
  }

  /** Where each server's search documents and record are in servers.jsonl (see readSearchable): its id, first byte and end. */
  recordRanges(): Array<[id: string, start: number, end: number]> {
    return Array.from(this.index, ([id, at]) => [id, at.split + 1, at.end]);
  }

  /** The server's record as the last build wrote it, without its catalogue place (see ManifestWriter.carry). */
  json(id: string): Buffer {
    const at = this.index.get(id)!;
    return this.lines.subarray(at.start, at.end);
  }
}

interface Entry {
  fingerprint: string;
  status: string;
  slug: string;
  catalogue: CataloguePlace;
  pages: number;
  /** Where its page (from `start` to `pageEnd`), its outputs' JSON (to `split`), its search documents (to `searchEnd`) and its record's other fields (to `end`) are in servers.jsonl. */
  start: number;
  pageEnd: number;
  split: number;
  searchEnd: number;
  end: number;
}

const NEWLINE = Buffer.from('\n');

/** How many of a server's outputs are pages (the rest are its JSON, badge and policy files). */
export function pageCount(outputs: Record<string, string>): number {
  let pages = 0;
  for (const url of Object.keys(outputs)) if (isPage(url)) pages++;
  return pages;
}

/** Writes a new manifest line by line, into a folder the caller moves into place once the site is. */
export class ManifestWriter {
  private readonly fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly dir: string) {
    this.fd = openSync(serversFile(dir), 'w');
  }

  add(record: ServerRecord): void {
    const { search, ...rest } = record;
    this.record(rest, JSON.stringify(search));
  }

  /** A server whose crawl status alone changed: its search documents copied as the last build wrote them (see PreviousManifest.searchJson). */
  restate(record: Omit<ServerRecord, 'search'>, searchJson: Buffer): void {
    this.record(record, searchJson);
  }

  private record(record: Omit<ServerRecord, 'search'>, searchJson: string | Buffer): void {
    const { catalogue, outputs, page, ...rest } = record;
    this.line(record, catalogue, pageCount(outputs), [`${page}\t${JSON.stringify(outputs)}\t`, searchJson, `\t${JSON.stringify(rest)}`]);
  }

  /** A server carried over from the last build: its record as it was there (see PreviousManifest.json), at its new catalogue place. */
  carry(record: CarriedRecord, catalogue: CataloguePlace, json: Buffer): void {
    this.line(record, catalogue, record.pages, [json]);
  }

  private line(
    record: Pick<ServerRecord, 'id' | 'fingerprint' | 'status' | 'slug'>,
    catalogue: CataloguePlace,
    pages: number,
    body: Array<string | Buffer>,
  ): void {
    const head = `${JSON.stringify(record.id)}\t${record.fingerprint}\t${record.status}\t${record.slug}\t${catalogue.join(',')}\t${pages}\t`;
    for (const part of [head, ...body, NEWLINE]) {
      const bytes = typeof part === 'string' ? Buffer.from(part) : part;
      this.pending.push(bytes);
      this.pendingBytes += bytes.length;
    }
    if (this.pendingBytes >= 1 << 20) this.flush();
  }

  private flush(): void {
    writeSync(this.fd, Buffer.concat(this.pending));
    this.pending = [];
    this.pendingBytes = 0;
  }

  finish(build: BuildFile): void {
    this.flush();
    closeSync(this.fd);
    writeFileSync(path.join(this.dir, 'build.json'), JSON.stringify(build));
  }
}
