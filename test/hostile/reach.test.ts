// A hostile server tries what an attacker would once inside the sandbox: the PostgreSQL socket, `/`, the
// catalogue's data folder, the crawler's current folder, other users' files in /tmp, other processes'
// environments, with `/tmp` and `/` as its arguments (which once widened the readable set to the whole host).
import { randomUUID } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crawlTarget } from '../../crawler/index.ts';
import { probeBwrap } from '../../crawler/sandbox/command.ts';
import { ISOLATION_ENV, launchSandboxed } from '../../crawler/sandbox/index.ts';
import { openDatabase } from '../../db/index.ts';
import { FIXTURES, stdioTarget, SUITE_LIMITS } from './cases.ts';

const isRoot = process.getuid?.() === 0;
const bwrapWorks = (await probeBwrap(isRoot ? 1_999_999_997 : undefined)).ok;
const PG_SOCKET = '/var/run/postgresql/.s.PGSQL.5432';
const OTHER_UID = 4242;
const SECRET = `sk-reach-secret-${randomUUID()}`;
const SANDBOX_SKELETON = ['bin', 'dev', 'etc', 'lib', 'lib32', 'lib64', 'libx32', 'proc', 'run', 'sbin', 'tmp', 'usr', 'var'];

let work: string;
let dataDir: string;
let privateFile: string;
let sharedFile: string;
const saved = { dataDir: process.env.TOOLRISK_DATA_DIR, isolation: process.env[ISOLATION_ENV] };

beforeAll(async () => {
  process.env.TOOLRISK_FAKE_SECRET = SECRET;
  // A data folder as `npm start` makes it: in a folder every user can pass through.
  work = mkdtempSync(join(tmpdir(), 'toolrisk-reach-'));
  chmodSync(work, 0o755);
  dataDir = join(work, 'data');
  process.env.TOOLRISK_DATA_DIR = dataDir;
  const db = await openDatabase({ env: { TOOLRISK_DATA_DIR: dataDir } });
  await db.close();
  // Another user's work in /tmp: a private folder, and a file shared read-only with everyone.
  const other = mkdtempSync(join(tmpdir(), 'toolrisk-other-user-'));
  privateFile = join(other, 'private.txt');
  writeFileSync(privateFile, 'another user’s private notes');
  chmodSync(privateFile, 0o600);
  const shared = mkdtempSync(join(tmpdir(), 'toolrisk-other-shared-'));
  chmodSync(shared, 0o755);
  sharedFile = join(shared, 'shared.txt');
  writeFileSync(sharedFile, 'another user’s shared notes');
  chmodSync(sharedFile, 0o644);
  if (isRoot) for (const path of [other, privateFile, shared, sharedFile]) chownSync(path, OTHER_UID, OTHER_UID);
});

afterAll(() => {
  delete process.env.TOOLRISK_FAKE_SECRET;
  for (const [key, value] of [
    ['TOOLRISK_DATA_DIR', saved.dataDir],
    [ISOLATION_ENV, saved.isolation],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  rmSync(work, { recursive: true, force: true });
  for (const path of [privateFile, sharedFile]) rmSync(join(path, '..'), { recursive: true, force: true });
});

it('keeps the embedded database private: folders 0700, files 0600, after open and writes', () => {
  const modes = new Map<string, number>();
  const walk = (path: string) => {
    const stat = statSync(path);
    modes.set(path, stat.mode & 0o777);
    if (stat.isDirectory()) for (const entry of readdirSync(path)) walk(join(path, entry));
  };
  walk(dataDir);
  expect(modes.size).toBeGreaterThan(100);
  const open = [...modes].filter(([path, mode]) => mode !== (statSync(path).isDirectory() ? 0o700 : 0o600));
  expect(open).toEqual([]);
});

async function reach(isolation: 'bwrap' | 'none') {
  if (isolation === 'none') process.env[ISOLATION_ENV] = 'none';
  else delete process.env[ISOLATION_ENV];
  const pgVersion = join(dataDir, 'db', 'PG_VERSION');
  const attempts = {
    pgSocket: ['socket', PG_SOCKET],
    root: ['list', '/'],
    tmp: ['list', '/tmp'],
    dataFolder: ['list', dataDir],
    dataFile: ['read', pgVersion],
    dataWrite: ['write', pgVersion],
    currentFolder: ['list', process.cwd()],
    otherPrivate: ['read', privateFile],
    otherShared: ['read', sharedFile],
    initEnviron: ['read', '/proc/1/environ'],
    crawlerEnviron: ['read', `/proc/${process.pid}/environ`],
  };
  // As `check -- node server.js reach /tmp /` runs it: from the current folder, with /tmp and / as arguments.
  const target = { ...stdioTarget('reach', 'reach', 'reach', '/tmp', { REACH: JSON.stringify(attempts) }), cwd: process.cwd() };
  target.args.push('/');
  const before = readFileSync(pgVersion, 'utf8');
  const result = await crawlTarget(target, { limits: SUITE_LIMITS });
  expect({ outcome: result.outcome, error: result.error }).toEqual({ outcome: 'ok', error: undefined });
  expect(readFileSync(pgVersion, 'utf8')).toBe(before);
  const text = result.tools![0].description!;
  expect(text).not.toContain(SECRET);
  return JSON.parse(text.replace('Reached: ', '')) as Record<keyof typeof attempts, string>;
}

// What the throwaway uid alone guarantees, and what only bwrap adds.
const refused = expect.stringMatching(/^refused: /);

describe.skipIf(!bwrapWorks)('inside bwrap', () => {
  it('reaches no host socket, no host folder, no data, no other user’s file', async () => {
    const seen = await reach('bwrap');
    const hostOnly = readdirSync('/').filter((entry) => !SANDBOX_SKELETON.includes(entry) && entry !== FIXTURES.split('/')[1]);
    expect(hostOnly.length).toBeGreaterThan(0);
    expect(seen.pgSocket).toEqual(refused);
    expect(
      seen.root
        .replace(/^ok: /, '')
        .split(',')
        .filter((entry) => hostOnly.includes(entry)),
    ).toEqual([]);
    // /tmp is a fresh folder holding only the server's own sandbox folder (HOME, TMPDIR), and the way to the
    // server's own folder when the project itself lives in /tmp (a clone made there).
    const wayToProject = FIXTURES.startsWith('/tmp/') ? [FIXTURES.split('/')[2]] : [];
    expect(seen.tmp).toMatch(/^ok: /);
    const inTmp = seen.tmp.replace(/^ok: /, '').split(',');
    expect(inTmp.filter((entry) => !wayToProject.includes(entry))).toEqual([expect.stringMatching(/^toolrisk-sandbox-[\w-]+$/)]);
    expect(seen).toMatchObject({
      dataFolder: refused,
      dataFile: refused,
      dataWrite: refused,
      otherPrivate: refused,
      otherShared: refused,
      crawlerEnviron: refused,
    });
    // Of the current folder (the server's package folder here) only its dependencies and the way to the
    // server's own folder are there: none of its other files, not its data folder.
    expect(seen.currentFolder).toBe('ok: node_modules,package.json,test');
  });
});

describe.skipIf(!isRoot)('without bwrap, as a throwaway uid', () => {
  it('cannot read or write the data folder, another user’s private files or other processes’ environments', async () => {
    const seen = await reach('none');
    expect(seen).toMatchObject({
      dataFolder: refused,
      dataFile: refused,
      dataWrite: refused,
      otherPrivate: refused,
      initEnviron: refused,
      crawlerEnviron: refused,
    });
  });
});

it.skipIf(!bwrapWorks)('refuses to bind `/`, a shared folder, the current folder or the data folder, whoever asks', async () => {
  delete process.env[ISOLATION_ENV];
  const outcomes: string[] = [];
  for (const path of ['/', '/tmp', process.cwd(), dataDir, join(dataDir, 'db')]) {
    const sandbox = launchSandboxed(
      { command: process.execPath, args: ['-e', ''], env: {}, readablePaths: [path] },
      { maxMessageBytes: 1024 },
      { warn: () => {} },
    );
    outcomes.push(
      await sandbox.transport.start().then(
        () => 'started',
        (error: Error) => error.message,
      ),
    );
    await sandbox.kill();
  }
  expect(outcomes).toEqual([
    'The sandbox will not show / to the server: it is the root of the host.',
    'The sandbox will not show /tmp to the server: it is a top-level folder of the host.',
    expect.stringMatching(/^The sandbox will not show .* to the server: it is or holds the crawler's current folder/),
    expect.stringMatching(/^The sandbox will not show .* to the server: it is or holds the data folder/),
    expect.stringMatching(/^The sandbox will not show .* to the server: it is inside the data folder/),
  ]);
});
