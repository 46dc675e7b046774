import { z } from 'zod';
import { causes } from '../../db/errors.ts';
import { DEFAULT_LIMITS } from '../limits.ts';
import { linkedSignal } from '../net/signals.ts';
import { DEFAULT_RETRY, isTransientStatus, withRetries, type RetryOptions } from '../retry.ts';

export const DEFAULT_REGISTRY_URL = 'https://registry.modelcontextprotocol.io';
export const OFFICIAL = 'io.modelcontextprotocol.registry/official';

const officialMetaSchema = z
  .object({
    status: z.string().catch('active').default('active'),
    publishedAt: z.string().optional().catch(undefined),
    updatedAt: z.string().optional().catch(undefined),
    isLatest: z.boolean().optional().catch(undefined),
  })
  .passthrough();

/**
 * What an entry needs to be kept at all: a name and an object for the rest. Every other field is checked
 * one by one when the entry is mapped (registry-map.ts), so a bad field costs only that field.
 */
const entrySchema = z.object({
  server: z.object({ name: z.string().min(1).max(200) }).passthrough(),
  _meta: z
    .object({ [OFFICIAL]: officialMetaSchema.optional().catch(undefined) })
    .passthrough()
    .optional()
    .catch(undefined),
});

const pageSchema = z.object({
  servers: z.array(z.unknown()),
  metadata: z.object({ nextCursor: z.string().nullish(), count: z.number().optional() }).passthrough().optional(),
});

export type RegistryEntry = z.infer<typeof entrySchema>;

export interface RegistryFetchOptions {
  baseUrl?: string;
  /** Only servers updated at or after this time (the API's `updated_since`). */
  updatedSince?: Date;
  pageSize?: number;
  /** A guard against a registry whose cursor never ends. */
  maxPages?: number;
  /** Per page request, headers and body together; the same deadline as one request to a remote MCP server. */
  requestTimeoutMs?: number;
  /** Bytes of one page's body; the same cap as one response from a remote MCP server. */
  maxPageBytes?: number;
  fetch?: typeof fetch;
  retry?: RetryOptions;
  signal?: AbortSignal;
}

export interface RegistryListing {
  entries: RegistryEntry[];
  /** Entries that could not be kept at all (no name), each with what was wrong. */
  problems: string[];
  pages: number;
}

/** The registry could not be read: it did not answer in time, sent too much, or sent something else than a servers page. */
export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

/** Pages through `GET {base}/v0.1/servers`, keeping every entry that has a name. */
export async function fetchRegistry(options: RegistryFetchOptions = {}): Promise<RegistryListing> {
  const base = (options.baseUrl ?? DEFAULT_REGISTRY_URL).replace(/\/+$/, '');
  const maxPages = options.maxPages ?? 10_000;
  const entries: RegistryEntry[] = [];
  const problems: string[] = [];
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  let pages = 0;
  do {
    if (pages >= maxPages) throw new RegistryError(`The registry at ${base} returned more than ${maxPages} pages; stopped.`);
    const url = new URL(`${base}/v0.1/servers`);
    url.searchParams.set('limit', String(options.pageSize ?? 100));
    if (cursor) url.searchParams.set('cursor', cursor);
    if (options.updatedSince) url.searchParams.set('updated_since', options.updatedSince.toISOString());
    const page = await fetchPage(url, options);
    pages += 1;
    for (const raw of page.servers) {
      const parsed = entrySchema.safeParse(raw);
      if (parsed.success) entries.push(parsed.data);
      else problems.push(`${entryName(raw)}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    cursor = page.metadata?.nextCursor ?? undefined;
    if (cursor && seenCursors.has(cursor)) throw new RegistryError(`The registry at ${base} repeated the cursor ${JSON.stringify(cursor)}; stopped.`);
    if (cursor) seenCursors.add(cursor);
  } while (cursor);
  return { entries, problems, pages };
}

async function fetchPage(url: URL, options: RegistryFetchOptions): Promise<z.infer<typeof pageSchema>> {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_LIMITS.requestTimeoutMs;
  const maxBytes = options.maxPageBytes ?? DEFAULT_LIMITS.maxMessageBytes;
  const read = async (): Promise<{ status: number; statusText: string; text?: string }> => {
    const deadline = AbortSignal.timeout(timeoutMs);
    // A signal of its own per request, unhooked afterwards: fetch never removes its listener (see net/signals.ts).
    const { signal, unlink } = linkedSignal(options.signal, deadline);
    try {
      const response = await doFetch(url, { signal, headers: { accept: 'application/json' } });
      if (!response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return { status: response.status, statusText: response.statusText };
      }
      return { status: response.status, statusText: response.statusText, text: await readCapped(response, maxBytes, url) };
    } catch (error) {
      if (deadline.aborted && !options.signal?.aborted) {
        throw new RegistryError(`The registry did not answer ${url} within ${timeoutMs} ms (limit requestTimeoutMs); stopped.`);
      }
      if (error instanceof RegistryError || options.signal?.aborted) throw error;
      throw new RegistryError(`Could not reach the registry at ${url}: ${causeText(error)}`);
    } finally {
      unlink();
    }
  };
  const { result } = await withRetries(read, (r) => isTransientStatus(r.status), { ...(options.retry ?? DEFAULT_RETRY), signal: options.signal });
  if (result.text === undefined) throw new RegistryError(`The registry answered ${result.status} ${printableSnippet(result.statusText)} for ${url}`);
  let body: unknown;
  try {
    body = JSON.parse(result.text);
  } catch {
    throw new RegistryError(`The registry's answer for ${url} is not JSON; it begins ${printableSnippet(result.text)}`);
  }
  const page = pageSchema.safeParse(body);
  if (!page.success) throw new RegistryError(`The registry's answer for ${url} is not a servers page: ${page.error.issues[0]?.message}`);
  return page.data;
}

/** The body as text, failing as soon as it passes `maxBytes` (an endless body is cut, never held). */
async function readCapped(response: Response, maxBytes: number, url: URL): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new RegistryError(`The registry's answer for ${url} passed ${maxBytes} bytes (limit maxMessageBytes); stopped.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The first characters of untrusted text, quoted, with control characters (ESC included) escaped. */
function printableSnippet(text: string): string {
  return JSON.stringify(text.slice(0, 80)).replace(
    /[\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function causeText(error: unknown): string {
  const parts = [...causes(error, 4)].map((cause) => (cause instanceof Error ? cause.message : String(cause)));
  return printableSnippet(parts.join(': ')).slice(1, -1);
}

function entryName(raw: unknown): string {
  const name = (raw as { server?: { name?: unknown } } | null)?.server?.name;
  return typeof name === 'string' && name !== '' ? printableSnippet(name) : 'an entry without a name';
}

/** One entry per server name: the one marked latest, else the most recently published. */
export function latestVersions(entries: readonly RegistryEntry[]): RegistryEntry[] {
  const byName = new Map<string, RegistryEntry>();
  for (const entry of entries) {
    const current = byName.get(entry.server.name);
    if (!current || rank(entry) >= rank(current)) byName.set(entry.server.name, entry);
  }
  return [...byName.values()];
}

function rank(entry: RegistryEntry): string {
  const meta = entry._meta?.[OFFICIAL];
  return `${meta?.isLatest ? 1 : 0}${meta?.publishedAt ?? ''}`;
}
