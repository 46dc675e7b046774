import path from 'node:path';

/** The folder holding the catalogue's embedded database and built site: TOOLRISK_DATA_DIR, or ./data. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.TOOLRISK_DATA_DIR || 'data');
}
