import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, renameSync, writeFileSync, writeSync } from 'node:fs';
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
 * - `servers.tsv`: one line per server in catalogue order, `<id as JSON>\t<fingerprint>\t<status>\t<slug>\t
 *   <offset>,<length>,<head>\t<pages>\t<search start>,<end>\t<page start>,<page end>,<outputs end>\t<the rest as
 *   JSON>`: its fingerprint and crawl status hash (see serverFingerprints), where its lines are in catalogue.jsonl.gz
 *   (the first `head` bytes are its server line's gzip member, the rest its tools'), how many pages it has, where its
 *   search documents and its page and outputs are in `records`, and what the other catalogue-wide files need from it
 *   (its list rows and their digests, its policy-index entry: every build reads these for every server);
 * - `records`: each server's search documents as JSON (read by the search-index thread for a server that changed or
 *   went), and its server page's state (where its crawl status is in it, see ServerPageState: a crawl that changed
 *   only the status is spliced into the page) and the hash of each of its files' inputs as JSON, tab-separated (read
 *   for a server that changed, went or was restated).
 * `servers.tsv` is read whole and a carried-over server's rest is parsed; `records` is read where it is needed. An
 * incremental build appends the records of the servers it re-rendered or restated to the last build's `records` (a
 * restated server keeps its search documents where they are) and points a carried-over server's line at its records
 * as they were, so a nightly build writes what changed there, not 60% of the manifest again; once more than half the
 * file is records no line points at, a build writes a new one with the live records alone (see ManifestWriter).
 * `build.json` is removed before an incremental build writes anything and rewritten last, so a build that
 * fails halfway leaves no manifest and the next build is a full one (which writes a new `records`).
 */
export const MANIFEST_FORMAT = 8;

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

/** A restated server's record: its outputs as the JSON text its status job returns, and how many of them are pages. */
export type RestatedRecord = Omit<ServerRecord, 'search' | 'outputs'> & { outputsJson: string; pages: number };

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

/** The last build's record of itself (see `build.json` above). */
export function lastBuildFile(outDir: string): string {
  return path.join(stateDir(outDir), 'build.json');
}

/** Whether a site folder holds a completed build that the next may update: incremental, unless its key changed. */
export function hasLastBuild(outDir: string): boolean {
  return existsSync(outDir) && existsSync(lastBuildFile(outDir));
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

/** The servers' lines of the manifest in a state folder (see MANIFEST_FORMAT). */
export function serversFile(dir: string): string {
  return path.join(dir, 'servers.tsv');
}

/** The servers' search documents and records (see MANIFEST_FORMAT). */
export function recordsFile(dir: string): string {
  return path.join(dir, 'records');
}

/** Each search-index id's document key, as the index in the site was last written (see IndexOutput.keys). */
export function searchKeysFile(dir: string): string {
  return path.join(dir, 'search-keys.json');
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

/** A server's search documents and record from the bytes PreviousManifest.searchable returns (readRecord reads them for recordRanges). */
export function readSearchable(bytes: Uint8Array): Pick<ServerRecord, 'server' | 'tools' | 'search'> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tab = buffer.indexOf(9);
  const rest = JSON.parse(buffer.toString('utf8', tab + 1)) as Pick<ServerRecord, 'server' | 'tools'>;
  return { server: rest.server, tools: rest.tools, search: JSON.parse(buffer.toString('utf8', 0, tab)) as StoredDocument[] };
}

/** A byte range of a file, end excluded. */
export type Range = [start: number, end: number];

/** Where a server's search documents and record are: in the records file but `rest`, which is in its line of servers.tsv. */
export interface RecordPlace {
  search: Range;
  page: Range;
  outputs: Range;
  /** Its list rows and their digests, its policy-index entry, as JSON. */
  rest: Range;
}

/** Where PreviousManifest's two files are. */
export interface ManifestFiles {
  servers: string;
  records: string;
  searchKeys: string;
}

/** A server's search documents and record as PreviousManifest.searchable returns them, read from its files (see recordRanges). */
export function readRecord(files: { servers: number; records: number }, place: Pick<RecordPlace, 'search' | 'rest'>): Buffer {
  return searchableBytes(readRange(files.records, place.search), readRange(files.servers, place.rest));
}

/** A server's search documents' JSON and its rest's, as readSearchable reads them. */
function searchableBytes(search: Buffer, rest: Buffer): Buffer {
  return Buffer.concat([search, TAB, rest]);
}

function readRange(fd: number, [start, end]: Range): Buffer {
  const bytes = Buffer.allocUnsafe(end - start);
  for (let done = 0; done < bytes.length; ) {
    const read = readSync(fd, bytes, done, bytes.length - done, start + done);
    if (read === 0) throw new Error(`The build manifest's records end before byte ${end}; the next build will be a full one.`);
    done += read;
  }
  return bytes;
}

/** The last build's manifest, if there is a complete one made with the same build key. */
export class PreviousManifest {
  private constructor(
    readonly files: Record<string, string>,
    private readonly lines: Buffer,
    private readonly index: Map<string, Entry>,
    /** The records file and an open descriptor of it; null for the empty manifest. */
    readonly records: { path: string; fd: number; bytes: number } | null,
    readonly serversPath: string,
  ) {}

  static empty(): PreviousManifest {
    return new PreviousManifest({}, Buffer.alloc(0), new Map(), null, '');
  }

  static load(outDir: string, key: string): PreviousManifest | null {
    if (!hasLastBuild(outDir)) return null;
    const dir = stateDir(outDir);
    const parsed = BuildFile.safeParse(JSON.parse(readFileSync(lastBuildFile(outDir), 'utf8')));
    if (!parsed.success || parsed.data.key !== key) return null;
    // A state folder missing a file (deleted by hand, or copied in part) makes the build a full one.
    if (!existsSync(serversFile(dir)) || !existsSync(recordsFile(dir))) return null;
    return PreviousManifest.read(dir, parsed.data.files);
  }

  /** The manifest in a state folder whatever its key (`files`: its build.json's). Close it when done. */
  static read(dir: string, files: Record<string, string> = {}): PreviousManifest {
    const serversPath = serversFile(dir);
    const lines = readFileSync(serversPath);
    const index = new Map<string, Entry>();
    for (let start = 0; start < lines.length; ) {
      let end = lines.indexOf(10, start);
      if (end < 0) end = lines.length;
      // The line's fields but the last, its rest's JSON, found in a Latin-1 decoding of its head, in which an
      // offset is a byte offset (ids are decoded from the bytes as UTF-8).
      let head = '';
      const tabs: number[] = [];
      for (let window = 512; tabs.length < 8; window *= 4) {
        head = lines.toString('latin1', start, Math.min(end, start + window));
        tabs.length = 0;
        for (let at = head.indexOf('\t'); at >= 0 && tabs.length < 8; at = head.indexOf('\t', at + 1)) tabs.push(at);
        if (tabs.length < 8 && start + window >= end) throw new Error(`The build manifest's line at byte ${start} is cut short.`);
      }
      const field = (i: number) => head.slice(tabs[i - 1] + 1, tabs[i]);
      const [recordStart, pageEnd, outputsEnd] = numbers(field(7));
      index.set(JSON.parse(lines.toString('utf8', start, start + tabs[0])) as string, {
        fingerprint: field(1),
        status: field(2),
        slug: field(3),
        catalogue: numbers(field(4)) as CataloguePlace,
        pages: Number(field(5)),
        place: { search: numbers(field(6)) as Range, page: [recordStart, pageEnd], outputs: [pageEnd + 1, outputsEnd], rest: [start + tabs[7] + 1, end] },
      });
      start = end + 1;
    }
    const recordsPath = recordsFile(dir);
    const fd = openSync(recordsPath, 'r');
    return new PreviousManifest(files, lines, index, { path: recordsPath, fd, bytes: fstatSync(fd).size }, serversPath);
  }

  close(): void {
    if (this.records) closeSync(this.records.fd);
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

  /** Where the server's search documents and record are; undefined if it was not in the last build. */
  place(id: string): RecordPlace | undefined {
    return this.index.get(id)?.place;
  }

  /** The server's files at the last build, with the hash of their inputs (none if it was not in it). */
  outputs(id: string): Record<string, string> {
    const at = this.index.get(id);
    return at ? (JSON.parse(this.read(at.place.outputs).toString('utf8')) as Record<string, string>) : {};
  }

  /**
   * The server's page as the last build's manifest keeps it (see ServerPageState; '' if it was not in that build),
   * and the JSON of its outputs, in one read: a job that re-renders or restates the server gets them as text, which
   * costs a fraction of a structured clone of the outputs as an object (a nightly build sends 8,500 servers' outputs to
   * the workers and back).
   */
  pageAndOutputs(id: string): [page: string, outputs: string] {
    const at = this.index.get(id);
    if (!at) return ['', '{}'];
    const bytes = this.read([at.place.page[0], at.place.outputs[1]]);
    const pageLength = at.place.page[1] - at.place.page[0];
    return [bytes.toString('latin1', 0, pageLength), bytes.toString('utf8', at.place.outputs[0] - at.place.page[0])];
  }

  /** The server's record but its outputs, page and search documents, to carry it over; undefined if it was not in the last build. */
  carried(id: string): CarriedRecord | undefined {
    const at = this.index.get(id);
    if (!at) return undefined;
    const rest = JSON.parse(this.lines.toString('utf8', ...at.place.rest)) as Omit<CarriedRecord, 'catalogue' | 'pages'>;
    return { ...rest, catalogue: at.catalogue, pages: at.pages };
  }

  /** The JSON of the server's record but its outputs, page and search documents, as the last build wrote it. */
  rest(id: string): Buffer | undefined {
    const at = this.index.get(id);
    return at && this.lines.subarray(...at.place.rest);
  }

  /** The server's search documents and record as readSearchable reads them; null if it was not in the last build. */
  searchable(id: string): Uint8Array | null {
    const at = this.index.get(id);
    return at ? searchableBytes(this.read(at.place.search), this.lines.subarray(...at.place.rest)) : null;
  }

  /** Where each server's search documents and record are (see readRecord). */
  recordRanges(): { files: ManifestFiles; places: Array<[id: string, place: Pick<RecordPlace, 'search' | 'rest'>]> } {
    return {
      files: { servers: this.serversPath, records: this.records!.path, searchKeys: searchKeysFile(path.dirname(this.serversPath)) },
      places: Array.from(this.index, ([id, at]) => [id, { search: at.place.search, rest: at.place.rest }]),
    };
  }

  /** The bytes at `range` of the records file. */
  read(range: Range): Buffer {
    return readRange(this.records!.fd, range);
  }

  /** Bytes of the records file some server's line points at (each range with the newline after it). */
  liveBytes(): number {
    let bytes = 0;
    for (const { place } of this.index.values()) bytes += place.search[1] - place.search[0] + place.outputs[1] - place.page[0] + 2;
    return bytes;
  }
}

interface Entry {
  fingerprint: string;
  status: string;
  slug: string;
  catalogue: CataloguePlace;
  pages: number;
  place: RecordPlace;
}

function numbers(field: string): number[] {
  return field.split(',').map(Number);
}

const NEWLINE = Buffer.from('\n');
const TAB = Buffer.from('\t');

/** How many of a server's outputs are pages (the rest are its JSON, badge and policy files). */
export function pageCount(outputs: Record<string, string>): number {
  let pages = 0;
  for (const url of Object.keys(outputs)) if (isPage(url)) pages++;
  return pages;
}

/**
 * Writes a new manifest: its server lines into a folder the caller moves into place once the site is, its records
 * appended to the last build's records file (moved into that folder at the end), or, after a full build or once
 * most of that file is records no line points at, into a new records file of the live records alone.
 */
export class ManifestWriter {
  private readonly lines: AppendFile;
  private readonly records: AppendFile;
  /** Where the last build's records are: the file this writer appends to, or, when it writes a new one, reads from. */
  private readonly last: PreviousManifest | null;
  private readonly appending: boolean;

  constructor(
    private readonly dir: string,
    last: PreviousManifest | null,
  ) {
    this.last = last?.records ? last : null;
    this.appending = this.last !== null && this.last.records!.bytes <= 2 * this.last.liveBytes();
    this.lines = new AppendFile(serversFile(dir), 0);
    this.records = this.appending ? new AppendFile(this.last!.records!.path, this.last!.records!.bytes) : new AppendFile(recordsFile(dir), 0);
  }

  add(record: ServerRecord): void {
    const { search, outputs, ...rest } = record;
    this.record(rest, JSON.stringify(outputs), pageCount(outputs), this.records.append(JSON.stringify(search)));
  }

  /** A server whose crawl status alone changed: its search documents kept as the last build wrote them. */
  restate(record: RestatedRecord): void {
    const { outputsJson, pages, ...rest } = record;
    this.record(rest, outputsJson, pages, this.kept(this.last!.place(record.id)!.search));
  }

  /** A server carried over from the last build: its record as it was there, at its new catalogue place. */
  carry(record: CarriedRecord, catalogue: CataloguePlace): void {
    const { search, page, outputs } = this.last!.place(record.id)!;
    const [start, end] = this.kept([page[0], outputs[1]]);
    const shift = start - page[0];
    this.line(record, catalogue, record.pages, this.kept(search), [start, page[1] + shift, end], this.last!.rest(record.id)!);
  }

  private record(record: Omit<ServerRecord, 'search' | 'outputs'>, outputsJson: string, pages: number, search: Range): void {
    const { catalogue, page, ...rest } = record;
    const [start, end] = this.records.append(`${page}\t${outputsJson}`);
    this.line(record, catalogue, pages, search, [start, start + Buffer.byteLength(page), end], JSON.stringify(rest));
  }

  /** A range of the last build's records: where it is, appending; where its copy is, writing a new file. */
  private kept(range: Range): Range {
    return this.appending ? range : this.records.append(this.last!.read(range));
  }

  private line(
    record: Pick<ServerRecord, 'id' | 'fingerprint' | 'status' | 'slug'>,
    catalogue: CataloguePlace,
    pages: number,
    search: Range,
    place: [start: number, pageEnd: number, outputsEnd: number],
    rest: string | Buffer,
  ): void {
    const head = `${JSON.stringify(record.id)}\t${record.fingerprint}\t${record.status}\t${record.slug}\t${catalogue.join(',')}\t${pages}\t${search.join(',')}\t${place.join(',')}\t`;
    this.lines.append(typeof rest === 'string' ? head + rest : Buffer.concat([Buffer.from(head), rest]));
  }

  finish(build: BuildFile): void {
    this.close();
    if (this.appending) renameSync(this.last!.records!.path, recordsFile(this.dir));
    writeFileSync(path.join(this.dir, 'build.json'), JSON.stringify(build));
  }

  /** Closes its files; without finish, a build that failed (what it appended to the last build's records is never read). */
  close(): void {
    this.lines.close();
    this.records.close();
  }
}

/** A file written line by line in chunks of about 1 MB, from byte `at` on. */
class AppendFile {
  private readonly fd: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private closed = false;

  constructor(
    file: string,
    private at: number,
  ) {
    this.fd = openSync(file, at === 0 ? 'w' : 'r+');
  }

  /** Appends `content` and a newline; returns where the content is (the newline excluded). */
  append(content: string | Buffer): Range {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    const start = this.at + this.pendingBytes;
    this.pending.push(bytes, NEWLINE);
    this.pendingBytes += bytes.length + 1;
    if (this.pendingBytes >= 1 << 20) this.flush();
    return [start, start + bytes.length];
  }

  private flush(): void {
    const bytes = Buffer.concat(this.pending);
    for (let done = 0; done < bytes.length; ) done += writeSync(this.fd, bytes, done, bytes.length - done, this.at + done);
    this.at += bytes.length;
    this.pending = [];
    this.pendingBytes = 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.flush();
    closeSync(this.fd);
  }
}
