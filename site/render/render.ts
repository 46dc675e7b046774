import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { fileFor } from './urls.ts';

import type { ViewName, ViewProps } from './views.ts';

export type { ViewName } from './views.ts';

export interface Renderer {
  render<V extends ViewName>(view: V, props: ViewProps[V]): Promise<string>;
}

/** Loads the compiled views and one Astro container that renders them as full pages. */
export async function loadRenderer(viewsModule: string): Promise<Renderer> {
  const views = await import(pathToFileURL(viewsModule).href);
  const container = await views.experimental_AstroContainer.create();
  return {
    render: (view, props) => container.renderToString(views[view], { props, partial: false }),
  };
}

/** Writes files under one output folder, creating each folder once. */
export class OutputWriter {
  private readonly made = new Set<string>();
  files = 0;
  bytes = 0;

  constructor(readonly root: string) {}

  /** `url` is a site URL such as `/servers/x/` (written as index.html) or `/data/x.json`. */
  write(url: string, content: string): void {
    const file = path.join(this.root, fileFor(url));
    if (!file.startsWith(this.root + path.sep)) throw new Error(`Refusing to write outside the site folder: ${url}`);
    const dir = path.dirname(file);
    if (!this.made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      if (this.made.size > 50_000) this.made.clear();
      this.made.add(dir);
    }
    writeFileSync(file, content);
    this.files++;
    this.bytes += Buffer.byteLength(content);
  }
}
