import { rebaseUrl } from './base-path.ts';
import type { HistoryEntry } from './model.ts';

/** The absolute URL of a root-relative site URL, for a site at `siteUrl` under the base path `base`. */
export function absoluteUrl(url: string, siteUrl: string, base: string): string {
  return new URL(rebaseUrl(url, base), siteUrl).href;
}

export function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '').replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An Atom feed of tool changes, newest first. */
export function atomFeed(siteUrl: string, base: string, changes: Array<HistoryEntry & { serverId: string; serverUrl: string }>, updated: Date): string {
  const entries = changes.map((c) => {
    const link = absoluteUrl(c.toolUrl ?? c.serverUrl, siteUrl, base);
    const title = `${c.kind}: ${c.toolName} on ${c.serverId}`;
    const summary = c.kind === 'changed' ? `Changed fields: ${c.fields.join(', ')}` : `Tool ${c.kind}.`;
    return `  <entry>
    <id>${escapeXml(`${link}#${c.kind}-${c.detectedAt}`)}</id>
    <title>${escapeXml(title)}</title>
    <updated>${c.detectedAt}</updated>
    <link href="${escapeXml(link)}"/>
    <summary>${escapeXml(summary)}</summary>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${escapeXml(absoluteUrl('/feed.atom', siteUrl, base))}</id>
  <title>toolrisk: MCP tool changes</title>
  <updated>${changes[0]?.detectedAt ?? updated.toISOString()}</updated>
  <link rel="self" href="${escapeXml(absoluteUrl('/feed.atom', siteUrl, base))}"/>
  <link href="${escapeXml(absoluteUrl('/changes/', siteUrl, base))}"/>
  <author><name>toolrisk</name></author>
${entries.join('\n')}
</feed>
`;
}

export const URLS_PER_SITEMAP = 50_000;

/** A root-relative path that `new URL` leaves as it is: no character it encodes, no dot segment it resolves. */
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9\-._~/]*$/;

export function sitemap(siteUrl: string, base: string, paths: readonly string[]): string {
  // Most paths are plain (slugs), and joined to the site's root as they are: a URL parsed for each of 50,000 paths
  // was most of the time a sitemap took to make. Nothing in a plain path needs escaping in XML either.
  const root = escapeXml(new URL(base, siteUrl).href);
  const loc = (p: string) => (PLAIN_PATH.test(p) && !p.includes('/.') ? root + p.slice(1) : escapeXml(absoluteUrl(p, siteUrl, base)));
  const lines = paths.map((p) => `  <url><loc>${loc(p)}</loc></url>`);
  return `<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${lines.join('\n')}\n</urlset>\n`;
}

export function sitemapIndex(siteUrl: string, base: string, sitemapPaths: readonly string[]): string {
  const lines = sitemapPaths.map((p) => `  <sitemap><loc>${escapeXml(absoluteUrl(p, siteUrl, base))}</loc></sitemap>`);
  return `<?xml version="1.0" encoding="utf-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${lines.join('\n')}\n</sitemapindex>\n`;
}
