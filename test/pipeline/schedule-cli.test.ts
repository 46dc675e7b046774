import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { latestRuns, openDatabase } from '../../db/index.ts';
import { toolrisk } from '../helpers/cli.ts';
import { copyMigratedPglite, createPostgres } from '../helpers/databases.ts';
import { NOTES_SERVER } from '../helpers/fixtures.ts';
import { ROOT, startCli, type Running } from './helpers.ts';

const adminUrl = process.env.TEST_DATABASE_URL;

/** A servers file with the notes fixture: quick to crawl. */
function notesServersFile(dir: string): string {
  const file = path.join(dir, 'servers.yaml');
  const args = [NOTES_SERVER];
  writeFileSync(file, JSON.stringify({ servers: [{ id: 'fixture/notes', command: process.execPath, args, cwd: ROOT }] }));
  return file;
}

const count = (text: string, pattern: RegExp) => text.split('\n').filter((line) => pattern.test(line)).length;

describe('toolrisk schedule', () => {
  let dir: string;
  const processes: Running[] = [];

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-schedule-'));
  });

  afterEach(async () => {
    await Promise.all(processes.splice(0).map((p) => p.stop('SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
  });

  it('in process (embedded database): runs on the cron, logs each summary, survives a failed run', { timeout: 90_000 }, async () => {
    const file = notesServersFile(dir);
    copyMigratedPglite(path.join(dir, 'data', 'db'));
    const schedule = startCli(['schedule', '--cron', '*/2 * * * * *', '--servers', file, '--no-build', '--fresh-for', '0'], {
      TOOLRISK_DATA_DIR: path.join(dir, 'data'),
      DATABASE_URL: '',
    });
    processes.push(schedule);
    await schedule.waitFor(/scheduled in this process/);
    await schedule.waitFor(/run finished in [\d.]+s: run 1 completed, 1 servers \(ok 1\); changes: 3 added/);

    // Break the servers file: the next run fails, is logged, and the schedule goes on.
    writeFileSync(file, 'servers: [{ command: 42 }]');
    await schedule.waitFor(/run failed after [\d.]+s: .*not a valid servers file.*; the schedule goes on/);
    notesServersFile(dir);
    await schedule.waitFor(/run finished in [\d.]+s: run 2 completed, 1 servers \(ok 1\); changes: no tool changes/, 30_000);

    expect(await schedule.stop('SIGTERM')).toBe(0);
    // The log is stdout; the signal notice goes to stderr, and the order of two pipes is not defined.
    expect(schedule.stdout()).toMatch(/stopped\n?$/);
  });

  it('rejects a bad cron expression and pg-boss-incompatible seconds with a usage error', async () => {
    const bad = await toolrisk(['schedule', '--cron', 'every night', '--servers', notesServersFile(dir)], { env: { ...process.env, DATABASE_URL: '' } });
    expect(bad.code).toBe(2);
    expect(bad.stdout + bad.stderr).toMatch(/cron expression "every night"/);
    const seconds = await toolrisk(['schedule', '--cron', '*/2 * * * * *', '--servers', notesServersFile(dir)], {
      env: { ...process.env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/x' },
    });
    expect(seconds.code).toBe(2);
    expect(seconds.stdout + seconds.stderr).toMatch(/pg-boss\) takes 5/);
  });

  it.skipIf(!adminUrl)('two instances on one PostgreSQL database fire each run exactly once (pg-boss cron)', { timeout: 240_000 }, async () => {
    const db = await createPostgres(adminUrl!);
    try {
      const file = notesServersFile(dir);
      const args = [
        'schedule',
        '--cron',
        '* * * * *',
        '--servers',
        file,
        '--no-build',
        '--fresh-for',
        '0',
        '--cron-monitor-seconds',
        '1',
        '--poll-seconds',
        '1',
      ];
      // pg-boss fires a cron whose last time is less than a minute past as soon as it starts. Started in a minute's last
      // seconds on a loaded machine, that run can begin after the boundary, in the same minute as the next one.
      const second = new Date().getSeconds();
      if (second >= 45) await setTimeout((61 - second) * 1000);
      const a = startCli(args, { DATABASE_URL: db.url });
      const b = startCli(args, { DATABASE_URL: db.url });
      processes.push(a, b);
      await Promise.all([a.waitFor(/scheduled on pg-boss/), b.waitFor(/scheduled on pg-boss/)]);

      // Every minute, pg-boss turns the cron into one job; whichever instance takes it runs it.
      const finished = () => count(a.output(), /run finished/) + count(b.output(), /run finished/);
      const deadline = Date.now() + 150_000;
      while (finished() < 2 && Date.now() < deadline) await setTimeout(500);
      await setTimeout(5_000); // a duplicate would show up by now
      await Promise.all([a.stop('SIGTERM'), b.stop('SIGTERM')]);

      const started = count(a.output(), /run started/) + count(b.output(), /run started/);
      expect(finished(), `${a.output()}\n---\n${b.output()}`).toBe(2);
      expect(started).toBe(2);
      const view = await openDatabase(db.openOptions);
      try {
        const runs = await latestRuns(view.orm, 10);
        expect(runs).toHaveLength(2);
        const minutes = runs.map((run) => Math.floor(run.startedAt.getTime() / 60_000));
        expect(new Set(minutes).size).toBe(2);
        expect(runs.every((run) => run.status === 'completed')).toBe(true);
      } finally {
        await view.close();
      }
    } finally {
      await db.dispose();
    }
  });
});
