import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlOrResume } from '../../crawler/run-lifecycle.ts';
import { sweepStaleRuns, thisOwner } from '../../crawler/run-lease.ts';
import { targetLabel } from '../../crawler/targets.ts';
import { closeRun, crawlAttempts, getRun, openRun, recordAttempt, upsertServers, type RunOwner } from '../../db/index.ts';
import { testBackends, type TestDatabase } from '../helpers/databases.ts';
import { deadPid } from '../helpers/processes.ts';
import { randomUUID } from 'node:crypto';
import { stdioTarget, SUITE_LIMITS } from './cases.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);

describe.each(testBackends())('stale runs and resuming on $name', (backend) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await backend.create();
  });
  afterAll(() => db.dispose());

  async function runOwnedBy(owner: RunOwner | null, leaseUntil: Date | null, options: Record<string, unknown> = {}) {
    return openRun(db.orm, NOW, { servers: 1, ...options }, owner && leaseUntil ? { owner, leaseUntil } : undefined);
  }

  it('closes a run whose owner on this machine is gone, and one whose lease lapsed; leaves live ones alone', async () => {
    const dead = await runOwnedBy({ host: os.hostname(), pid: deadPid() }, later(60_000));
    const reused = await runOwnedBy({ host: os.hostname(), pid: process.pid, startTime: '1' }, later(60_000));
    const live = await runOwnedBy(thisOwner(), later(60_000));
    const elsewhereFresh = await runOwnedBy({ host: 'another-machine', pid: 1 }, later(60_000));
    const elsewhereLapsed = await runOwnedBy({ host: 'another-machine', pid: 1 }, later(-1));
    const legacy = await runOwnedBy(null, null); // a run from before leases

    const swept = await sweepStaleRuns(db.orm, { now: () => NOW });
    expect(swept.map((s) => s.runId).sort((a, b) => a - b)).toEqual([dead.id, reused.id, elsewhereLapsed.id, legacy.id]);
    expect(swept.every((s) => s.status === 'interrupted')).toBe(true);
    expect(swept.find((s) => s.runId === dead.id)!.reason).toMatch(/process \d+ on .* is gone/);
    expect(swept.find((s) => s.runId === elsewhereLapsed.id)!.reason).toMatch(/lease lapsed/);
    expect(await getRun(db.orm, dead.id)).toMatchObject({ status: 'interrupted', finishedAt: NOW, owner: null, leaseUntil: null });
    for (const run of [live, elsewhereFresh]) expect((await getRun(db.orm, run.id))!.status).toBe('running');
    expect(await sweepStaleRuns(db.orm, { now: () => NOW })).toEqual([]);
    for (const run of [live, elsewhereFresh]) await closeRun(db.orm, run.id, 'completed', NOW);
  });

  it('keeps a distributed run open while workers renew its lease after its coordinator died, and completes it once every server is done', async () => {
    await upsertServers(db.orm, [{ id: 'lease:a', sources: ['test'] }], NOW);
    const run = await runOwnedBy({ host: os.hostname(), pid: deadPid() }, later(60_000), { distributed: true });
    expect(await sweepStaleRuns(db.orm, { now: () => NOW })).toEqual([]);
    await recordAttempt(db.orm, { runId: run.id, serverId: 'lease:a', target: 'x', outcome: 'ok', startedAt: NOW, durationMs: 1 });
    expect(await sweepStaleRuns(db.orm, { now: () => NOW })).toMatchObject([{ runId: run.id, status: 'completed' }]);
    expect(await getRun(db.orm, run.id)).toMatchObject({ status: 'completed', summary: { servers: 1, outcomes: { ok: 1 } } });
  });

  it('resumes a server whose first target failed and whose second was never tried with its second target only', async () => {
    const mark = randomUUID();
    const first = stdioTarget('resume:s', 'crash-mid-pagination', mark);
    const second = stdioTarget('resume:s', 'ok', mark);
    const servers = [{ server: { id: 'resume:s', sources: ['test'] }, targets: [first, second] }];
    await upsertServers(db.orm, [servers[0].server], NOW);
    const run = await openRun(db.orm, NOW, { servers: 1, resumeKey: 'resume-test' });
    await recordAttempt(db.orm, { runId: run.id, serverId: 'resume:s', target: targetLabel(first), outcome: 'crashed', startedAt: NOW, durationMs: 5 });
    await closeRun(db.orm, run.id, 'interrupted', NOW, { attempts: 1 });

    const summary = await crawlOrResume(db.orm, servers, { resumeKey: 'resume-test', limits: SUITE_LIMITS });
    expect(summary).toMatchObject({ runId: run.id, status: 'completed', attempts: 2, outcomes: { ok: 1 }, resumed: { runId: run.id, alreadyDone: 0 } });
    const attempts = await db.orm.select().from(crawlAttempts);
    const ofRun = attempts.filter((a) => a.runId === run.id).map((a) => [a.target, a.outcome, a.startedAt.getTime() === NOW.getTime()]);
    expect(ofRun.sort()).toEqual(
      [
        [targetLabel(first), 'crashed', true],
        [targetLabel(second), 'ok', false],
      ].sort(),
    );
  });
});
