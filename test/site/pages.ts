import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';

/** The records of a built site's /data/catalogue.jsonl.gz (one gzip member per server), parsed. */
export function catalogueRecords(siteDir: string) {
  return gunzipSync(readFileSync(path.join(siteDir, 'data', 'catalogue.jsonl.gz')))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

/** The URL a built list page's "Next" link points to (later pages are named by an anchor, not a number). */
export function nextListPage(siteDir: string, list: string): string {
  const html = readFileSync(path.join(siteDir, list, 'index.html'), 'utf8');
  const next = html.match(/<a href="([^"]+)" rel="next">/);
  if (!next) throw new Error(`${list} has no next page`);
  return next[1];
}

/** One URL of every page type of the site (paths relative to the site root), given the URLs the build published. */
export function everyPageType(urlOf: (key: string) => string): Record<string, string> {
  return {
    home: '/',
    server: urlOf('server'),
    tool: urlOf('tool'),
    'tool list': '/list/tools/',
    'tool list page 2': urlOf('tool list page 2'),
    'server list': '/list/servers/',
    browse: '/browse/',
    'browse category': '/browse/category/destructive/',
    changes: '/changes/',
    search: '/search/?q=delete',
    api: '/api/',
    'not found': '/no/such/page/',
  };
}

/** Every class the stylesheet gives badge, chip and grade colours: `.sev-low`, `.flag-bulk`, `.grade-A`, … */
export function colouredClasses(cssFile: string): string[][] {
  const css = readFileSync(cssFile, 'utf8');
  const classes = new Set<string>();
  for (const match of css.matchAll(/\.((?:sev|flag|grade)-[\w?]+|cat|flag|chip\.on)\b/g)) classes.add(match[1]);
  return [...classes].map((c) => {
    if (c.startsWith('grade-')) return ['grade', c];
    if (c === 'chip.on') return ['chip', 'on'];
    return ['badge', ...(c.startsWith('flag-') ? ['flag', c] : [c])];
  });
}

/** WCAG contrast of each class list's text against its own background, computed in the page from the live CSS. */
export async function badgeContrasts(page: Page, classLists: string[][]): Promise<Array<{ classes: string; ratio: number }>> {
  return page.evaluate((lists) => {
    const channel = (c: number) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    const rgb = (css: string) => (css.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]: number[]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    const host = document.createElement('div');
    document.body.append(host);
    return lists.map((classes) => {
      const span = document.createElement('span');
      span.className = classes.join(' ');
      span.textContent = 'high';
      host.append(span);
      const style = getComputedStyle(span);
      let background = rgb(style.backgroundColor);
      // A transparent badge shows the page's white.
      if (background.length === 4 && background[3] === 0) background = [255, 255, 255];
      const [a, b] = [luminance(rgb(style.color)), luminance(background)].sort((x, y) => y - x);
      return { classes: classes.join(' '), ratio: Math.round(((a + 0.05) / (b + 0.05)) * 100) / 100 };
    });
  }, classLists);
}

export const STYLESHEET = path.resolve(import.meta.dirname, '../../site/public/assets/style.css');
