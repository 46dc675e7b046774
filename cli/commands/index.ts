import type { Command } from 'commander';
import { registerBuild } from './build.ts';
import { registerDb } from './db.ts';
import { registerServe } from './serve.ts';
import { registerStatus } from './status.ts';
import { registerWorker } from './worker.ts';

/** Every subcommand, each registered by its own module. */
export const commands: Array<(program: Command) => void> = [registerDb, registerBuild, registerServe, registerWorker, registerStatus];
