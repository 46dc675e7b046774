import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { commands, type CommandEntry } from './commands/index.ts';
import { failureMessage, UsageError } from './errors.ts';
import { printable } from './output.ts';

const ROOT_EXAMPLES = [
  'toolrisk start                                   # crawl the bundled servers, build the site, serve it',
  'toolrisk check --npm @modelcontextprotocol/server-memory',
  'toolrisk crawl --servers servers/default.yaml',
  'toolrisk policy @modelcontextprotocol/server-memory --format intercept',
  'toolrisk <command> --help                        # every command has its own examples',
];

/**
 * Runs `toolrisk ARGS…` and returns its exit code: 0 ok, 1 the work failed, 2 the command line was wrong.
 * Only the command named in `args` is loaded; the others are registered by name, for the root help.
 */
export async function runCli(args: readonly string[]): Promise<number> {
  const program = new Command('toolrisk')
    .description('A risk catalogue of MCP tools: crawl MCP servers, classify every tool, publish recommended gateway policies.')
    .version(version(), '-V, --version')
    .showHelpAfterError()
    .exitOverride()
    .addHelpText('after', examplesText(ROOT_EXAMPLES));
  const chosen = chosenCommand(args);
  for (const entry of commands) {
    if (entry === chosen) await registerFully(program, entry);
    else program.command(entry.name).summary(entry.summary);
  }
  try {
    await program.parseAsync(args, { from: 'user' });
    return Number(process.exitCode ?? 0);
  } catch (error) {
    return exitCodeFor(error);
  }
}

async function registerFully(program: Command, entry: CommandEntry): Promise<void> {
  (await entry.load())(program);
  const command = program.commands.find((c) => c.name() === entry.name);
  if (!command) throw new Error(`command module for ${entry.name} did not register ${entry.name}`);
  command.summary(entry.summary).addHelpText('after', examplesText(entry.examples));
}

/** The command the arguments name (`toolrisk help X` names X); undefined for the root help or a typo. */
function chosenCommand(args: readonly string[]): CommandEntry | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return commands.find((c) => c.name === name);
}

function examplesText(examples: readonly string[]): string {
  return `\nExamples:\n${examples.map((e) => `  ${e}`).join('\n')}`;
}

function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

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
