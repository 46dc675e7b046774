// The tool page's policies, bundled by esbuild into /assets/tool-policy.js. The page carries only the tool's
// policy input (name, category, severity, flags) as attributes of #policies; this script renders every format with the same code as
// `toolrisk policy`, so a download is byte for byte what the CLI prints. Text only, never innerHTML.
import { POLICY_FORMATS, policyAlternatives, renderPolicy, type PolicyFormat, type PolicyTool } from '../../classifier/policy/index.ts';

const root = document.getElementById('policies')!;
const data = root.dataset;
const input = {
  tool: { name: data.name, category: data.category, severity: data.severity, flags: data.flags ? data.flags.split(' ') : [] } as PolicyTool,
  /** Download file names are `<file>.<format>.<extension>`: the tool's slug, the page's name (/servers/<server>/<tool>.html; hosts that serve pages without `.html` drop it). */
  file: decodeURIComponent(
    location.pathname
      .split('/')
      .at(-1)!
      .replace(/\.html$/, ''),
  ),
};
const formats = Object.keys(POLICY_FORMATS) as PolicyFormat[];

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: Array<Node | string>) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

/** A policy document with its copy button and, for the recommended one, a download. */
function block(format: PolicyFormat, text: string, id: string, download: boolean): HTMLElement {
  const info = POLICY_FORMATS[format];
  const copy = el('button', { className: 'btn', type: 'button', textContent: 'Copy' });
  copy.dataset.copy = id;
  const bar = el('div', { className: 'bar' }, el('strong', { textContent: info.label }), copy);
  if (download) {
    const link = el('a', { className: 'btn', textContent: 'Download', download: `${input.file}.${format}.${info.extension}` });
    link.href = URL.createObjectURL(new Blob([text], { type: info.mediaType }));
    link.dataset.download = format;
    bar.append(link);
  }
  return el('div', { className: 'policy' }, bar, el('pre', {}, el('code', { id, textContent: text })));
}

// The paragraph comes with the files it describes: without scripts the page shows neither, only a link to the server's.
const labels = new Intl.ListFormat('en').format(formats.map((f) => POLICY_FORMATS[f].label));
const about = `The files below are the policy above for ${labels}. It names only this tool and keeps "default: deny": loaded on its own, it denies the server’s other tools, and any it adds later; the server policy covers them all.`;
root.replaceChildren(el('p', { textContent: about }), ...formats.map((f) => block(f, renderPolicy([input.tool], f), `policy-${f}`, true)));

const alternatives = policyAlternatives(input.tool).filter((a) => a.variant !== 'recommended');
if (alternatives.length > 0) {
  document
    .getElementById('policy-alternatives')!
    .replaceChildren(
      el('h3', { textContent: 'Stricter and looser alternatives' }),
      ...alternatives.map((a, i) =>
        el(
          'details',
          {},
          el('summary', {}, el('strong', { textContent: a.variant === 'stricter' ? 'Stricter:' : 'Looser:' }), ` ${a.summary}`),
          ...formats.map((f, j) => block(f, a.documents[f], `alt-${i}-${j}`, false)),
        ),
      ),
    );
}
