import { describe, expect, it } from 'vitest';
import { type CrawlJob, failureReason, parseCrawlJob } from '../../crawler/distributed/crawl-job.ts';

/** One target of every kind, as the coordinator enqueues them; the job goes through JSON like pg-boss's jsonb column. */
const job: CrawlJob = {
  runId: 7,
  serverId: 'io.github.example/notes',
  targets: [
    { kind: 'stdio', serverId: 's', command: 'node', args: ['server.js'], env: { A: '1' }, cwd: '/tmp', bundled: true },
    {
      kind: 'npm',
      serverId: 's',
      package: '@x/y',
      version: '1.2.3',
      args: [],
      env: {},
      placeholders: ['TOKEN'],
      http: { transport: 'sse', port: 3000, path: '/sse' },
    },
    { kind: 'pypi', serverId: 's', package: 'mcp-server-x', args: ['--stdio'], env: {}, placeholders: [] },
    { kind: 'remote', serverId: 's', url: 'https://mcp.example.com/mcp', transport: 'auto', headers: { Authorization: 'Bearer x' }, label: 'remote #2' },
    { kind: 'unrunnable', serverId: 's', label: 'oci:ghcr.io/x/y:1', outcome: 'unsupported_runtime', reason: 'OCI images are not run' },
  ],
  settings: { limits: { deadlineMs: 5_000, maxTools: 10 }, network: { allowPrivateNetwork: false, allowHosts: ['*.example.com'], denyHosts: [] } },
};

describe('crawl job payloads', () => {
  it('reads back every kind of target and the settings exactly as enqueued', () => {
    expect(parseCrawlJob(JSON.parse(JSON.stringify(job)))).toEqual(job);
  });

  it('defaults missing settings to none', () => {
    const { settings, ...bare } = job;
    expect(parseCrawlJob(JSON.parse(JSON.stringify(bare))).settings).toEqual({});
  });

  it('refuses data of the wrong shape, naming the field', () => {
    expect(() => parseCrawlJob({ ...job, targets: [] })).toThrow(/targets/);
    expect(() => parseCrawlJob({ ...job, targets: [{ kind: 'docker', serverId: 's' }] })).toThrow(/does not understand: targets\.0/);
    expect(() => parseCrawlJob({ ...job, targets: [{ kind: 'stdio', serverId: 's', command: 'node' }] })).toThrow(/targets\.0\.args/);
    expect(() => parseCrawlJob({ ...job, settings: { limits: { deadlineMs: '5s' } } })).toThrow(/settings\.limits\.deadlineMs/);
    expect(() => parseCrawlJob({ ...job, runId: -1 })).toThrow(/runId/);
    expect(() => parseCrawlJob(null)).toThrow(/does not understand/);
  });

  it('finds why a job failed in whatever output pg-boss kept', () => {
    expect(failureReason({ message: 'lease expired' })).toBe('lease expired');
    expect(failureReason({ value: { message: 'worker died' } })).toBe('worker died');
    expect(failureReason(null)).toBe('no reason recorded');
    expect(failureReason('text')).toBe('no reason recorded');
    expect(failureReason({ message: 42 })).toBe('no reason recorded');
  });
});
