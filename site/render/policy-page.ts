import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { EXPORT_FORMATS, type ExportFormat } from '../../classifier/policy/index.ts';
import type { PolicyIndex } from '../../classifier/policy/config-policy.ts';
import type { OutputWriter } from './render.ts';

/** The paste-your-configuration page, its script and the policy index it computes from. */
export const policyPageUrls = {
  page: '/policy/',
  index: '/data/policy-index.json',
  script: '/assets/policy-config.js',
  /** The tool page's script: renders the tool's policies from the input the page embeds. */
  toolScript: '/assets/tool-policy.js',
} as const;

const BROWSER_ENTRY = fileURLToPath(new URL('./policy-page-browser.ts', import.meta.url));
const TOOL_ENTRY = fileURLToPath(new URL('./tool-policy-browser.ts', import.meta.url));

export function policyPage() {
  const formats = (Object.keys(EXPORT_FORMATS) as ExportFormat[]).map((format) => ({
    format,
    label: EXPORT_FORMATS[format].label,
    extension: EXPORT_FORMATS[format].extension,
  }));
  return { url: policyPageUrls.page, view: 'PolicyConfigView' as const, props: { formats, indexUrl: policyPageUrls.index, script: policyPageUrls.script } };
}

/**
 * Bundles the page's script: the same modules `toolrisk policy --config` runs (classifier/policy), with
 * their few dependencies (jsonc-parser, smol-toml, zod), as one ES module. `tool`: the tool page's script.
 */
export async function bundlePolicyScript(which: 'config' | 'tool' = 'config'): Promise<string> {
  const entry = which === 'config' ? BROWSER_ENTRY : TOOL_ENTRY;
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    absWorkingDir: path.dirname(entry),
  });
  return result.outputFiles[0].text;
}

/** Writes the script and the index (one compact file for the whole catalogue). */
export async function writePolicyPageFiles(out: OutputWriter, index: PolicyIndex): Promise<void> {
  out.write(policyPageUrls.script, await bundlePolicyScript());
  out.write(policyPageUrls.index, JSON.stringify(index));
}
