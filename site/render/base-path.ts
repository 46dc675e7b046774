import { mapHtml } from './lean-html.ts';

/**
 * Hosting under a path (`--base-url /catalogue/`): pages are rendered with root-relative links ("/servers/x/")
 * and every one of them is rebased on the way out, so views and models stay unaware of where the site lives.
 */

/** `--base-url` as a path that starts and ends with "/": "/", "/catalogue/". Accepts an absolute URL too. */
export function basePath(input: string | undefined): string {
  if (input === undefined || input === '') return '/';
  let pathname: string;
  try {
    pathname = new URL(input, 'http://base.invalid').pathname;
  } catch {
    throw new Error(`--base-url must be a path such as /catalogue/, got ${JSON.stringify(input)}`);
  }
  if (!/^[A-Za-z0-9\-._~/%]*$/.test(pathname) || pathname.split('/').some((part) => part === '..' || part === '.')) {
    throw new Error(`--base-url must be a plain path such as /catalogue/, got ${JSON.stringify(input)}`);
  }
  return pathname.endsWith('/') ? pathname : `${pathname}/`;
}

/** A root-relative site URL under the base path. */
export function rebaseUrl(url: string, base: string): string {
  return base === '/' || !url.startsWith('/') || url.startsWith('//') ? url : `${base}${url.slice(1)}`;
}

/**
 * Every root-relative href, src and action attribute of a rendered page under the base path. Only tags are
 * rewritten (attribute values are double-quoted, a `"` in them is `&#34;`): page text may hold `href="/…"`.
 */
export function rebaseHtml(html: string, base: string): string {
  if (base === '/') return html;
  return mapHtml(html, { tag: (tag) => tag.replace(/(\s(?:href|src|action)=")\/(?!\/)/g, `$1${base}`) });
}
