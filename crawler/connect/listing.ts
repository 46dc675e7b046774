import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { z } from 'zod';
import type { ListedTool } from '../../db/index.ts';
import { CrawlError } from '../errors.ts';
import { withLinkedSignal } from '../net/signals.ts';
import type { CrawlLimits } from '../limits.ts';
import { schemaShapeProblem, storable } from '../storable.ts';

const pageSchema = z.object({ tools: z.array(z.unknown()), nextCursor: z.string().optional() }).passthrough();

const jsonObject = z.record(z.string(), z.unknown());
const toolSchema = z
  .object({
    name: z.string().min(1),
    title: z.string().optional(),
    description: z.string().optional(),
    inputSchema: jsonObject,
    outputSchema: jsonObject.optional(),
    annotations: jsonObject.optional(),
  })
  .passthrough();

export interface Listing {
  tools: ListedTool[];
  pages: number;
  bytes: number;
  truncatedDescriptions: string[];
}

/**
 * Lists every tool with the cursor loop, enforcing the page, tool and byte limits, and returns the tools
 * ready to store: validated, made storable, over-long descriptions cut and flagged.
 */
export async function listAllTools(client: Client, limits: CrawlLimits, signal: AbortSignal): Promise<Listing> {
  const raw: unknown[] = [];
  const seenCursors = new Set<string>();
  let cursor: string | undefined;
  let pages = 0;
  let bytes = 0;
  do {
    if (pages >= limits.maxPages) {
      throw new CrawlError('too_many_pages', `The tool listing did not end within ${limits.maxPages} pages (limit maxPages).`, { pages });
    }
    const params = cursor === undefined ? {} : { cursor };
    const page = await withLinkedSignal(signal, (pageSignal) =>
      client.request({ method: 'tools/list', params }, pageSchema, { timeout: limits.requestTimeoutMs, signal: pageSignal }),
    );
    pages += 1;
    bytes += Buffer.byteLength(JSON.stringify(page));
    if (bytes > limits.maxListingBytes) {
      throw new CrawlError('listing_too_large', `The tool listing exceeded ${limits.maxListingBytes} bytes after ${pages} pages (limit maxListingBytes).`, {
        pages,
        bytes,
      });
    }
    raw.push(...page.tools);
    if (raw.length > limits.maxTools) {
      throw new CrawlError('too_many_tools', `The server listed more than ${limits.maxTools} tools (limit maxTools).`, { pages, tools: raw.length });
    }
    cursor = page.nextCursor || undefined;
    if (cursor !== undefined && seenCursors.has(cursor)) {
      throw new CrawlError('protocol_error', `The server repeated the tools/list cursor ${JSON.stringify(cursor.slice(0, 100))}.`, { pages });
    }
    if (cursor !== undefined) seenCursors.add(cursor);
  } while (cursor !== undefined);

  const truncatedDescriptions: string[] = [];
  const tools = raw.map((item, index) => {
    const tool = toListedTool(item, index, limits.maxDescriptionLength);
    if (tool.descriptionTruncated) truncatedDescriptions.push(tool.name);
    return tool;
  });
  const names = new Set<string>();
  for (const { name } of tools) {
    if (names.has(name)) throw new CrawlError('protocol_error', `The server listed the tool name ${JSON.stringify(name)} more than once.`);
    names.add(name);
  }
  return { tools, pages, bytes, truncatedDescriptions };
}

function toListedTool(item: unknown, index: number, maxDescriptionLength: number): ListedTool {
  const parsed = toolSchema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CrawlError('protocol_error', `Tool ${index + 1} of the listing is malformed: ${issue.path.join('.') || 'tool'}: ${issue.message}.`);
  }
  // zod drops `__proto__` keys from the objects it rebuilds: the JSON values are taken as the server sent them.
  const sent = item as Record<'inputSchema' | 'outputSchema' | 'annotations', unknown>;
  for (const field of ['inputSchema', 'outputSchema', 'annotations'] as const) {
    const problem = sent[field] === undefined ? undefined : schemaShapeProblem(sent[field]);
    if (problem) {
      throw new CrawlError(
        'protocol_error',
        `The ${field} of the tool ${JSON.stringify(parsed.data.name.slice(0, 200))} is not stored: ${problem} (limit per tool); nothing of this listing was stored.`,
        {
          tool: parsed.data.name.slice(0, 200),
          field,
        },
      );
    }
  }
  const t = storable({
    ...parsed.data,
    inputSchema: sent.inputSchema as Record<string, unknown>,
    outputSchema: sent.outputSchema as Record<string, unknown> | undefined,
    annotations: sent.annotations as Record<string, unknown> | undefined,
  });
  const cut = t.description !== undefined && t.description.length > maxDescriptionLength;
  return {
    name: t.name,
    title: t.title ?? null,
    description: cut ? t.description!.slice(0, maxDescriptionLength) : (t.description ?? null),
    inputSchema: t.inputSchema,
    outputSchema: t.outputSchema ?? null,
    annotations: t.annotations ?? null,
    ...(cut ? { descriptionTruncated: true } : {}),
  };
}
