import type { CatalogueServer } from '../../db/index.ts';
import type { ServerBundle, ToolPageModel } from './model.ts';

/** The open-data records of one server: its JSON file and its lines in catalogue.jsonl. */
export function openDataRecords(entry: CatalogueServer, bundle: ServerBundle) {
  const s = entry.server;
  const server = {
    type: 'server' as const,
    id: s.id,
    title: s.title,
    description: s.description,
    version: s.version,
    repository: s.repository,
    website: s.website,
    packages: s.packages,
    remotes: s.remotes,
    packageInfo: s.packageInfo,
    status: s.status,
    firstSeen: s.firstSeen.toISOString(),
    lastSeen: s.lastSeen.toISOString(),
    lastOutcome: s.lastOutcome,
    lastSuccessAt: s.lastSuccessAt?.toISOString() ?? null,
    grade: bundle.server.grade,
    gradeReason: bundle.server.gradeReason,
    lethalTrifecta: bundle.server.lethalTrifecta,
    url: bundle.server.url,
    policies: Object.fromEntries(bundle.server.policies.map((p) => [p.format, p.href])),
  };
  const defs = new Map(entry.tools.map((t) => [t.name, t.definition]));
  const tools = bundle.tools.map((tool) => toolRecord(tool, defs.get(tool.name)!));
  return { server, tools };
}

function toolRecord(tool: ToolPageModel, d: CatalogueServer['tools'][number]['definition']) {
  const { version, ...classification } = tool.classification;
  return {
    type: 'tool' as const,
    server: tool.server.id,
    name: tool.name,
    title: d.title,
    description: d.description,
    descriptionTruncated: d.descriptionTruncated,
    inputSchema: d.inputSchema,
    outputSchema: d.outputSchema,
    annotations: d.annotations,
    hash: d.hash,
    since: tool.since,
    url: tool.url,
    classifierVersion: version,
    classification,
    policies: Object.fromEntries(tool.policies.map((p) => [p.format, { url: p.href, text: p.text }])),
  };
}
