import { z } from 'zod';
import type { CrawlLimits } from '../limits.ts';
import type { NetworkPolicy } from '../net/index.ts';
import { type CrawlTarget, REMOTE_TRANSPORTS } from '../targets.ts';

/** What the run decided, applied by every worker alike. */
export interface CrawlJobSettings {
  limits?: Partial<CrawlLimits>;
  /** Which remote hosts may be reached (the resolver is always the worker's own). */
  network?: Omit<NetworkPolicy, 'resolve'>;
}

/** One job per server per run: its targets, tried in order, and the run's crawl settings. */
export interface CrawlJob {
  runId: number;
  serverId: string;
  targets: CrawlTarget[];
  settings: CrawlJobSettings;
}

// Job data comes back from the database, written by any version of toolrisk sharing it: a worker checks its
// shape field by field before trusting it. A field added to a target type must be added here too, or the
// worker drops it.
const strings = z.record(z.string(), z.string());
const targetBase = { serverId: z.string().min(1), label: z.string().optional() };
/** What an npm and a PyPI target have alike. */
const packageFields = {
  package: z.string().min(1),
  version: z.string().optional(),
  args: z.array(z.string()),
  env: strings,
  placeholders: z.array(z.string()),
};

const crawlTargetSchema: z.ZodType<CrawlTarget> = z.discriminatedUnion('kind', [
  z.object({
    ...targetBase,
    kind: z.literal('stdio'),
    command: z.string().min(1),
    args: z.array(z.string()),
    env: strings,
    cwd: z.string().optional(),
    bundled: z.boolean().optional(),
  }),
  z.object({
    ...targetBase,
    ...packageFields,
    kind: z.literal('npm'),
    bundled: z.boolean().optional(),
    http: z.object({ transport: z.enum(['streamable-http', 'sse']), port: z.number().int(), path: z.string() }).optional(),
  }),
  z.object({ ...targetBase, ...packageFields, kind: z.literal('pypi') }),
  z.object({ ...targetBase, kind: z.literal('remote'), url: z.string().min(1), transport: z.enum(REMOTE_TRANSPORTS), headers: strings }),
  z.object({
    ...targetBase,
    kind: z.literal('unrunnable'),
    label: z.string(),
    outcome: z.enum(['unsupported_runtime', 'needs_config', 'refused_by_policy']),
    reason: z.string(),
  }),
]);

const limitsSchema: z.ZodType<Partial<CrawlLimits>> = z
  .object({
    requestTimeoutMs: z.number(),
    deadlineMs: z.number(),
    maxPages: z.number(),
    maxTools: z.number(),
    maxListingBytes: z.number(),
    maxDescriptionLength: z.number(),
    maxMessageBytes: z.number(),
    maxStderrBytes: z.number(),
  })
  .partial();

export const crawlJobSchema: z.ZodType<CrawlJob, z.ZodTypeDef, unknown> = z.object({
  runId: z.number().int().positive(),
  serverId: z.string().min(1),
  targets: z.array(crawlTargetSchema).min(1),
  settings: z
    .object({
      limits: limitsSchema.optional(),
      network: z
        .object({
          allowPrivateNetwork: z.boolean().optional(),
          allowHosts: z.array(z.string()).optional(),
          denyHosts: z.array(z.string()).optional(),
        })
        .optional(),
    })
    .default({}),
});

export function parseCrawlJob(data: unknown): CrawlJob {
  const parsed = crawlJobSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`A crawl job holds data this worker does not understand: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

/** What pg-boss keeps as the output of a job that failed: the error thrown, or `{ value }` around it. */
const failureOutputSchema = z
  .object({ message: z.string().optional(), value: z.object({ message: z.string().optional() }).passthrough().optional() })
  .passthrough();

/** Why a job failed for good, as far as its stored output says. */
export function failureReason(output: unknown): string {
  const parsed = failureOutputSchema.safeParse(output);
  if (!parsed.success) return 'no reason recorded';
  return parsed.data.message ?? parsed.data.value?.message ?? 'no reason recorded';
}
