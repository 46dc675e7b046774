import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { churnCatalogue } from '../../bench/churn.ts';
import { generateCatalogue } from '../../bench/generate.ts';
import { seedCatalogue } from '../../bench/seed.ts';
import { CLASSIFIER_VERSION } from '../../classifier/index.ts';
import { classifications, servers } from '../../db/index.ts';
import { classifyCatalogue } from '../../pipeline/classify.ts';
import { buildSite, type BuildOptions } from '../../site/render/index.ts';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';
import { siteDifferences } from '../helpers/site-files.ts';

describe.each(testBackends())('incremental site build ($name)', (backend) => {
  let db: TestDatabase;
  let work: string;
  const now = new Date('2026-12-01T12:00:00Z');
  const build = (dir: string, extra: Partial<BuildOptions> = {}) => buildSite(db, { outDir: path.join(work, dir), now, workers: 1, batchSize: 7, ...extra });

  beforeAll(async () => {
    db = await backend.create();
    work = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-incremental-'));
    const at = new Date('2026-11-01T00:00:00Z');
    await seedCatalogue(db.orm, generateCatalogue({ tools: 250 }), { at, mode: 'batched' });
    await classifyCatalogue(db.orm, { now: () => at });
  }, 300_000);

  afterAll(async () => {
    if (work) rmSync(work, { recursive: true, force: true });
    await db?.dispose();
  });

  it('after adds, removals and changes, re-renders only what changed and writes what a full build writes', async () => {
    const first = await build('site');
    expect(first.mode).toBe('full');
    expect(first.rendered).toBe(first.pages);

    const unchanged = await build('site');
    expect(unchanged).toMatchObject({ mode: 'incremental', changedServers: 0, removedServers: 0, deleted: 0 });
    expect(unchanged).toMatchObject({ rendered: 0, files: 0, pages: first.pages });

    const churn = await churnCatalogue(db.orm, { fraction: 0.04, at: new Date('2026-11-02T00:00:00Z') });
    expect(churn.added).toBeGreaterThan(0);
    expect(churn.removed).toBeGreaterThan(0);
    const [gone] = await db.orm.select({ id: servers.id }).from(servers).orderBy(servers.id).limit(1);
    await db.orm.delete(servers).where(eq(servers.id, gone.id));
    await seedCatalogue(db.orm, [{ server: { id: 'zz/new-server', sources: ['test'] }, tools: [{ name: 'run_query', description: 'Runs a SQL query.' }] }], {
      at: new Date('2026-11-02T00:00:00Z'),
    });
    await classifyCatalogue(db.orm, { now: () => new Date('2026-11-02T00:00:00Z') });

    const incremental = await build('site');
    expect(incremental.mode).toBe('incremental');
    expect(incremental.removedServers).toBe(1);
    expect(incremental.deleted).toBeGreaterThan(0);
    expect(incremental.rendered).toBeLessThan(incremental.pages / 2);
    const full = await build('full', { full: true });
    expect(full.mode).toBe('full');
    expect(siteDifferences(path.join(work, 'site'), path.join(work, 'full'))).toEqual([]);
  }, 600_000);

  it('after a classifier version bump, writes what a full build writes', async () => {
    // The next classifier version: the same classifications, except that one tool in seven reads as critical now.
    await db.orm.execute(sql`
      insert into classifications (hash, classifier_version, category, severity, flags, confidence, evidence, annotation_conflicts, explanation, classified_at)
      select hash, 'next', category, case when ('x' || substr(hash, 1, 6))::bit(24)::int % 7 = 0 then 'critical' else severity end,
        flags, confidence, evidence, annotation_conflicts, explanation, classified_at
      from classifications where classifier_version = ${CLASSIFIER_VERSION}`);
    expect((await db.orm.select().from(classifications).where(eq(classifications.classifierVersion, 'next'))).length).toBeGreaterThan(0);
    const incremental = await build('site', { classifierVersion: 'next' });
    expect(incremental.mode).toBe('incremental');
    const full = await build('full', { classifierVersion: 'next', full: true });
    expect(siteDifferences(path.join(work, 'site'), path.join(work, 'full'))).toEqual([]);
    expect(incremental.rendered).toBeLessThan(full.rendered);
  }, 600_000);
});
