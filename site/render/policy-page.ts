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
} as const;

const BROWSER_ENTRY = fileURLToPath(new URL('./policy-page-browser.ts', import.meta.url));

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
 * their few dependencies (jsonc-parser, smol-toml, zod), as one ES module.
 */
export async function bundlePolicyScript(): Promise<string> {
  const result = await build({
    entryPoints: [BROWSER_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
    absWorkingDir: path.dirname(BROWSER_ENTRY),
  });
  return result.outputFiles[0].text;
}

/** Writes the script and the index (one compact file for the whole catalogue). */
export async function writePolicyPageFiles(out: OutputWriter, index: PolicyIndex): Promise<void> {
  out.write(policyPageUrls.script, await bundlePolicyScript());
  out.write(policyPageUrls.index, JSON.stringify(index));
}
