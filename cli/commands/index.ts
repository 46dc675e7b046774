import type { Command } from 'commander';
import { registerClassify } from './classify.ts';
import { registerEval } from './eval.ts';
import { registerPolicy } from './policy.ts';
import { registerBuild } from './build.ts';
import { registerCheck } from './check.ts';
import { registerCrawl } from './crawl.ts';
import { registerDb } from './db.ts';
import { registerDoctor } from './doctor.ts';
import { registerRun } from './run.ts';
import { registerSchedule } from './schedule.ts';
import { registerServe } from './serve.ts';
import { registerStart } from './start.ts';
import { registerStatus } from './status.ts';
import { registerWorker } from './worker.ts';

/** Every subcommand, each registered by its own module. */
export const commands: Array<(program: Command) => void> = [registerDb, registerClassify, registerEval, registerPolicy, registerCrawl, registerCheck, registerBuild, registerServe, registerRun, registerSchedule, registerStart, registerWorker, registerStatus, registerDoctor];
