import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.ts';
import { printable } from './output.ts';
import { failureMessage, UsageError } from './errors.ts';

const program = new Command('toolrisk')
  .description('A risk catalogue of MCP tools: crawl MCP servers, classify every tool, publish recommended gateway policies.')
  .showHelpAfterError()
  .exitOverride();

for (const register of commands) register(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

/** 0 ok, 1 the work failed, 2 the command line was wrong. */
function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    return 2; // commander has already printed the message and the help
  }
  if (error instanceof UsageError) {
    console.error(`toolrisk: ${error.message}`);
    return 2;
  }
  console.error(`toolrisk: ${printable(failureMessage(error))}`);
  if (process.env.TOOLRISK_DEBUG && error instanceof Error) console.error(error.stack);
  return 1;
}
