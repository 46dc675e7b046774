import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { mapHtml } from '../../site/render/lean-html.ts';

/** Every internal href/src of every HTML page of a built site that does not resolve to a file. */
export function findBrokenLinks(siteDir: string): { checked: number; broken: Array<{ page: string; link: string }> } {
  const broken: Array<{ page: string; link: string }> = [];
  const known = new Map<string, boolean>();
  let checked = 0;
  for (const file of htmlFiles(siteDir)) {
    const html = readFileSync(file, 'utf8');
    // Only inside tags (<script src> included): page text writes quotes as themselves, so a description may hold `src="/x.jpg"`.
    const tags: string[] = [];
    mapHtml(html, { tag: (tag) => (tags.push(tag), tag) });
    for (const match of tags.join('\n').matchAll(/\s(?:href|src)="([^"]*)"/g)) {
      const link = decodeEntities(match[1]);
      if (/^[a-z][a-z0-9+.-]*:/i.test(link) || link.startsWith('#') || link.startsWith('//')) continue;
      checked++;
      const target = new URL(link, `http://site${toUrl(siteDir, file)}`).pathname;
      if (!known.has(target)) known.set(target, resolves(siteDir, decodeURIComponent(target)));
      if (!known.get(target)) broken.push({ page: toUrl(siteDir, file), link });
    }
  }
  return { checked, broken };
}

function* htmlFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* htmlFiles(full);
    else if (entry.name.endsWith('.html')) yield full;
  }
}

function toUrl(siteDir: string, file: string): string {
  return `/${path.relative(siteDir, file).split(path.sep).join('/')}`;
}

function resolves(siteDir: string, pathname: string): boolean {
  const file = path.join(siteDir, pathname);
  if (!file.startsWith(siteDir)) return false;
  if (pathname.endsWith('/')) return existsSync(path.join(file, 'index.html'));
  return existsSync(file) && statSync(file).isFile();
}

export function decodeEntities(text: string): string {
  return text.replace(/&(#x?[0-9a-f]+|amp|lt|gt|quot|apos);/gi, (_, code: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (named[code.toLowerCase()]) return named[code.toLowerCase()];
    return String.fromCodePoint(code[1].toLowerCase() === 'x' ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10));
  });
}
