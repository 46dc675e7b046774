export { crawlTarget, type CrawlOptions, type CrawlResult, type ServerInfo } from './connect/index.ts';
export { CrawlError } from './errors.ts';
export { DEFAULT_LIMITS, resolveLimits, type CrawlLimits } from './limits.ts';
export { defaultNpmCacheDir, installNpmPackage, parseNpmSpec, resolveVersion, type NpmCacheOptions } from './npm-cache.ts';
export type { NetworkPolicy } from './net/index.ts';
export { defaultPypiCacheDir, installPypiPackage, type PypiCacheOptions } from './pypi-cache.ts';
export { CrawlQueue, DEFAULT_QUEUE_LIMITS, type QueueLimits } from './queue.ts';
export { DEFAULT_RETRY, type RetryOptions } from './retry.ts';
export { mergeById, runCrawl, storeResult, type CrawlProgress, type CrawlRunSummary, type RunCrawlOptions, type ServerOutcome } from './run.ts';
export {
  DEFAULT_REGISTRY_URL,
  fetchRegistry,
  latestVersions,
  mapRegistryEntry,
  markSyncListed,
  RegistryError,
  settleRegistrySync,
  syncRegistry,
  type RegistryEntry,
  type RegistrySync,
  type RegistrySyncOptions,
} from './sources/registry.ts';
export { parseServersFile, readServersFile, ServersFileError } from './sources/servers-file.ts';
export * from './targets.ts';
