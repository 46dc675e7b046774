import { endQuietlyOnClosedPipe } from './output.ts';
import { runCli } from './program.ts';

endQuietlyOnClosedPipe();
process.exitCode = await runCli(process.argv.slice(2));
