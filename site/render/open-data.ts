import type { CatalogueServer, ServerCrawlStatus } from '../../db/index.ts';
import { rebaseUrl } from './base-path.ts';
import { POLICY_FORMATS, renderPolicy, type PolicyFormat } from '../../classifier/policy/index.ts';
import { policyTool, type BundledTool, type ServerBundle } from './model.ts';

const FORMATS = Object.keys(POLICY_FORMATS) as PolicyFormat[];

/**
 * The open-data records of one server: its JSON file (`json`, whose `line` is the server's line in catalogue.jsonl.gz)
 * and its tools' lines there (`tools`), each line standing alone. A tool's catalogue line carries its policies as text (the site has no file per
 * tool); the JSON file leaves them out, as they are derived from the classification beside them (and the server's
 * own policy files cover its tools). URLs are under the site's base path.
 */
export function openDataRecords(entry: CatalogueServer, bundle: ServerBundle, base = '/') {
  const s = entry.server;
  const head = {
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
  };
  const status = crawlStatusRecord(s);
  const tail = {
    grade: bundle.server.grade,
    gradeReason: bundle.server.gradeReason,
    lethalTrifecta: bundle.server.lethalTrifecta,
    url: rebaseUrl(bundle.server.url, base),
    policies: Object.fromEntries(bundle.server.policies.map((p) => [p.format, rebaseUrl(p.href, base)])),
  };
  const defs = new Map(entry.tools.map((t) => [t.name, t.definition]));
  const tools = bundle.tools.map((tool) => ({ ...toolRecord(tool, defs.get(tool.name)!, base), policies: toolPolicies(tool) }));
  // In the server's JSON a tool sits in its server's `tools`: its type, server and the classifier version (the same
  // for every tool of a build; given once, on the server) would repeat on every tool.
  const rest = {
    classifierVersion: tools[0]?.classifierVersion ?? null,
    tools: tools.map(({ type, server, classifierVersion, policies, ...rest }) => rest),
  };
  return { tools, json: serverJsonFile(head, status, tail, rest) };
}

/**
 * Where a server's JSON file holds its crawl status, in bytes: the members of crawlStatusRecord (from `status` to
 * `statusEnd`), and where the members after its server line's begin (`toolsAt`: `,"classifierVersion"`, its tools):
 * the file up to there, closed, is its line of catalogue.jsonl.gz.
 */
export type JsonRegions = [status: number, statusEnd: number, toolsAt: number];

/**
 * A server's JSON file: the parts' members, in order, as one object (what JSON.stringify of their spread writes,
 * each part having a member); its catalogue line, the same but for the last part; and where its crawl status is
 * (see restateServerJson, which makes the line from the file the same way).
 */
function serverJsonFile(...parts: [object, ReturnType<typeof crawlStatusRecord>, object, object]): { text: string; line: string; regions: JsonRegions } {
  const [head, status, tail, rest] = parts.map(members);
  const before = `{${head},`;
  const start = Buffer.byteLength(before);
  const end = start + Buffer.byteLength(status);
  const middle = `,${tail}`;
  const server = `${before}${status}${middle}`;
  return { text: `${server},${rest}}\n`, line: `${server}}\n`, regions: [start, end, end + Buffer.byteLength(middle)] };
}

/** An object's JSON without its braces. */
function members(value: object): string {
  const json = JSON.stringify(value);
  if (json.length <= 2) throw new Error("A part of a server's JSON file has no members.");
  return json.slice(1, -1);
}

/**
 * The last build's JSON file of a server (`old`) with a new crawl status, and its line of catalogue.jsonl.gz:
 * byte for byte what a full build writes, since only those members differ.
 */
export function restateServerJson(
  old: Buffer,
  regions: JsonRegions,
  status: Omit<ServerCrawlStatus, 'id'>,
): { bytes: Buffer; line: Buffer; regions: JsonRegions } {
  const [start, end, toolsAt] = regions;
  const members = Buffer.from(JSON.stringify(crawlStatusRecord(status)).slice(1, -1));
  const bytes = Buffer.concat([old.subarray(0, start), members, old.subarray(end)]);
  const shift = members.length - (end - start);
  const moved: JsonRegions = [start, start + members.length, toolsAt + shift];
  return { bytes, line: Buffer.concat([bytes.subarray(0, moved[2]), Buffer.from('}\n')]), regions: moved };
}

/** The crawl status in a server's open data: patched into the last build's records when nothing else changed. */
export function crawlStatusRecord(s: Omit<ServerCrawlStatus, 'id'>) {
  return { lastSeen: s.lastSeen.toISOString(), lastOutcome: s.lastOutcome, lastSuccessAt: s.lastSuccessAt?.toISOString() ?? null };
}

function toolPolicies(tool: BundledTool) {
  return Object.fromEntries(FORMATS.map((f) => [f, { text: renderPolicy([policyTool(tool.name, tool.classification)], f) }]));
}

function toolRecord(tool: BundledTool, d: CatalogueServer['tools'][number]['definition'], base: string) {
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
    url: rebaseUrl(tool.url, base),
    classifierVersion: version,
    classification,
  };
}
