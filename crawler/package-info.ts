import type { PackageInfo } from '../db/index.ts';
import { storableText } from './storable.ts';

const MAX_TEXT = 2_000;

/**
 * The facts worth showing of an installed package, from its manifest (npm's package.json, or PyPI's
 * metadata mapped to the same names). Untrusted text: only strings are kept, cut and made storable; links
 * only when they are http(s) URLs.
 */
export function packageInfoOf(
  registryType: PackageInfo['registryType'],
  identifier: string,
  version: string,
  manifest: unknown,
  publishedAt: string | undefined,
): PackageInfo {
  const m = (typeof manifest === 'object' && manifest !== null ? manifest : {}) as Record<string, unknown>;
  const info: PackageInfo = { registryType, identifier, version };
  const description = text(m.description);
  if (description) info.description = description;
  const repository = httpUrl(typeof m.repository === 'object' && m.repository !== null ? (m.repository as { url?: unknown }).url : m.repository);
  if (repository) info.repository = repository;
  const homepage = httpUrl(m.homepage);
  if (homepage) info.homepage = homepage;
  const license = text(typeof m.license === 'object' && m.license !== null ? (m.license as { type?: unknown }).type : m.license);
  if (license) info.license = license.slice(0, 200);
  if (publishedAt && !Number.isNaN(Date.parse(publishedAt))) info.publishedAt = new Date(publishedAt).toISOString();
  return info;
}

function text(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return storableText(value.trim().slice(0, MAX_TEXT));
}

/** An http(s) URL, from the spellings npm allows (`git+https://…`, `git://…`, `github:owner/repo`, `owner/repo`). */
function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  let candidate = value.trim();
  const shorthand = /^(?:github:)?([\w.-]+\/[\w.-]+)$/.exec(candidate);
  if (shorthand) candidate = `https://github.com/${shorthand[1]}`;
  candidate = candidate
    .replace(/^git\+/, '')
    .replace(/^git:\/\//, 'https://')
    .replace(/^git@([^:]+):/, 'https://$1/');
  try {
    const url = new URL(candidate);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    url.username = '';
    url.password = '';
    return storableText(url.href.replace(/\.git$/, '').slice(0, MAX_TEXT));
  } catch {
    return undefined;
  }
}
