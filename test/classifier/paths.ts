import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The labelled development set, beside the repository (../shared/data), or where TOOLRISK_DEV_SET points. */
export const DEV_SET = process.env.TOOLRISK_DEV_SET ?? fileURLToPath(new URL('../../../shared/data/tools-dev.jsonl', import.meta.url));

/** Hand-written tools from domains the dev set lacks (mail, calendars, payments, shells, clouds), each with its expected category. */
export const UNSEEN_SET = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'unseen-tools.jsonl');
