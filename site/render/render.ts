import { closeSync, constants, ftruncateSync, mkdirSync, openSync, readFileSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { escapeAttribute, escapeText, listBodyHtml, listTitle } from '../src/html.ts';
import { rebaseHtml } from './base-path.ts';
import { leanHtml } from './lean-html.ts';
import { fileFor } from './urls.ts';

import type { ShellProps, ViewName, ViewProps } from './views.ts';

export type { ViewName } from './views.ts';

export interface Renderer {
  render<V extends ViewName>(view: V, props: ViewProps[V]): Promise<string>;
}

/**
 * Astro's container keeps every page it renders as a route and searches those routes from the first at each
 * render: kept for a whole build, a worker's renders got slower and its heap grew with every page (at 500,000
 * tools the pages came 2.4 times slower a page than at 100,000). So a container renders this many pages, then a
 * fresh one takes over.
 */
const RENDERS_PER_CONTAINER = 1_000;

/** Loads the compiled views and an Astro container that renders them as full pages. */
export async function loadRenderer(viewsModule: string): Promise<Renderer> {
  const views = await import(pathToFileURL(viewsModule).href);
  let container = await views.experimental_AstroContainer.create();
  let renders = 0;
  const shell = shellPage(await container.renderToString(views.ShellView, { props: SHELL_PLACEHOLDERS, partial: false }));
  return {
    render: async (view, props) => {
      if (view === 'ListView') return leanHtml(shell(listShell(props as ViewProps['ListView'])));
      if (++renders % RENDERS_PER_CONTAINER === 0) container = await views.experimental_AstroContainer.create();
      return leanHtml(await container.renderToString(views[view], { props, partial: false }));
    },
  };
}

/** What ShellView shows of a list page. */
export function listShell(p: ViewProps['ListView']): ShellProps {
  return { title: listTitle(p), description: p.description, body: listBodyHtml(p) };
}

/** Characters of Unicode's private use area, which no view writes: they mark where ShellView puts each value. */
const SHELL_PLACEHOLDERS: ShellProps = { title: '\uE000', description: '\uE001', body: '\uE002' };
/** Splits a rendered shell into its text and the placeholders between (each kept, as a part of its own). */
const SHELL_PARTS = new RegExp(`([${Object.values(SHELL_PLACEHOLDERS).join('')}])`);

/**
 * Through Astro's container a list page took a render worker ≈ 5 ms in a build (1.3–1.8 ms warm): Astro rendering its
 * filter chips, pager and table head one render call each, and the container's work around every page (a request, a
 * route, a render context, a response encoded then decoded). Its HTML is made in TypeScript instead
 * (`listBodyHtml`), and ShellView, the layout around it, is rendered once with placeholders: a page is the shell's
 * parts with its values put in, escaped as Astro escapes the expressions they stand for (the title as text, the
 * description as an attribute value), which is the page Astro renders from ShellView (`test/site/render-units.test.ts`).
 */
export function shellPage(html: string): (props: ShellProps) => string {
  const parts = html.split(SHELL_PARTS);
  for (const mark of Object.values(SHELL_PLACEHOLDERS))
    if (!parts.includes(mark)) throw new Error(`ShellView did not show the placeholder ${JSON.stringify(mark)}`);
  const value: Record<string, (p: ShellProps) => string> = {
    [SHELL_PLACEHOLDERS.title]: (p) => escapeText(p.title),
    [SHELL_PLACEHOLDERS.description]: (p) => escapeAttribute(p.description),
    [SHELL_PLACEHOLDERS.body]: (p) => p.body,
  };
  return (props) => {
    let page = '';
    for (const [i, part] of parts.entries()) page += i % 2 === 0 ? part : value[part](props);
    return page;
  };
}

/** Writes files under one output folder, creating each folder once; pages are rebased under the base path. */
export class OutputWriter {
  private readonly made = new Set<string>();
  files = 0;
  bytes = 0;

  constructor(
    readonly root: string,
    readonly base = '/',
  ) {}

  /** `url` is a site URL such as `/servers/x/` (written as index.html) or `/data/x.json`. */
  write(url: string, content: string | Uint8Array): void {
    const file = this.fileOf(url);
    const dir = path.dirname(file);
    if (!this.made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      if (this.made.size > 50_000) this.made.clear();
      this.made.add(dir);
    }
    const text = typeof content === 'string' && file.endsWith('.html') ? rebaseHtml(content, this.base) : content;
    const bytes = typeof text === 'string' ? Buffer.from(text) : text;
    overwrite(file, bytes);
    this.files++;
    this.bytes += bytes.byteLength;
  }

  /** The content of a file written earlier, e.g. by the last build. */
  read(url: string): string {
    return readFileSync(this.fileOf(url), 'utf8');
  }

  readBytes(url: string): Buffer {
    return readFileSync(this.fileOf(url));
  }

  /** Deletes the file of a URL that is no longer produced, and its folders as far up as they are empty. */
  remove(url: string): void {
    const file = this.fileOf(url);
    rmSync(file, { force: true });
    this.made.clear();
    for (let dir = path.dirname(file); dir.startsWith(this.root + path.sep); dir = path.dirname(dir)) {
      try {
        rmdirSync(dir);
      } catch {
        break; // not empty (or already gone)
      }
    }
  }

  private fileOf(url: string): string {
    const file = path.join(this.root, fileFor(url));
    if (!file.startsWith(this.root + path.sep)) throw new Error(`Refusing to write outside the site folder: ${url}`);
    return file;
  }
}

/**
 * Writes a file over whatever it held without truncating it first: an incremental build rewrites thousands of files
 * with content of about the same size, and truncating frees their blocks only for the write to allocate them again
 * (on ext4 mounted with `discard`, each freed extent is also discarded on the device). Measured on such a disk, 4,000
 * files of 13 KB: 0.12 ms a file truncated and written, 0.025 ms written in place. The file is the same inode
 * either way, and either way a reader can see it half-written while the build runs.
 */
function overwrite(file: string, bytes: Uint8Array): void {
  const fd = openSync(file, constants.O_WRONLY | constants.O_CREAT, 0o666);
  try {
    for (let done = 0; done < bytes.byteLength; ) done += writeSync(fd, bytes, done, bytes.byteLength - done, done);
    ftruncateSync(fd, bytes.byteLength);
  } finally {
    closeSync(fd);
  }
}
