import { z } from 'zod';
import { UsageError } from './errors.ts';

/**
 * Commander declares the options (names, help, examples) and hands over strings; these zod schemas turn
 * them into typed values, each failure a message that names the flag. A group of flags is one schema
 * (crawl limits, sources, queue, timing, site); a command's config is the groups it takes, parsed once.
 */

/** Parses a command's flags with a group's schema; the first problem becomes a UsageError naming its flag. */
export function parseFlags<S extends z.ZodTypeAny>(schema: S, flags: unknown): z.output<S> {
  const parsed = schema.safeParse(flags);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new UsageError(issue.code === 'custom' ? issue.message : `--${String(issue.path[0] ?? '')}: ${issue.message}`);
}

/** An optional string flag checked and converted by `convert`, which returns a message when the value is wrong. */
function flag<T>(convert: (value: string) => T | { problem: string }) {
  return z
    .string()
    .optional()
    .transform((value, ctx): T | undefined => {
      if (value === undefined) return undefined;
      const converted = convert(value);
      if (converted !== null && typeof converted === 'object' && 'problem' in converted) {
        ctx.addIssue({ code: 'custom', message: converted.problem });
        return z.NEVER;
      }
      return converted as T;
    });
}

/** A whole number of at least 1. */
export function count(name: string) {
  return flag((value) => {
    const n = Number(value);
    return Number.isSafeInteger(n) && n >= 1 ? n : { problem: `${name} must be a whole number of at least 1, got ${JSON.stringify(value)}` };
  });
}

/** A whole number from `min` to `max`. */
export function wholeNumber(name: string, min: number, max: number) {
  return flag((value) => {
    const n = Number(value);
    return Number.isInteger(n) && n >= min && n <= max ? n : { problem: `${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}` };
  });
}

/** Seconds (fractions allowed, at most a day) as milliseconds. */
export function seconds(name: string) {
  return flag((value) => {
    const n = Number(value);
    return Number.isFinite(n) && n > 0 && n <= 86_400
      ? Math.round(n * 1000)
      : { problem: `${name} must be a number of seconds above 0, got ${JSON.stringify(value)}` };
  });
}

const DURATION_UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `0`, `90s`, `30m`, `12h`, `2d` as milliseconds. */
export function duration(name: string) {
  return flag((value) => {
    const match = /^(\d+(?:\.\d+)?)\s*(s|m|h|d)?$/.exec(value.trim());
    if (!match) return { problem: `${name} must be a duration such as 0, 90s, 30m, 12h or 2d, got ${JSON.stringify(value)}` };
    return Math.round(Number(match[1]) * DURATION_UNITS[match[2] ?? 's']);
  });
}

/** A URL whose scheme is one of `protocols`, as its normalised href. */
export function url(name: string, protocols: readonly string[], expected: string) {
  return flag((value) => {
    const parsed = URL.canParse(value) ? new URL(value) : undefined;
    return parsed && protocols.includes(parsed.protocol) ? parsed.href : { problem: `${name} must be ${expected}, got ${JSON.stringify(value)}` };
  });
}

/** An absolute URL of any scheme, kept as given. */
export function absoluteUrl(name: string) {
  return flag((value) => (URL.canParse(value) ? value : { problem: `${name} must be an absolute URL, got ${JSON.stringify(value)}` }));
}

/** A value for `whole number` flags parsed outside a group (`--port`, `--run`). */
export function wholeNumberFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  return parseFlags(wholeNumber(name, min, max), value);
}
