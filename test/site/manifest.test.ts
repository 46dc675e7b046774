import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MANIFEST_FORMAT,
  ManifestWriter,
  pageCount,
  PreviousManifest,
  readSearchable,
  recordsFile,
  serversFile,
  type ServerRecord,
} from '../../site/render/manifest.ts';

/** A server's record as the build writes it, its every field marked with the night it was made. */
function record(id: string, night: number): ServerRecord {
  return {
    id,
    fingerprint: `fingerprint ${night}`,
    status: `status ${night}`,
    slug: id,
    page: `page ${night}`,
    outputs: { [`/servers/${id}/`]: `page hash ${night}`, [`/data/servers/${id}.json`]: `json hash ${night}` },
    server: {
      id,
      title: `Ünïcode title ${night}`,
      url: `/servers/${id}/`,
      grade: 'B',
      lethalTrifecta: false,
      toolCount: 1,
      worstSeverity: 'high',
      lastOutcome: 'ok',
    },
    tools: [],
    digests: [`digest ${night}`],
    search: [[`snippet — ${night}`, ['name'], [`night${night}`]]],
    policy: null,
    catalogue: [night, 10, 4],
  };
}

/** Everything a build reads back of a server from the manifest. */
function readBack(manifest: PreviousManifest, id: string) {
  const { pages, ...carried } = manifest.carried(id)!;
  const [page, outputsJson] = manifest.pageAndOutputs(id);
  return {
    fingerprint: manifest.fingerprint(id),
    status: manifest.status(id),
    page,
    outputsJson,
    outputs: manifest.outputs(id),
    carried,
    pages,
    searchable: readSearchable(manifest.searchable(id)!),
  };
}

/** What readBack reads of `r` written whole. */
function expected(r: ServerRecord) {
  const { search, outputs, page, ...carried } = r;
  return {
    fingerprint: r.fingerprint,
    status: r.status,
    page,
    outputsJson: JSON.stringify(outputs),
    outputs,
    carried,
    pages: 1,
    searchable: { server: r.server, tools: r.tools, search },
  };
}

describe('build manifest', () => {
  let work: string;
  let state: string;
  beforeEach(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-manifest-'));
    state = path.join(work, 'site.build-state');
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  /** One build's manifest, written and moved into place as a build does it. */
  function build(write: (writer: ManifestWriter, last: PreviousManifest | null) => void): void {
    const last = statSync(state, { throwIfNoEntry: false }) ? PreviousManifest.read(state) : null;
    const next = `${state}.new`;
    mkdirSync(next);
    const writer = new ManifestWriter(next, last);
    write(writer, last);
    writer.finish({ format: MANIFEST_FORMAT, key: 'key', files: {} });
    last?.close();
    rmSync(state, { recursive: true, force: true });
    renameSync(next, state);
  }

  function readAll(): Record<string, ReturnType<typeof readBack>> {
    const manifest = PreviousManifest.read(state);
    try {
      return Object.fromEntries([...manifest.ids()].map((id) => [id, readBack(manifest, id)]));
    } finally {
      manifest.close();
    }
  }

  it('appends the records of the servers a build changed or restated, and leaves the others where they were', () => {
    build((w) => ['a', 'b', 'c'].map((id) => w.add(record(id, 0))));
    const before = readFileSync(recordsFile(state));

    build((w, last) => {
      w.carry(last!.carried('a')!, [0, 10, 4]);
      w.add(record('b', 1));
      // Its crawl status alone changed: a new page state and status, its search documents as they were.
      const { search: _, outputs, ...restated } = record('c', 1);
      w.restate({ ...restated, outputsJson: JSON.stringify(outputs), pages: pageCount(outputs) });
    });

    const after = readFileSync(recordsFile(state));
    expect(after.subarray(0, before.length).equals(before)).toBe(true);
    expect(after.length).toBeGreaterThan(before.length);
    const { search: _, ...c1 } = expected(record('c', 1)).searchable;
    expect(readAll()).toEqual({
      a: expected(record('a', 0)),
      b: expected(record('b', 1)),
      c: { ...expected(record('c', 1)), searchable: { ...c1, search: record('c', 0).search } },
    });
  });

  it('is no manifest when a file of it is missing, so the next build is a full one', () => {
    const site = path.join(work, 'site');
    mkdirSync(site);
    for (const file of [recordsFile, serversFile]) {
      rmSync(state, { recursive: true, force: true });
      build((w) => w.add(record('a', 0)));
      PreviousManifest.load(site, 'key')!.close();
      rmSync(file(state));
      expect(PreviousManifest.load(site, 'key')).toBeNull();
    }
  });

  it('writes the live records alone into a new file once most of the last one is records no line points at', () => {
    build((w) => ['a', 'b', 'c'].map((id) => w.add(record(id, 0))));
    const live = readFileSync(recordsFile(state)).length;
    const sizes: number[] = [];
    for (let night = 1; night <= 12; night++) {
      build((w, last) => {
        w.carry(last!.carried('a')!, [0, 10, 4]);
        w.add(record('b', night));
        w.carry(last!.carried('c')!, [0, 10, 4]);
      });
      sizes.push(readFileSync(recordsFile(state)).length);
      expect(readAll()).toEqual({ a: expected(record('a', 0)), b: expected(record('b', night)), c: expected(record('c', 0)) });
    }
    // Each night appends b's record; a night that finds more than half the file dead writes a, b and c alone.
    expect(sizes.filter((size, i) => i > 0 && size < sizes[i - 1]).length).toBeGreaterThanOrEqual(2);
    for (const size of sizes) expect(size).toBeLessThan(2.5 * live);
  });
});
