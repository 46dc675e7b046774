import type { Command } from 'commander';
import { registerDb } from './db.ts';

/** Every subcommand, each registered by its own module. */
export const commands: Array<(program: Command) => void> = [registerDb];
