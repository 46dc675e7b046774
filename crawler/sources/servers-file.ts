import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseNpmSpec } from '../npm-cache.ts';
import { storable } from '../storable.ts';
import { REMOTE_TRANSPORTS, type CrawlTarget, type SourcedServer } from '../targets.ts';

const stringMap = z.record(z.string(), z.string());

const entrySchema = z
  .object({
    id: z.string().min(1).max(200).optional(),
    title: z.string().optional(),
    description: z.string().optional(),
    command: z.string().min(1).optional(),
    npm: z.string().min(1).optional(),
    url: z.string().url().optional(),
    args: z.array(z.string()).optional(),
    env: stringMap.optional(),
    cwd: z.string().min(1).optional(),
    transport: z.enum(REMOTE_TRANSPORTS).optional(),
    headers: stringMap.optional(),
  })
  .strict()
  .superRefine((entry, ctx) => {
    const kinds = (['command', 'npm', 'url'] as const).filter((k) => entry[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of `command`, `npm` or `url`' });
      return;
    }
    const allowed: Record<(typeof kinds)[number], string[]> = {
      command: ['args', 'env', 'cwd'],
      npm: ['args', 'env'],
      url: ['transport', 'headers'],
    };
    for (const field of ['args', 'env', 'cwd', 'transport', 'headers'] as const) {
      if (entry[field] !== undefined && !allowed[kinds[0]].includes(field)) {
        ctx.addIssue({ code: 'custom', path: [field], message: `not allowed with \`${kinds[0]}\`` });
      }
    }
    if (entry.url && !/^https?:$/.test(new URL(entry.url).protocol)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'must be an http:// or https:// URL' });
    }
    if (entry.npm) {
      try {
        parseNpmSpec(entry.npm);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['npm'], message: (error as Error).message });
      }
    }
  });

const fileSchema = z.object({ servers: z.array(z.unknown()).min(1, 'list at least one server') }).strict();

type Entry = z.infer<typeof entrySchema>;

/** The servers file is invalid; the message lists every problem with its file, entry and field. */
export class ServersFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`${file} is not a valid servers file; nothing was crawled:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ServersFileError';
  }
}

/** Reads a YAML or JSON servers file. Throws ServersFileError unless every entry is valid. */
export async function readServersFile(file: string): Promise<SourcedServer[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ServersFileError(file, [`cannot read the file: ${(error as Error).message}`]);
  }
  return parseServersFile(text, file);
}

export function parseServersFile(text: string, file: string): SourcedServer[] {
  let data: unknown;
  try {
    // YAML is a superset of JSON, so one parser reads both.
    data = parseYaml(text, { uniqueKeys: true });
  } catch (error) {
    throw new ServersFileError(file, [`cannot parse it as YAML or JSON: ${(error as Error).message}`]);
  }
  const top = fileSchema.safeParse(data);
  if (!top.success)
    throw new ServersFileError(
      file,
      top.error.issues.map((i) => describeIssue('', i)),
    );

  const problems: string[] = [];
  const entries: Entry[] = [];
  top.data.servers.forEach((raw, index) => {
    const parsed = entrySchema.safeParse(raw);
    const name = `entry ${index + 1}${entryName(raw)}`;
    if (parsed.success) entries.push(storable(parsed.data));
    else problems.push(...parsed.error.issues.map((i) => describeIssue(name, i)));
  });
  if (problems.length > 0) throw new ServersFileError(file, problems);

  const baseDir = path.dirname(path.resolve(file));
  const servers = entries.map((entry) => toSourced(entry, baseDir));
  const seen = new Map<string, number>();
  servers.forEach(({ server }, index) => {
    const first = seen.get(server.id);
    if (first !== undefined) problems.push(`entry ${index + 1}: id ${JSON.stringify(server.id)} is already used by entry ${first + 1}`);
    else seen.set(server.id, index);
  });
  if (problems.length > 0) throw new ServersFileError(file, problems);
  return servers;
}

function entryName(raw: unknown): string {
  if (raw && typeof raw === 'object') {
    const r = raw as Record<string, unknown>;
    const name = [r.id, r.npm, r.url, r.command].find((v) => typeof v === 'string');
    if (name) return ` (${JSON.stringify(name)})`;
  }
  return '';
}

function describeIssue(entry: string, issue: z.ZodIssue): string {
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const field = [...issue.path.map(String), ...keys].join('.');
  const where = [entry, field ? `field \`${field}\`` : ''].filter(Boolean).join(': ');
  return `${where ? `${where}: ` : ''}${issue.message}`;
}

function toSourced(entry: Entry, baseDir: string): SourcedServer {
  const id = entry.id ?? derivedId(entry);
  const server = {
    id,
    title: entry.title ?? null,
    description: entry.description ?? null,
    sources: ['servers-file'],
  };
  let target: CrawlTarget;
  if (entry.url) {
    target = { kind: 'remote', serverId: id, url: entry.url, transport: entry.transport ?? 'auto', headers: entry.headers ?? {} };
  } else if (entry.npm) {
    const { name, version } = parseNpmSpec(entry.npm);
    target = { kind: 'npm', serverId: id, package: name, version, args: entry.args ?? [], env: entry.env ?? {}, placeholders: [] };
  } else {
    // Relative paths in a servers file mean relative to the file. The server itself runs in a folder of its
    // own unless `cwd` says otherwise, so paths are made absolute here.
    const absolute = (arg: string) => (arg.includes('/') && !arg.startsWith('-') && existsSync(path.resolve(baseDir, arg)) ? path.resolve(baseDir, arg) : arg);
    target = {
      kind: 'stdio',
      serverId: id,
      command: absolute(entry.command!),
      args: (entry.args ?? []).map(absolute),
      env: entry.env ?? {},
      cwd: entry.cwd ? path.resolve(baseDir, entry.cwd) : undefined,
    };
  }
  return { server, targets: [target] };
}

function derivedId(entry: Entry): string {
  if (entry.npm) return `npm:${parseNpmSpec(entry.npm).name}`;
  if (entry.url) {
    const url = new URL(entry.url);
    return `url:${url.host}${url.pathname.replace(/\/$/, '')}`;
  }
  return `stdio:${[entry.command, ...(entry.args ?? [])].join(' ')}`;
}
