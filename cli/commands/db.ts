import type { Command } from 'commander';
import { databaseStatus, openDatabase } from '../../db/index.ts';
import { formatTable, printJson } from '../output.ts';

export function registerDb(program: Command): void {
  const db = program.command('db').description('Inspect and migrate the catalogue database (PGlite in ./data, or PostgreSQL with DATABASE_URL).');

  db.command('status')
    .description('Show the backend, its location, the schema version and row counts.')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const database = await openDatabase({ brief: true });
      try {
        const status = await databaseStatus(database);
        if (options.json) return printJson(status);
        console.log(`backend:  ${status.backend === 'pglite' ? 'PGlite (embedded)' : 'PostgreSQL'}`);
        console.log(`location: ${status.location}`);
        console.log(
          `schema:   ${status.schemaVersion.applied}/${status.schemaVersion.available} migrations applied (${status.schemaVersion.latest ?? 'none'})`,
        );
        console.log();
        console.log(formatTable(['table', 'rows'], Object.entries(status.rows)));
      } finally {
        await database.close();
      }
    });

  db.command('migrate')
    .description('Apply pending migrations (opening the database does this too).')
    .action(async () => {
      const database = await openDatabase();
      try {
        const status = await databaseStatus(database);
        console.log(`${status.backend} at ${status.location}: ${status.schemaVersion.applied}/${status.schemaVersion.available} migrations applied.`);
      } finally {
        await database.close();
      }
    });
}
