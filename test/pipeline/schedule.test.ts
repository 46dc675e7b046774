import { describe, expect, it } from 'vitest';
import { parseCron, scheduleInProcess, type Tick } from '../../pipeline/schedule.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('scheduleInProcess (croner, the embedded-database path)', () => {
  it('never runs twice at once: a tick during a run is skipped and logged', async () => {
    const log: string[] = [];
    let active = 0;
    let maxActive = 0;
    const ticks: Tick[] = [];
    const scheduler = scheduleInProcess({
      cron: '* * * * * *', // every second
      log: (line) => log.push(line),
      run: async (tick) => {
        ticks.push(tick);
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(2_300);
        active--;
        return 'slow run done';
      },
    });
    await sleep(5_500);
    await scheduler.stop();

    expect(maxActive).toBe(1);
    expect(ticks.length).toBeGreaterThanOrEqual(1);
    expect(ticks.length).toBeLessThanOrEqual(3);
    expect(log.filter((l) => l.includes('skipped: the previous run is still going')).length).toBeGreaterThanOrEqual(2);
    expect(log.filter((l) => l.startsWith('run finished')).length).toBe(ticks.length);
  });

  it('survives a failed run and logs it', async () => {
    const log: string[] = [];
    let calls = 0;
    const scheduler = scheduleInProcess({
      cron: '* * * * * *',
      log: (line) => log.push(line),
      run: async () => {
        calls++;
        if (calls === 1) throw new Error('the crawl could not read its servers file');
        return `run ${calls} ok`;
      },
    });
    await sleep(3_300);
    await scheduler.stop();

    expect(log.some((l) => l.includes('run failed') && l.includes('the crawl could not read its servers file'))).toBe(true);
    expect(log.some((l) => l.includes('run finished') && l.includes('run 2 ok'))).toBe(true);
  });

  it('logs nothing after stop(): a skip notice already due comes before stop() resolves', async () => {
    // croner logs a skipped tick from a setTimeout of its own, queued when the tick fires during a run. Here the
    // loop is held past the tick; when it resumes, the tick fires (its notice queued), then a timer due just after
    // it ends the run and stops the schedule, before the queued notice has run.
    const log: string[] = [];
    let endRun = () => {};
    let stopped: Promise<void> | null = null;
    const scheduler = scheduleInProcess({
      cron: '* * * * * *',
      log: (line) => log.push(line),
      run: (tick) => {
        const nextTick = tick.at.getTime() + 1_000;
        setTimeout(
          () => {
            endRun();
            stopped = scheduler.stop().then(() => void log.push('stopped'));
          },
          nextTick + 50 - Date.now(),
        );
        setTimeout(
          () => {
            while (Date.now() < nextTick + 200) {} // holds the loop past the tick and the timer above
          },
          nextTick - 100 - Date.now(),
        );
        return new Promise((resolve) => (endRun = () => resolve('run done')));
      },
    });
    await expect.poll(() => stopped, { timeout: 5_000 }).not.toBeNull();
    await stopped;
    await sleep(50);
    expect(log.filter((l) => l.includes('skipped')).length).toBeGreaterThanOrEqual(1);
    expect(log.at(-1)).toBe('stopped');
  });

  it('stop() waits for the run in progress', async () => {
    let started = false;
    let finished = false;
    const scheduler = scheduleInProcess({
      cron: '* * * * * *',
      log: () => {},
      run: async () => {
        started = true;
        await sleep(800);
        finished = true;
        return 'done';
      },
    });
    while (!started) await sleep(20);
    await scheduler.stop();
    expect(finished).toBe(true);
  });
});

describe('parseCron', () => {
  it('takes 5-field and 6-field expressions in process, only 5 fields for pg-boss', () => {
    expect(parseCron('0 3 * * *', { seconds: true }).getPattern()).toBe('0 3 * * *');
    expect(parseCron('*/2 * * * * *', { seconds: true }).getPattern()).toBe('*/2 * * * * *');
    expect(() => parseCron('*/2 * * * * *', { seconds: false })).toThrow(/5 \(minute hour day month weekday\)/);
    expect(() => parseCron('61 * * * *', { seconds: true })).toThrow(/not valid/);
    expect(() => parseCron('every night', { seconds: true })).toThrow(/not valid|fields/);
    expect(parseCron('0 3 * * *', { seconds: false, timezone: 'Europe/Paris' }).nextRun()?.getUTCHours()).toBeOneOf([1, 2]);
    expect(() => parseCron('0 3 * * *', { seconds: false, timezone: 'Mars/Olympus' })).toThrow(/"Mars\/Olympus" is not a time zone/);
  });
});
