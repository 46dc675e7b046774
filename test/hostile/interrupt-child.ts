// A crawler process for the interruption test: crawls fixture servers with interruptOnSignals, as
// `toolrisk crawl` does, and prints one line per finished server so the test knows when to signal.
// Run: node --import tsx test/hostile/interrupt-child.ts '<json: {openOptions, mark, mode}>'
import { crawlOrResume, interruptOnSignals } from '../../crawler/run-lifecycle.ts';
import { openDatabase, type OpenOptions } from '../../db/index.ts';
import { sourced, stdioTarget } from './cases.ts';

const { openOptions, mark, mode } = JSON.parse(process.argv[2]) as { openOptions: OpenOptions; mark: string; mode: 'hanging' | 'healthy' };
const db = await openDatabase(openOptions);
const interrupts = interruptOnSignals();
// Two quick servers, then three that hang on tools/list (while `hanging`), two at a time: at the
// signal, two attempts are cut and one server has not started.
const servers = ['a', 'b', 'c', 'd', 'e'].map((name, index) => {
  const env: Record<string, string> = index >= 2 && mode === 'hanging' ? { FIXTURE_MODE: 'hang-list' } : {};
  return sourced(`interrupt:${name}`, stdioTarget(`interrupt:${name}`, 'ok', mark, undefined, env));
});
try {
  const summary = await crawlOrResume(db.orm, servers, {
    resumeKey: 'interrupt-test',
    concurrency: 2,
    limits: { requestTimeoutMs: 60_000, deadlineMs: 60_000 },
    signal: interrupts.signal,
    onProgress: (p) => console.log(`done ${p.serverId} ${p.outcome}`),
  });
  console.log(`summary ${JSON.stringify(summary)}`);
} finally {
  interrupts.dispose();
  await db.close();
}
process.exitCode = interrupts.exitCode() ?? 0;
