import type { PolicyFormat } from '../../classifier/policy/index.ts';

/** Every URL of the site, root-relative. Pages end in `/` and are written as `<path>index.html`. */
export const urls = {
  home: '/',
  server: (server: string) => `/servers/${server}/`,
  tool: (server: string, tool: string) => `/servers/${server}/${tool}/`,
  serverPolicy: (server: string, format: PolicyFormat, extension: string) => `/policies/${server}/server.${format}.${extension}`,
  toolPolicy: (server: string, tool: string, format: PolicyFormat, extension: string) => `/policies/${server}/tools/${tool}.${format}.${extension}`,
  serverJson: (server: string) => `/data/servers/${server}.json`,
  /** The server's grade as an SVG badge, to embed in a README. */
  badge: (server: string) => `/badges/${server}.svg`,
  catalogue: '/data/catalogue.jsonl.gz',
  /** A paginated list: its first page is `base`, a later one `base` + an anchor that names it (see lists.ts). */
  page: (base: string, anchor: string) => (anchor === '' ? base : `${base}${anchor}/`),
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
