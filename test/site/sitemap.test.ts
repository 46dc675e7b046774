import { describe, expect, it } from 'vitest';
import { absoluteUrl, escapeXml, sitemap } from '../../site/render/feeds.ts';

/** Each path's location as the sitemap writes it, one URL parsed a path: what `sitemap` must give. */
function referenceLocations(siteUrl: string, base: string, paths: readonly string[]): string[] {
  return paths.map((p) => escapeXml(absoluteUrl(p, siteUrl, base)));
}

function locations(xml: string): string[] {
  return [...xml.matchAll(/<loc>(.*?)<\/loc>/g)].map((m) => m[1]);
}

// biome-ignore format: one path a line
const paths = [
  '/',
  '/servers/io-github-acme-tools/',
  '/servers/x/tools/read_file/',
  '/list/tools/2g8cfc3dzi.html',
  '/a.b/c~d_e-f/',
  '/a../b/',
  '/servers/../search/',
  '/servers/./x/',
  '/servers/x/.',
  '/.well-known/x',
  '//evil.example/x',
  '/x y/',
  '/é/',
  '/a%2Fb/',
  '/q?x=1&y=<2>',
  '/f#frag',
  "/it's/\"quoted\"/",
  '/back\\slash/',
  'relative/path',
];

describe('sitemap', () => {
  for (const [siteUrl, base] of [
    ['http://127.0.0.1:4321/', '/'],
    ['https://example.org/ignored/path', '/toolrisk/catalogue/'],
    ['https://example.org:8443', '/a%20b/'],
  ]) {
    it(`writes every location as a URL parsed from the path would (site ${siteUrl}, base ${base})`, () => {
      expect(locations(sitemap(siteUrl, base, paths))).toEqual(referenceLocations(siteUrl, base, paths));
    });
  }
});
