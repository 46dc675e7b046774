import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classify, severityRank } from '../../classifier/index.ts';
import { CATEGORIES, FLAGS, SEVERITIES, type Category, type Flag, type Severity } from '../../classifier/types.ts';
import { classificationRow } from '../../db/classification-row.ts';
import type { CatalogueServer, CurrentTool, ServerRow, ToolChangeRow } from '../../db/index.ts';
import { boundEntry, boundJson, CUT_MARKER } from '../../site/render/bounded.ts';
import { compileViews, rendererHash, valuesModule } from '../../site/render/compile.ts';
import { crawlStatusHtml, type PageCrawlStatus } from '../../site/src/crawl-status.ts';
import { badgesHtml, serverRowsHtml, toolRowsHtml } from '../../site/src/html.ts';
import { installOptions, shellLine } from '../../site/render/install.ts';
import { leanHtml, mapHtml } from '../../site/render/lean-html.ts';
import { Random } from '../../bench/random.ts';
import { rebaseHtml } from '../../site/render/base-path.ts';
import { runJob, type ServersResult } from '../../site/render/jobs.ts';
import { listPageJobs, MAX_PAGE, MIN_PAGE, pageBreaks, toolLists } from '../../site/render/lists.ts';
import { buildServerBundle, type BundleInput, type ToolRowModel } from '../../site/render/model.ts';
import { listShell, loadRenderer, OutputWriter, type Renderer, shellPage } from '../../site/render/render.ts';
import type { ListViewProps } from '../../site/render/views.ts';
import { startingBudget } from '../../site/render/tiering.ts';
import { RenderPool } from '../../site/render/pool.ts';

function nested(levels: number): unknown {
  let value: unknown = { type: 'string' };
  for (let i = 0; i < levels; i++) value = { type: 'object', properties: { a: value } };
  return value;
}

describe('boundJson', () => {
  it('cuts a 4,000-level schema without recursion, so it can be cloned and printed', () => {
    const deep = nested(4000);
    expect(() => structuredClone(deep)).toThrow(/call stack/);
    const { value, cut } = boundJson(deep);
    expect(cut).toBe(true);
    expect(() => structuredClone(value)).not.toThrow();
    expect(JSON.stringify(value, null, 2)).toContain(CUT_MARKER);
  });

  it('keeps small values as they are, __proto__ keys included, and caps the number of values', () => {
    const small = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string"},"b":[1,2,{"c":null}]}}');
    const bounded = boundJson(small);
    expect(bounded).toEqual({ value: small, cut: false });
    expect(bounded.value).toBe(small); // within the limits: not copied
    expect(Object.keys((bounded.value as { properties: object }).properties)).toEqual(['__proto__', 'b']);
    const wide = { properties: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`p${i}`, { type: 'string' }])) };
    const capped = boundJson(wide);
    expect(capped.cut).toBe(true);
    expect(Object.keys((capped.value as { properties: object }).properties).length).toBeLessThan(20_000);
  });
});

describe('leanHtml', () => {
  it('leaves out the end tags the parser implies, only where the next tag closes the element', () => {
    const page =
      '<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td> <td>2</td></tr>\n<tr><td title="</td><td>">3</td></tr></tbody></table>' +
      '<ul><li>x</li><li>y</li></ul><ol><li>z</li>, then</ol><dl><dt>q</dt><dd>a</dd> <dt>r</dt><dd>b</dd></dl><div><dd>c</dd></div><p>p</p><h2>h</h2><p>q</p> <a>r</a>';
    expect(leanHtml(page)).toBe(
      '<table><thead><tr><th>a<tbody><tr><td>1 <td>2\n<tr><td title="</td><td>">3</tbody></table>' +
        '<ul><li>x<li>y</ul><ol><li>z</li>, then</ol><dl><dt>q<dd>a <dt>r<dd>b</dl><div><dd>c</dd></div><p>p<h2>h</h2><p>q</p> <a>r</a>',
    );
  });

  it('writes quotes in text as themselves and leaves tags, attribute values, scripts and comments alone', () => {
    const page =
      '<p title="a &#34;b&#34; > c &#39;">say &quot;hi&quot; &amp; it&#39;s &lt;b&gt; &amp;quot;</p>' +
      '<script type="application/ld+json">{"a":"&quot;"}</script><style>a::after{content:"&#39;"}</style><!-- &quot; -->' +
      '<pre><code id="x">{&quot;k&quot;: &quot;&lt;/pre&gt;&quot;}</code></pre>';
    expect(leanHtml(page)).toBe(
      '<p title="a &#34;b&#34; > c &#39;">say "hi" &amp; it\'s &lt;b&gt; &amp;quot;</p>' +
        '<script type="application/ld+json">{"a":"&quot;"}</script><style>a::after{content:"&#39;"}</style><!-- &quot; -->' +
        '<pre><code id="x">{"k": "&lt;/pre&gt;"}</code></pre>',
    );
  });

  it('edits as mapHtml does with its two edits, on random markup, broken markup included', () => {
    // The definition, for the end tags the pieces hold: quotes in text as themselves, an end tag left out where the
    // next tag closes its element.
    const implied: Record<string, RegExp> = {
      '</td>': /^<(td|th|\/tr)\b/i,
      '</li>': /^<(li|\/ul|\/ol)\b/i,
      '</p>': /^<(p|div|h[1-6]|ul|ol|dl|table|pre|details|form|nav|section|header|footer)\b/i,
    };
    const reference = (html: string) =>
      mapHtml(html, {
        text: (t) => t.replaceAll('&quot;', '"').replaceAll('&#39;', "'"),
        tag: (t, next) => (implied[t]?.test(next()) ? '' : t),
      });
    const pieces = [
      '<td>',
      '</td>',
      '</TD>',
      '<li>',
      '</li>',
      '</ul>',
      '</p>',
      '<p>',
      '<div>',
      ' ',
      '\n',
      'x',
      '&quot;',
      '&#39;',
      '&amp;',
      '&',
      '"',
      "'",
      '<',
      '>',
      '<a title="',
      '">',
      '<a title="</td><li>">',
      '<!--',
      '-->',
      '<!-- &quot; </td> -->',
      '<script>',
      '</script>',
      '<SCRIPT type="a>b">',
      '</script >',
      '<style>',
      '</Style\n>',
      '<scripts>',
      '</td x=">">',
    ];
    const random = new Random('leanHtml');
    for (let i = 0; i < 3000; i++) {
      const page = Array.from({ length: random.int(1, 40) }, () => random.pick(pieces)).join('');
      expect(leanHtml(page), page).toBe(reference(page));
    }
  });

  it('leaves text that looks like an attribute alone when pages are rebased under a path', () => {
    const page = leanHtml('<p><a href="/servers/x/">x</a> &lt;img src=&quot;/a.jpg&quot;&gt;</p><script src="/assets/s.js"></script>');
    expect(rebaseHtml(page, '/sub/')).toBe('<p><a href="/sub/servers/x/">x</a> &lt;img src="/a.jpg"&gt;</p><script src="/sub/assets/s.js"></script>');
  });
});

describe('table rows as HTML strings', () => {
  const hostile = '<img src=x onerror=alert(1)>"\'&';
  const tool: ToolRowModel = {
    name: hostile,
    url: '/servers/s/"onmouseover="alert(1)/',
    serverId: `evil/${hostile}`,
    serverUrl: '/servers/s/',
    category: 'destructive',
    severity: 'critical',
    flags: ['private_data', 'external_comm'],
  };

  it('escape crawled names in text and in attributes as Astro does', () => {
    const html = toolRowsHtml([tool], { showServer: true });
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    expect(html).toContain('href="/servers/s/&#34;onmouseover=&#34;alert(1)/"');
    const servers = serverRowsHtml([
      { id: hostile, title: hostile, url: '/servers/s/', grade: '?', lethalTrifecta: true, toolCount: 3, worstSeverity: null, lastOutcome: hostile },
    ]);
    expect(servers).not.toContain('<img');
    expect(servers.match(/&lt;img/g)).toHaveLength(3);
    expect(servers).toContain('class="grade grade-none"');
    expect(servers).toContain('<span class="badge flag flag-lethal_trifecta">lethal trifecta</span>');
  });

  it('leave out a hidden column and make links relative to the page they are on', () => {
    const html = toolRowsHtml([{ ...tool, url: '/servers/s/t/' }], { showServer: false, hide: 'severity', relativeTo: '/servers/s/' });
    expect(html).toBe(
      '<tr><td><a href="t/">&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;</a></td><td><span class="badge cat">destructive</span></td>' +
        '<td><span class="badge flag flag-private_data">private data</span><span class="badge flag flag-external_comm">external comm</span></td></tr>',
    );
    expect(badgesHtml({ severity: 'high', flags: ['external_comm'], link: true })).toBe(
      '<a class="badge sev-high" href="/browse/severity/high/">high</a><a class="badge flag flag-external_comm" href="/browse/flag/external-comm/">external comm</a>',
    );
  });
});

describe('list pages made in the shell of ShellView', () => {
  const hostile = '<img src=x onerror=alert(1)>"\'&\uE000';
  const row: ToolRowModel = {
    name: hostile,
    url: '/servers/s/t/',
    serverId: hostile,
    serverUrl: '/servers/s/',
    category: 'write',
    severity: 'high',
    flags: ['bulk'],
  };
  const first: ListViewProps = {
    title: `Tools ${hostile}`,
    description: `Every tool ${hostile}`,
    intro: `Worst first ${hostile}.`,
    base: '/list/tools/',
    pages: 3,
    last: '/list/tools/c.html',
    from: null,
    previous: null,
    next: '/list/tools/b.html',
    total: 12_345,
    filters: [
      {
        label: `Category ${hostile}`,
        chips: [
          { label: hostile, href: '/browse/"x"/', on: true, count: 1234 },
          { label: 'read', href: '/browse/category/read/', on: false },
        ],
      },
    ],
    tools: [row, { ...row, name: 'second' }],
  };
  const pages: ListViewProps[] = [
    first,
    { ...first, pages: null, last: null, total: null, from: hostile, previous: '/list/tools/', next: '/list/tools/c.html', hide: 'category' },
    { ...first, pages: null, last: null, total: null, from: 'z', previous: '/list/tools/b.html', next: null, hide: 'severity' },
    { ...first, pages: 1, last: null, previous: null, next: null, tools: [] },
    {
      ...first,
      tools: undefined,
      servers: [{ id: hostile, title: hostile, url: '/servers/s/', grade: 'B', lethalTrifecta: true, toolCount: 2, worstSeverity: 'high', lastOutcome: 'ok' }],
    },
    { ...first, tools: undefined, servers: [] },
  ];

  it('are the pages Astro renders from ShellView, escaped alike', async () => {
    const module = await compileViews();
    const renderer = await loadRenderer(module);
    const views = await import(pathToFileURL(module).href);
    const container = await views.experimental_AstroContainer.create();
    for (const page of pages) {
      const made = await renderer.render('ListView', page);
      expect(made).toBe(leanHtml(await container.renderToString(views.ShellView, { props: listShell(page), partial: false })));
      expect(made.replace(/content="[^"]*"/g, '')).not.toContain('<img');
    }
    const made = await renderer.render('ListView', pages[1]);
    expect(made).toContain('<title>Tools &lt;img src=x onerror=alert(1)&gt;"\'&amp;\uE000 (from &lt;img');
    expect(made).toContain('<meta name="description" content="Every tool <img src=x onerror=alert(1)>&#34;\'&#38;\uE000">');
    expect(made).toContain('<nav class="pager" aria-label="Pages"><a href="/list/tools/">« First</a><a href="/list/tools/" rel="prev">‹ Previous</a>');
    expect(made).toContain('<a class="chip on" href="/browse/&#34;x&#34;/">&lt;img src=x onerror=alert(1)&gt;"\'&amp;\uE000 (1,234)</a>');
    expect(await renderer.render('ListView', pages[3])).toContain('Nothing here yet.');
  });

  it('refuse a shell that does not show every value', () => {
    expect(() => shellPage('<html><title>\uE000</title><meta content="\uE001"><main></main></html>')).toThrow(/placeholder/);
  });
});

describe('install snippets', () => {
  it('quotes for the shell and leaves out package names that are not package names', () => {
    expect(shellLine(['npx', '-y', "it's $(rm -rf ~)"])).toBe(`npx -y 'it'\\''s $(rm -rf ~)'`);
    const options = installOptions(
      'io.github.x/srv',
      [
        { registryType: 'npm', identifier: '--registry=http://evil', version: '1.0.0' },
        { registryType: 'npm', identifier: '$(touch /tmp/x)' },
        { registryType: 'npm', identifier: 'good-pkg', version: '1.0.0; rm -rf /' },
        { registryType: 'pypi', identifier: 'mcp-server-x', version: '0.2.0' },
        { registryType: 'oci', identifier: 'ghcr.io/x/srv', version: '1.2' },
      ],
      [
        { type: 'sse', url: 'https://x.example/sse' },
        { type: 'streamable-http', url: 'javascript:alert(1)' },
      ],
    );
    expect(options.map((o) => o.launch.summary)).toEqual([
      'npx -y good-pkg',
      'uvx mcp-server-x==0.2.0',
      'docker run -i --rm ghcr.io/x/srv:1.2',
      'https://x.example/sse',
    ]);
    for (const option of options) expect(option.snippets.map((s) => s.client)).toEqual(['Claude Desktop', 'Claude Code', 'Cursor', 'VS Code', 'Codex']);
    const remote = options[3].snippets;
    expect(remote[1].text).toBe('claude mcp add --transport sse srv https://x.example/sse');
    expect(JSON.parse(remote[0].text)).toEqual({ mcpServers: { srv: { command: 'npx', args: ['-y', 'mcp-remote', 'https://x.example/sse'] } } });
    expect(remote[4].text).toBe('[mcp_servers.srv]\nurl = "https://x.example/sse"');
  });
});

// A stored server and tool, as the build reads them.
const at = new Date('2026-11-20T10:00:00Z');
const server = (id: string): ServerRow => ({
  id,
  title: null,
  description: null,
  repository: null,
  website: null,
  version: null,
  packages: [],
  remotes: [],
  sources: ['test'],
  status: 'active',
  sourceMeta: null,
  packageInfo: null,
  firstSeen: at,
  lastSeen: at,
  lastAttemptAt: at,
  lastOutcome: 'ok',
  lastSuccessAt: at,
  toolCount: 2,
  toolsetHash: null,
  contentVersion: '00000000-0000-4000-8000-000000000000',
});
const tool = (serverId: string, name: string, position: number, description = `Deletes a ${name}.`): CurrentTool => {
  const definition = {
    hash: `${serverId}-${name}-${description}`,
    name,
    title: null,
    description,
    inputSchema: null,
    outputSchema: null,
    annotations: null,
    descriptionTruncated: false,
    firstSeen: at,
  };
  return { serverId, name, position, since: at, definition, classification: classificationRow(definition.hash, classify(definition), at) };
};

describe("a tool page's input hash", () => {
  it('moves with everything its page shows, and not with its siblings', () => {
    const change = (toolName: string, detectedAt: Date): ToolChangeRow => ({
      id: 1,
      serverId: 's/one',
      runId: null,
      toolName,
      kind: 'changed',
      oldHash: 'a',
      newHash: 'b',
      fields: ['description'],
      detectedAt,
    });
    const base: BundleInput = {
      entry: { server: server('s/one'), tools: [tool('s/one', 'Record', 0), tool('s/one', 'other', 1)] },
      serverSlug: 's-one',
      changes: [],
      attempt: null,
      siteUrl: 'https://x.example/',
    };
    const looks = (input: BundleInput) => {
      const t = buildServerBundle(input).tools.find((t) => t.name === 'Record')!;
      return { inputs: t.pageInputs, model: JSON.stringify(t.page()) };
    };
    const withTool = (edit: (t: CurrentTool) => CurrentTool): BundleInput => ({
      ...base,
      entry: { ...base.entry, tools: base.entry.tools.map((t) => (t.name === 'Record' ? edit(t) : t)) },
    });
    // A stored definition is keyed by the hash of its content: new content, new hash.
    const definition = (fields: Partial<CurrentTool['definition']>) =>
      withTool((t) => ({ ...t, definition: { ...t.definition, ...fields, hash: `${t.definition.hash}:${JSON.stringify(fields)}` } }));
    const classification = (fields: Partial<NonNullable<CurrentTool['classification']>>) =>
      withTool((t) => ({ ...t, classification: { ...t.classification!, ...fields } }));
    const variants: Record<string, BundleInput> = {
      title: definition({ title: 'A record' }),
      description: definition({ description: 'Reads a record.' }),
      'input schema': definition({ inputSchema: { type: 'object', properties: { id: { type: 'string' } } } }),
      annotations: definition({ annotations: { readOnlyHint: true } }),
      'description cut (not in the hash)': withTool((t) => ({ ...t, definition: { ...t.definition, descriptionTruncated: true } })),
      since: withTool((t) => ({ ...t, since: new Date('2026-11-21T00:00:00Z') })),
      severity: classification({ severity: 'low' }),
      explanation: classification({ explanation: 'Another reason.' }),
      evidence: classification({ evidence: [] }),
      'server title': { ...base, entry: { ...base.entry, server: { ...base.entry.server, title: 'One' } } },
      'server slug': { ...base, serverSlug: 's-one-2' },
      history: { ...base, changes: [change('Record', at)] },
      'site URL': { ...base, siteUrl: 'https://y.example/' },
      'base path': { ...base, base: '/catalogue/' },
      'JSON cut': { ...base, cutTools: ['Record'] },
      'slug (a twin takes the bare one)': { ...base, entry: { ...base.entry, tools: [...base.entry.tools, tool('s/one', 'record', 2)] } },
    };
    const before = looks(base);
    for (const [what, input] of Object.entries(variants)) {
      const after = looks(input);
      expect(after.model, what).not.toBe(before.model);
      expect(after.inputs, what).not.toBe(before.inputs);
    }
    const siblings: BundleInput = {
      ...base,
      entry: {
        ...base.entry,
        tools: [...base.entry.tools.map((t) => (t.name === 'other' ? tool('s/one', 'other', 1, 'Moves another thing.') : t)), tool('s/one', 'third', 2)],
      },
      changes: [change('other', at)],
    };
    expect(looks(siblings)).toEqual(before);
  });
});

describe('one bad tool or server never fails the build', () => {
  // Made before the tests, not when the file is collected, so a run that filters them out leaves nothing behind.
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-runjob-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('leaves out a tool whose page fails to render, and skips a server whose page fails, naming each', async () => {
    // A renderer that fails on one tool page and one server page: the failures a bug in a view could cause.
    const renderer: Renderer = {
      render: async (view, props) => {
        const p = props as { tool?: { name: string }; server?: { id: string } };
        if (p.tool?.name === 'poison') throw new Error('boom in ToolView');
        if (p.server?.id === 'bad/server') throw new Error('boom in ServerView');
        // A server page holds its crawl status between its comments (see server-page.ts).
        return `<html>${view}${view === 'ServerView' ? crawlStatusHtml((props as { server: PageCrawlStatus }).server).join('') : ''}</html>`;
      },
    };
    const entries: CatalogueServer[] = [
      { server: server('good/server'), tools: [tool('good/server', 'record', 0), tool('good/server', 'poison', 1)] },
      { server: server('bad/server'), tools: [tool('bad/server', 'record', 0)] },
      { server: server('also-good/server'), tools: [tool('also-good/server', 'record', 0)] },
    ];
    const deep = { ...entries[2].tools[0], definition: { ...entries[2].tools[0].definition, inputSchema: nested(4000) } };
    const bounded = boundEntry({ ...entries[2], tools: [deep] });
    const result = (await runJob(
      {
        type: 'servers',
        seq: 0,
        entries: [entries[0], entries[1], bounded.entry],
        cutTools: [[], [], bounded.cutTools],
        slugs: ['good', 'bad', 'also-good'],
        fingerprints: ['f1', 'f2', 'f3'],
        statuses: ['s1', 's2', 's3'],
        previous: ['{}', '{}', '{}'],
        pages: ['', '', ''],
        searchable: [null, null, null],
        changes: [],
        attempts: [],
        siteUrl: 'https://x.example/',
      },
      renderer,
      new OutputWriter(dir),
      { viewsModule: '', outDir: dir, base: '/', salt: 'test' },
    )) as ServersResult;
    expect(result.records.map((r) => r.server.id)).toEqual(['good/server', 'also-good/server']);
    expect(result.records.flatMap((r) => r.tools).map((t) => `${t.serverId} ${t.name}`)).toEqual(['good/server record', 'also-good/server record']);
    expect(result.warnings).toEqual([
      'Server "good/server": tool "poison" left out: its page failed to render: boom in ToolView',
      'Server "bad/server" skipped: boom in ServerView',
      'Server "also-good/server": the input schema or annotations of tool "record" are nested too deep or too large; shown cut.',
    ]);
    expect(readdirSync(path.join(dir, 'servers')).sort()).toEqual(['also-good', 'good']);
    expect(readdirSync(path.join(dir, 'servers', 'good'))).toEqual(expect.arrayContaining(['record.html', 'index.html']));
    expect(readdirSync(path.join(dir, 'servers', 'good'))).not.toContain('poison.html');
  });
});

describe('pageBreaks', () => {
  const row = (i: number): ToolRowModel => ({
    name: `tool_${i}`,
    url: `/servers/s/tool_${i}.html`,
    serverId: `server-${Math.floor(i / 7)}`,
    serverUrl: '/servers/s/',
    category: 'read',
    severity: 'low',
    flags: [],
  });
  const rows = Array.from({ length: 5000 }, (_, i) => row(i));
  const key = (page: ToolRowModel[]) => page.map((r) => r.name).join(',');

  it('keeps pages between MIN_PAGE and MAX_PAGE rows (but the last) and loses no row', () => {
    const pages = pageBreaks(rows);
    expect(pages.flat()).toEqual(rows);
    for (const page of pages.slice(0, -1)) {
      expect(page.length).toBeGreaterThanOrEqual(MIN_PAGE);
      expect(page.length).toBeLessThanOrEqual(MAX_PAGE);
    }
    expect(pages.length).toBeGreaterThan(5000 / MAX_PAGE);
  });

  it('a row inserted near the top or removed changes only a page or two, not every later one', () => {
    const before = new Set(pageBreaks(rows).map(key));
    for (const changed of [
      [row(-1), ...rows],
      [...rows.slice(0, 10), ...rows.slice(11)],
      [...rows.slice(0, 2500), row(99_999), ...rows.slice(2500)],
    ]) {
      const after = pageBreaks(changed).map(key);
      expect(after.filter((page) => !before.has(page)).length).toBeLessThanOrEqual(3);
    }
  });

  it('rows that add a page change a few pages (their URLs included), not every later one: only the first counts them', () => {
    const props = (list: ToolRowModel[]) => {
      const jobs = [...listPageJobs('tools', [{ base: '/list/tools/', title: 'All', description: '', intro: '', rows: list }], () => [])];
      return new Map(jobs.flatMap((j) => j.pages).map((p) => [p.url, JSON.stringify(p.props)]));
    };
    const before = props(rows);
    // Rows added near the top until one of them ends a page of its own: the list then has one page more.
    const added: ToolRowModel[] = [];
    let after = before;
    for (let i = 0; after.size === before.size; i++) {
      added.push(row(100_000 + i));
      after = props([...rows.slice(0, 300), ...added, ...rows.slice(300)]);
    }
    expect(after.size).toBe(before.size + 1);
    expect(before.size).toBeGreaterThan(25);
    const changed = [...after].filter(([url, p]) => before.get(url) !== p).map(([url]) => url);
    // The first page (its counts), the pages the rows landed on, the new page and the one after it (its link back).
    expect(changed).toContain('/list/tools/');
    expect(changed.length).toBeLessThanOrEqual(5);
    for (const url of after.keys()) expect(url).toMatch(/^\/list\/tools\/([0-9a-z]{10}(-\d+)?\.html)?$/);
  });
});

describe('the list pages of a catalogue', () => {
  const random = new Random(7);
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const rows: ToolRowModel[] = Array.from({ length: 3000 }, (_, i) => ({
    name: random.pick(['get', 'put', 'drop', 'naïve 😀 tool']) + i,
    url: `/servers/s/${i}.html`,
    serverId: random.pick(['a/one', 'b/two', 'c/thrée', 'ünï/☃😀']),
    serverUrl: '/servers/s/',
    // A stored classification from another classifier may name a category or severity this one does not have.
    category: random.pick([...CATEGORIES, 'strange' as Category]),
    severity: random.pick([...SEVERITIES, 'unheard' as Severity]),
    flags: random.next() < 0.5 ? [] : [random.pick(FLAGS), random.pick(FLAGS), 'nope' as Flag],
  }));

  it("put every tool on its category's, severity's and flags' lists, worst first, as one filter a list would", () => {
    const { lists } = toolLists(rows.slice());
    const sorted = rows.slice().sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || cmp(a.serverId, b.serverId) || cmp(a.name, b.name));
    const filtered = [
      sorted,
      ...CATEGORIES.map((c) => sorted.filter((t) => t.category === c)),
      ...SEVERITIES.map((s) => sorted.filter((t) => t.severity === s)),
      ...FLAGS.map((f) => sorted.filter((t) => t.flags.includes(f))),
    ];
    expect(lists.map((l) => l.rows)).toEqual(filtered);
    expect(filtered.every((list) => list.length > 0)).toBe(true);
  });

  it('end a page after a row whose key (server id, NUL, name) hashes to 0 modulo 64 by FNV-1a', () => {
    const fnv1a = (text: string) => {
      let hash = 0x811c9dc5;
      for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
      return hash >>> 0;
    };
    const endsPage = (row: ToolRowModel) => fnv1a(`${row.serverId}\0${row.name}`) % 64 === 0;
    const pages = pageBreaks(rows);
    expect(pages.length).toBeGreaterThan(10);
    for (const page of pages.slice(0, -1)) expect(page.length === MAX_PAGE || (page.length >= MIN_PAGE && endsPage(page.at(-1)!))).toBe(true);
    for (const page of pages) expect(page.slice(MIN_PAGE - 1, -1).some(endsPage)).toBe(false);
  });
});

describe('OutputWriter', () => {
  it('writes a file over a longer one in place and leaves nothing of the old content', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-output-'));
    try {
      const out = new OutputWriter(dir);
      out.write('/data/x.json', 'a much longer first content\n');
      const inode = statSync(path.join(dir, 'data', 'x.json')).ino;
      out.write('/data/x.json', 'short\n');
      expect(readFileSync(path.join(dir, 'data', 'x.json'), 'utf8')).toBe('short\n');
      expect(statSync(path.join(dir, 'data', 'x.json')).ino).toBe(inode);
      out.write('/data/x.json', new Uint8Array(0));
      expect(readFileSync(path.join(dir, 'data', 'x.json'), 'utf8')).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the compiled views: a configuration-only package replaced by its values', () => {
  it('keeps its data (an object of functions keeps its keys, a module holding itself loses the cycle) and makes its functions fail, naming themselves', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-values-'));
    try {
      const real = path.join(dir, 'real.mjs');
      writeFileSync(
        real,
        `export const defaults = { theme: 'dark', langs: [], nested: { on: true } };
         export const themes = { dark: () => import('./x.mjs'), light: () => import('./y.mjs') };
         export function highlight() { return 'highlighted'; }
         const self = { version: '1.2.3' }; self.default = self;
         export default self;`,
      );
      const stub = path.join(dir, 'stub.mjs');
      writeFileSync(stub, await valuesModule(real));
      const values = await import(stub);
      expect(values.defaults).toEqual({ theme: 'dark', langs: [], nested: { on: true } });
      expect(Object.keys(values.themes)).toEqual(['dark', 'light']);
      expect(values.default).toEqual({ version: '1.2.3', default: null });
      expect(() => values.highlight()).toThrow(`${real}: highlight is not in the site's compiled views`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the renderer's hash", () => {
  /** Runs `check` in a throwaway repository (`write` puts a file in it, `root` is its site folder), then deletes it. */
  function inRepository(check: (write: (file: string, text: string) => void, root: string) => void): void {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-renderer-'));
    try {
      check(
        (file, text) => {
          mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
          writeFileSync(path.join(dir, file), text);
        },
        path.join(dir, 'site'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('moves with any source of the site, and not with what tools write beside them (astro check, Vite, a build)', () => {
    inRepository((write, root) => {
      write('site/src/views/ToolView.astro', '<h1>{tool.name}</h1>');
      write('site/public/assets/style.css', 'body { margin: 0 }');
      const before = rendererHash(root);
      write('site/.astro/types.d.ts', '/// <reference types="astro/client" />');
      write('site/node_modules/.vite/deps/_metadata.json', '{}');
      write('site/dist/index.html', '<html></html>');
      expect(rendererHash(root)).toBe(before);
      write('site/public/assets/style.css', 'body { margin: 1px }');
      expect(rendererHash(root)).not.toBe(before);
      write('site/public/assets/style.css', 'body { margin: 0 }');
      write('site/src/node_modules/helper.ts', 'export {};');
      expect(rendererHash(root)).not.toBe(before);
    });
  });

  it('moves with the repository sources the site imports, through one another, and not with those it does not', () => {
    inRepository((write, root) => {
      // A policy writer reached through a re-export, a helper imported by a component, and a comment naming no file.
      write('site/render/model.ts', "import { policy } from '../../classifier/policy/index.ts';\n// import './gone.ts';\nexport const p = policy;");
      write('classifier/policy/index.ts', "export { policy } from './writer.ts';");
      write('classifier/policy/writer.ts', "export const policy = 'allow';");
      write('site/src/views/ApiView.astro', '---\nimport { rank } from "../../../classifier/severity.ts";\n---\n<p>{rank}</p>');
      write('classifier/severity.ts', 'export const rank = 1;');
      write('classifier/unrelated.ts', 'export const other = 1;');
      const before = rendererHash(root);
      write('classifier/unrelated.ts', 'export const other = 2;');
      expect(rendererHash(root)).toBe(before);
      write('classifier/policy/writer.ts', "export const policy = 'deny';");
      const afterWriter = rendererHash(root);
      expect(afterWriter).not.toBe(before);
      write('classifier/severity.ts', 'export const rank = 2;');
      expect(rendererHash(root)).not.toBe(afterWriter);
    });
  });
});

describe('RenderPool', () => {
  it('meets a job that failed before it was awaited where it is awaited, not as an unhandled rejection', async () => {
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'toolrisk-pool-'));
    // Views that cannot load: the worker fails, and every job sent to it with it.
    const pool = new RenderPool(1, { viewsModule: path.join(outDir, 'missing-views.mjs'), outDir, base: '/', salt: 'x' });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const first = pool.run({ type: 'pages', pages: [] });
      // The second is refused once the worker failed, and the first, sent before it, with it; nothing awaits the first.
      await expect(pool.run({ type: 'pages', pages: [] })).rejects.toThrow(/missing-views/);
      await new Promise((resolve) => setImmediate(resolve)); // node reports an unhandled rejection after a turn
      expect(unhandled).toEqual([]);
      await expect(first).rejects.toThrow(/missing-views/);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await pool.close();
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});

describe('the interrupt budget a short build raises and puts back', () => {
  it("is V8's default unless node was started with one of its own", () => {
    expect(startingBudget([])).toBe(67_584);
    expect(startingBudget(['--max-old-space-size=4096', '--interrupt-budget=1000'])).toBe(1000);
    expect(startingBudget(['--interrupt_budget=2048'])).toBe(2048);
    expect(startingBudget(['--interrupt-budget-for-feedback-allocation=10'])).toBe(67_584);
  });
});
