import { describe, expect, it } from 'vitest';
import { buildTime } from '../../cli/commands/build.ts';
import { UsageError } from '../../cli/errors.ts';

describe('the build time', () => {
  it('is SOURCE_DATE_EPOCH when set, now otherwise', () => {
    expect(buildTime('1764676800').toISOString()).toBe('2025-12-02T12:00:00.000Z');
    const before = Date.now();
    expect(buildTime(undefined).getTime()).toBeGreaterThanOrEqual(before);
    expect(buildTime('').getTime()).toBeGreaterThanOrEqual(before);
  });

  it('refuses a SOURCE_DATE_EPOCH that is not whole seconds', () => {
    for (const bad of ['soon', '-1', '1.5', '1e9']) expect(() => buildTime(bad)).toThrow(UsageError);
  });
});
