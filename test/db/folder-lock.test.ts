import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compiledFixture } from '../helpers/fixtures.ts';
import { deadPid } from '../helpers/processes.ts';
import { currentOwner, formatOwner, lockFolder, processStartTime } from '../../db/folder-lock.ts';

const folder = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-lock-'));
const lockPath = path.join(folder, 'toolrisk.lock');
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('the PGlite folder lock', () => {
  it('refuses a folder held by a live process, naming its PID, and releases on unlock', () => {
    const unlock = lockFolder(folder);
    expect(readFileSync(lockPath, 'utf8').trim()).toBe(formatOwner(currentOwner()).trim());
    expect(() => lockFolder(folder)).toThrow(new RegExp(`in use by process ${process.pid} \\(this one\\)`));
    unlock();
    expect(existsSync(lockPath)).toBe(false);
    lockFolder(folder)();
  });

  it('takes over a lock whose process is gone', () => {
    writeFileSync(lockPath, `${deadPid()}\n`);
    const unlock = lockFolder(folder);
    expect(readFileSync(lockPath, 'utf8')).toBe(formatOwner(currentOwner()));
    unlock();
  });

  it('takes over a lock whose PID now belongs to another process (PID reuse), and keeps one whose start time matches', () => {
    const parent = process.ppid;
    const started = processStartTime(parent);
    expect(started).toMatch(/^\d+$/);
    writeFileSync(lockPath, `${parent} ${Number(started) + 1}\n`);
    lockFolder(folder)();
    writeFileSync(lockPath, `${parent} ${started}\n`);
    expect(() => lockFolder(folder)).toThrow(new RegExp(`in use by process ${parent};`));
    rmSync(lockPath);
  });

  it('never lets two of 8 racing processes hold it, over 12 rounds, with and without a stale lock to take over', async () => {
    const racers: ChildProcess[] = [];
    const next = (child: ChildProcess) => new Promise<Record<string, unknown>>((resolve) => child.once('message', resolve));
    try {
      for (let i = 0; i < 8; i++) {
        const child = fork(compiledFixture('test/db/lock-racer.ts'), { stdio: 'inherit' });
        racers.push(child);
      }
      await Promise.all(racers.map(next));
      for (let round = 0; round < 12; round++) {
        if (round % 2 === 1) writeFileSync(lockPath, `${deadPid()} 1\n`);
        const answers = await Promise.all(
          racers.map((child) => {
            const answer = next(child);
            child.send({ op: 'take', folder });
            return answer;
          }),
        );
        const holders = answers.filter((a) => a.got);
        expect(holders, `round ${round}: ${JSON.stringify(answers)}`).toHaveLength(1);
        expect(answers.filter((a) => !a.got).every((a) => a.locked)).toBe(true);
        await Promise.all(
          racers.map((child) => {
            const answer = next(child);
            child.send({ op: 'release', folder });
            return answer;
          }),
        );
        expect(existsSync(lockPath)).toBe(false);
      }
    } finally {
      for (const child of racers) child.kill();
    }
  });
});
