import type { Command } from 'commander';
import { formatChecks, runChecks } from '../doctor.ts';
import { printJson } from '../output.ts';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description(
      'Check what the crawler needs (bwrap and its namespaces, prlimit, setpriv, Node, npm, python3, the data folder, the database) and print the command that installs what is missing.',
    )
    .option('--quiet', 'print only the problems')
    .option('--json', 'print JSON')
    .action(async (flags: { quiet?: boolean; json?: boolean }) => {
      const checks = await runChecks();
      if (flags.json) printJson(checks);
      else for (const line of formatChecks(checks, flags.quiet)) console.log(line);
      if (checks.some((c) => !c.ok)) process.exitCode = 1;
    });
}
