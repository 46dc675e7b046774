/** The queues toolrisk keeps in pg-boss, named in one place. */

/** One job per server per run: its targets, tried in order, and the run's crawl settings. */
export const CRAWL_QUEUE = 'toolrisk-crawl';
/** Where pg-boss puts a crawl job that failed for good (its worker died or threw every time). */
export const LOST_QUEUE = 'toolrisk-crawl-lost';
/** One job per cron tick of `toolrisk schedule`. */
export const SCHEDULE_QUEUE = 'toolrisk-scheduled-run';
