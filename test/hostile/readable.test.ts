// Which host paths a stdio server from a servers file or `check -- cmd` may read under bwrap.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { stdioView } from '../../crawler/sandbox/index.ts';

const root = mkdtempSync(join(tmpdir(), 'toolrisk-view-'));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));
const env = { TOOLRISK_DATA_DIR: join(root, 'data') };

function file(path: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '{}');
  return path;
}

it('shows a script’s package folder, never an argument’s parent: `/tmp` and `/` get scratch folders', () => {
  const script = file(join(root, 'server', 'dist', 'index.js'));
  file(join(root, 'server', 'package.json'));
  expect(stdioView({ command: 'node', args: [script, '/tmp', '/', '--flag'] }, env)).toEqual({
    readablePaths: [join(root, 'server')],
    scratchPaths: ['/tmp', '/'],
  });
  // Before: `/tmp` as an argument made `/` readable.
  expect(stdioView({ command: 'node', args: ['/tmp'] }, env)).toEqual({ readablePaths: [], scratchPaths: ['/tmp'] });
});

it('shows a script straight in /tmp alone, and a script inside node_modules with the whole node_modules', () => {
  const loose = file(join(tmpdir(), `toolrisk-view-loose-${process.pid}.js`));
  try {
    expect(stdioView({ command: process.execPath, args: [loose] }, env).readablePaths).toEqual([loose]);
  } finally {
    rmSync(loose);
  }
  const bin = file(join(root, 'cache', 'node_modules', 'pkg', 'bin.js'));
  expect(stdioView({ command: 'node', args: [bin] }, env).readablePaths).toEqual([join(root, 'cache', 'node_modules')]);
});

it('never shows the data folder or the current folder: a package holding them shows only the script’s folder and its dependencies', () => {
  const project = join(root, 'project');
  file(join(project, 'package.json'));
  mkdirSync(join(project, 'node_modules'), { recursive: true });
  const script = file(join(project, 'src', 'server.js'));
  const withData = { TOOLRISK_DATA_DIR: join(project, 'data') };
  expect(stdioView({ command: 'node', args: [script], cwd: project }, withData).readablePaths).toEqual([
    join(project, 'src'),
    join(project, 'node_modules'),
    join(project, 'package.json'),
  ]);
  // A command that is itself the server's code (not a system program) is the code.
  const own = file(join(root, 'tool', 'run.sh'));
  expect(stdioView({ command: own, args: [join(project, 'src')] }, env)).toEqual({ readablePaths: [join(root, 'tool')], scratchPaths: [join(project, 'src')] });
});
