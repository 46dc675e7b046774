import type { PolicyFormat } from '../../classifier/policy/index.ts';

/**
 * Every URL of the site, root-relative. Pages end in `/` and are written as `<path>index.html`, except a tool's
 * page and a list's later page: files beside their server's or list's first page (`/servers/<server>/<tool>.html`),
 * not folders of their own, so the site has one folder a server rather than one a page (500,000 more at the
 * catalogue's size) and the URL works on every static host as it is.
 */
export const urls = {
  home: '/',
  server: (server: string) => `/servers/${server}/`,
  tool: (server: string, tool: string) => `/servers/${server}/${tool}.html`,
  /** Named after the server, not in a folder of its own: a download of several servers' policies keeps them apart. */
  serverPolicy: (server: string, format: PolicyFormat, extension: string) => `/policies/${server}.${format}.${extension}`,
  serverJson: (server: string) => `/data/servers/${server}.json`,
  /** The server's grade as an SVG badge, to embed in a README. */
  badge: (server: string) => `/badges/${server}.svg`,
  catalogue: '/data/catalogue.jsonl.gz',
  /** A paginated list: its first page is `base`, a later one the file `base` + an anchor that names it + `.html` (see lists.ts). */
  page: (base: string, anchor: string) => (anchor === '' ? base : `${base}${anchor}.html`),
  toolsIndex: '/list/tools/',
  serversIndex: '/list/servers/',
  browse: '/browse/',
  byCategory: (category: string) => `/browse/category/${category}/`,
  bySeverity: (severity: string) => `/browse/severity/${severity}/`,
  byFlag: (flag: string) => `/browse/flag/${flag.replaceAll('_', '-')}/`,
  byGrade: (grade: string) => `/browse/grade/${grade.toLowerCase()}/`,
  trifecta: '/browse/lethal-trifecta/',
  changes: '/changes/',
  feed: '/feed.atom',
  search: '/search/',
  api: '/api/',
  sitemap: '/sitemap.xml',
  notFound: '/404.html',
} as const;

/** Tool slugs that would name a server folder's own file (`index.html`): `assignSlugs` hashes them. */
export const RESERVED_TOOL_SLUGS: ReadonlySet<string> = new Set(['index']);

/** Whether a URL is a page (HTML) rather than a data file, badge or policy. */
export function isPage(url: string): boolean {
  return url.endsWith('/') || url.endsWith('.html');
}

/** The file that serves a URL inside the output folder. */
export function fileFor(url: string): string {
  return url.endsWith('/') ? `${url}index.html` : url;
}

/** Only http(s) URLs may become links or snippets; anything else (javascript:, data:, file:) is dropped. */
export function safeHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}
