import semver from 'semver';

/**
 * Package names and versions as a registry entry or a user gives them, checked before they reach npm, pip
 * or a page. Only plain names and versions pass: no option (`--registry=…`), no `file:`, URL, git or alias
 * spec, no path, no shell syntax. Anything else is refused, never "cleaned".
 */

const NPM_NAME = /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/i;
// What semver ranges are made of; `validRange` then checks the grammar.
const NPM_RANGE_CHARS = /^[0-9A-Za-z.^~<>=| *+-]+$/;
const DIST_TAG = /^[a-z][a-z0-9._-]{0,63}$/i;

export function npmNameProblem(name: string): string | undefined {
  if (name.length > 214) return `${JSON.stringify(name.slice(0, 40))}… is longer than npm allows`;
  if (!NPM_NAME.test(name)) return `${JSON.stringify(name)} is not an npm package name`;
  return undefined;
}

/** A version, a semver range or a dist-tag (`latest`, `next`); undefined or empty means the latest. */
export function npmVersionProblem(version: string | undefined): string | undefined {
  if (version === undefined || version === '') return undefined;
  if (NPM_RANGE_CHARS.test(version) && semver.validRange(version) !== null) return undefined;
  if (DIST_TAG.test(version) && !/^v?\d/.test(version)) return undefined;
  return `${JSON.stringify(version)} is not an npm version, range or dist-tag`;
}

// PEP 508 names; PEP 440 public versions (with an optional local part).
const PYPI_NAME = /^(?:[a-z0-9]|[a-z0-9][a-z0-9._-]*[a-z0-9])$/i;
const PYPI_VERSION =
  /^v?(?:\d+!)?\d+(?:\.\d+)*(?:[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?\d*)?(?:(?:-\d+)|(?:[-_.]?(?:post|rev|r)[-_.]?\d*))?(?:[-_.]?dev[-_.]?\d*)?(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?$/i;

export function pypiNameProblem(name: string): string | undefined {
  if (name.length > 200 || !PYPI_NAME.test(name)) return `${JSON.stringify(name.slice(0, 80))} is not a PyPI project name`;
  return undefined;
}

/** An exact PEP 440 version; undefined or empty means the latest. */
export function pypiVersionProblem(version: string | undefined): string | undefined {
  if (version === undefined || version === '' || version === 'latest') return undefined;
  if (version.length <= 64 && PYPI_VERSION.test(version)) return undefined;
  return `${JSON.stringify(version.slice(0, 80))} is not a PyPI version`;
}

/** PEP 503: the normalized name used in index URLs and cache folders. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
