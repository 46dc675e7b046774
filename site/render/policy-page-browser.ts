// The paste-your-configuration page (PolicyConfigView), bundled by esbuild into /assets/policy-config.js.
// It runs the same code as `toolrisk policy --config` on the published policy index; nothing is uploaded.
import { ConfigError } from '../../classifier/policy/agent-config.ts';
import { policyForConfig, policyIndexSchema, type PolicyIndex } from '../../classifier/policy/config-policy.ts';
import { EXPORT_FORMATS, isExportFormat } from '../../classifier/policy/index.ts';

const form = document.getElementById('policy-form') as HTMLFormElement;
const text = document.getElementById('policy-config-text') as HTMLTextAreaElement;
const formatSelect = document.getElementById('policy-config-format') as HTMLSelectElement;
const go = document.getElementById('policy-config-go') as HTMLButtonElement;
const status = document.getElementById('policy-config-status')!;
const servers = document.getElementById('policy-config-servers')!;
const result = document.getElementById('policy-config-result')!;
const label = document.getElementById('policy-config-label')!;
const output = document.getElementById('policy-config-output')!;
const download = document.getElementById('policy-config-download') as HTMLAnchorElement;
let index: PolicyIndex | null = null;
let downloadUrl: string | null = null;

// Loaded once, with the page: after that the page needs no network.
fetch(form.dataset.index!)
  .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
  .then((data) => {
    index = policyIndexSchema.parse(data) as PolicyIndex;
    go.disabled = false;
    status.textContent = `Catalogue loaded: ${index.servers.length} servers. Paste your configuration.`;
  })
  .catch((error: Error) => {
    status.textContent = `Could not load the catalogue (${error.message}).`;
  });

function item(textContent: string): HTMLLIElement {
  const li = document.createElement('li');
  li.textContent = textContent;
  return li;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!index || !isExportFormat(formatSelect.value)) return;
  const format = formatSelect.value;
  servers.replaceChildren();
  result.hidden = true;
  try {
    const policy = policyForConfig(text.value, '', index, format);
    const total = policy.matched.length + policy.missing.length;
    status.textContent = `${policy.matched.length} of ${total} configured servers have a policy.`;
    for (const m of policy.matched) servers.append(item(`${m.name} → ${m.serverId} (${m.tools.length} tools)`));
    for (const m of policy.missing) {
      const why = m.catalogued ? `catalogued as ${m.catalogued}, but no crawl has listed its tools` : 'not in the catalogue';
      servers.append(item(`${m.name} (line ${m.line}): ${why}; no policy written for it (toolrisk policy --config --check-missing lists its tools live)`));
    }
    for (const u of policy.unsafe) servers.append(item(`Left out tool ${JSON.stringify(u.name)} of ${u.server}: ${u.reason}`));
    const info = EXPORT_FORMATS[format];
    label.textContent = info.label;
    output.textContent = policy.text;
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    downloadUrl = URL.createObjectURL(new Blob([policy.text], { type: info.mediaType }));
    download.href = downloadUrl;
    download.download = `toolrisk-policy.${format}.${info.extension}`;
    result.hidden = false;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    status.textContent = `Your configuration: ${error.message}`;
  }
});
