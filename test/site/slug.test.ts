import { describe, expect, it } from 'vitest';
import { slugify, SlugRegistry } from '../../site/render/slug.ts';

const SAFE = /^[a-z0-9_-]{1,80}$/;

describe('slugify', () => {
  it('keeps clean names readable and as they are', () => {
    expect(slugify('create_issue')).toBe('create_issue');
    expect(slugify('list-tables')).toBe('list-tables');
  });

  it('gives every awkward name a safe, distinct segment', () => {
    const names = [
      '../../etc/passwd',
      '..',
      '.',
      '',
      'a/b',
      'a\\b',
      'Fetch_Page',
      'fetch_page',
      'FETCH_PAGE',
      'ünïcødé/ツール..',
      'ツール',
      '日本語',
      '%2e%2e%2f',
      'name with spaces',
      'x'.repeat(300),
      'x'.repeat(301),
      'io.github.owner/repo',
      'io.github.owner.repo',
      '<script>alert(1)</script>',
      'CON',
      'a\u0000b',
      '\u202eevil',
    ];
    const slugs = names.map(slugify);
    for (const slug of slugs) {
      expect(slug).toMatch(SAFE);
      expect(slug).not.toContain('..');
    }
    expect(new Set(slugs).size).toBe(names.length);
  });

  it('never lets a clean name collide with the hashed slug of another name', () => {
    const hashed = slugify('Fetch_Page');
    expect(hashed).toMatch(/^fetch_page-[0-9a-f]{10}$/);
    expect(slugify(hashed)).not.toBe(hashed);
    const bare = slugify('ツール');
    expect(slugify(bare)).not.toBe(bare);
  });

  it('is deterministic', () => {
    expect(slugify('ünïcødé/ツール..')).toBe(slugify('ünïcødé/ツール..'));
  });
});

describe('SlugRegistry', () => {
  it('hands out the same slug for the same name and refuses collisions', () => {
    const registry = new SlugRegistry();
    expect(registry.slug('a/b')).toBe(registry.slug('a/b'));
    const forged = new SlugRegistry();
    (forged as unknown as { owners: Map<string, string> }).owners.set(slugify('x'), 'y');
    expect(() => forged.slug('x')).toThrow(/map to the same URL slug/);
  });
});
