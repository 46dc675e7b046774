// Opens the catalogue in the folder argv[2], stores a run, then fills the disk under it and makes PostgreSQL start a
// new write-ahead-log segment, which it has no room to create: a PANIC (test/hostile/database-errors.test.ts).
import { statfsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'drizzle-orm';
import { crawlRuns, openDatabase } from '../../db/index.ts';

const folder = process.argv[2]!;
const db = await openDatabase({ dataDir: folder, env: {} });
await db.orm.insert(crawlRuns).values({ startedAt: new Date(), status: 'completed', options: { stored: 'before the panic' } });
const { bavail, bsize } = statfsSync(folder);
try {
  writeFileSync(join(dirname(folder), 'filler'), Buffer.alloc(bavail * bsize));
} catch {
  // full either way
}
// The switch leaves the rest of the current segment unused: the commit must write to a new one.
await db.orm.transaction(async (tx) => {
  await tx.execute(sql`select pg_switch_wal()`);
  await tx.insert(crawlRuns).values({ startedAt: new Date(), status: 'completed', options: { stored: 'after the panic' } });
});
process.stdout.write('no panic\n');
await db.close();
