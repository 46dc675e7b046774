export { embeddedIPv4, nonPublicReason } from './address.ts';
export { guardedFetch, ResponseTooLargeError, type FetchLimits, type GuardedFetch } from './fetch.ts';
export {
  checkRemoteUrl,
  normalizeHost,
  refusalIn,
  RefusedByPolicyError,
  resolveChecked,
  systemResolver,
  type NetworkPolicy,
  type Resolver,
  type UrlVerdict,
} from './policy.ts';
export { linkedSignal, withLinkedSignal } from './signals.ts';
