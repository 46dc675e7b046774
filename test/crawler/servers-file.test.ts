import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseServersFile, readServersFile, ServersFileError } from '../../crawler/index.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-servers-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function problemsOf(text: string, file = 'servers.yaml'): string[] {
  try {
    parseServersFile(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ServersFileError);
    return (error as ServersFileError).problems;
  }
  throw new Error('expected the file to be rejected');
}

describe('the servers file', () => {
  it('reads YAML with stdio, npm and url entries', async () => {
    const file = path.join(dir, 'servers.yaml');
    writeFileSync(
      file,
      `servers:
  - id: memory
    title: Memory
    command: node
    args: [./server.js, --verbose, missing/file.js, plain]
    env: { MEMORY_FILE: /tmp/memory.json }
    cwd: sub
  - npm: "@modelcontextprotocol/server-memory@2026.8.31"
    args: [--flag]
  - url: https://mcp.example.com/mcp/
    headers: { X-Test: yes }
`,
    );
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'server.js'), '');
    const servers = await readServersFile(file);
    expect(servers.map((s) => s.server.id)).toEqual(['memory', 'npm:@modelcontextprotocol/server-memory', 'url:mcp.example.com/mcp']);
    expect(servers[0]).toEqual({
      server: { id: 'memory', title: 'Memory', description: null, sources: ['servers-file'] },
      targets: [
        {
          kind: 'stdio',
          serverId: 'memory',
          command: 'node',
          args: [path.join(dir, 'server.js'), '--verbose', 'missing/file.js', 'plain'],
          env: { MEMORY_FILE: '/tmp/memory.json' },
          cwd: path.join(dir, 'sub'),
        },
      ],
    });
    expect(servers[1].targets[0]).toMatchObject({ kind: 'npm', package: '@modelcontextprotocol/server-memory', version: '2026.8.31', args: ['--flag'] });
    expect(servers[2].targets[0]).toMatchObject({ kind: 'remote', url: 'https://mcp.example.com/mcp/', transport: 'auto', headers: { 'X-Test': 'yes' } });
  });

  it('reads JSON too', () => {
    const servers = parseServersFile(JSON.stringify({ servers: [{ url: 'http://127.0.0.1:9/sse', transport: 'sse' }] }), 'servers.json');
    expect(servers[0].targets[0]).toMatchObject({ kind: 'remote', transport: 'sse' });
  });

  it('names the file, the entry and the field of every problem', () => {
    const problems = problemsOf(`servers:
  - id: ok
    command: node
  - id: bad-transport
    url: https://example.com/mcp
    transport: websocket
  - id: unknown-key
    command: node
    enviroment: {}
  - id: two-kinds
    command: node
    npm: left-pad
  - npm: "not a package"
  - command: node
    headers: { a: b }
  - url: ftp://example.com/
`);
    expect(problems).toEqual([
      expect.stringMatching(/^entry 2 \("bad-transport"\): field `transport`: Invalid enum value/),
      expect.stringMatching(/^entry 3 \("unknown-key"\): field `enviroment`: Unrecognized key/),
      'entry 4 ("two-kinds"): give exactly one of `command`, `npm` or `url`',
      expect.stringMatching(/^entry 5 \("not a package"\): field `npm`: "not a package" is not an npm package name/),
      'entry 6 ("node"): field `headers`: not allowed with `command`',
      'entry 7 ("ftp://example.com/"): field `url`: must be an http:// or https:// URL',
    ]);
    expect(() => parseServersFile('servers: []', 'mine.yaml')).toThrow(/^mine\.yaml is not a valid servers file; nothing was crawled/);
  });

  it('rejects duplicate ids, bad syntax, a wrong top level and missing files', async () => {
    expect(problemsOf('servers:\n  - id: a\n    command: x\n  - id: a\n    command: y\n')).toEqual(['entry 2: id "a" is already used by entry 1']);
    expect(problemsOf('servers: [')[0]).toMatch(/cannot parse it as YAML or JSON/);
    expect(problemsOf('- command: node')[0]).toMatch(/Expected object/);
    expect(problemsOf('servers: []\nextra: 1')).toEqual(expect.arrayContaining([expect.stringMatching(/field `extra`: Unrecognized key/)]));
    await expect(readServersFile(path.join(dir, 'missing.yaml'))).rejects.toThrow(/missing\.yaml is not a valid servers file[\s\S]*cannot read the file/);
  });
});
