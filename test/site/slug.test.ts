import { describe, expect, it } from 'vitest';
import { assignSlugs, readableSlug, slugify } from '../../site/render/slug.ts';

const SAFE = /^[a-z0-9_-]{1,80}$/;

/** Two names with the same readable part ("tool") whose SHA-256 share their first ten hex digits (4760fa809f). */
const HASH10_COLLISION = ['tool||=^#', 'tool^{*&%'];

describe('assignSlugs', () => {
  const AWKWARD = [
    '../../etc/passwd',
    '..',
    '.',
    '',
    'a/b',
    'a\\b',
    'a-b',
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
    'x',
    'tool-4760fa809f',
    ...HASH10_COLLISION,
  ];

  it('gives every name of a scope a safe, distinct segment', () => {
    const slugs = assignSlugs(AWKWARD);
    expect(slugs.size).toBe(AWKWARD.length);
    for (const slug of slugs.values()) {
      expect(slug).toMatch(SAFE);
      expect(slug).not.toContain('..');
    }
    expect(new Set(slugs.values()).size).toBe(AWKWARD.length);
  });

  it('keeps names readable and adds a hash only where two names would collide', () => {
    const slugs = assignSlugs(['github/github-mcp-server', 'create_issue', 'Fetch_Page', 'fetch_page', 'a/b', 'a.b']);
    expect(slugs.get('github/github-mcp-server')).toBe('github-github-mcp-server');
    expect(slugs.get('create_issue')).toBe('create_issue');
    expect(slugs.get('fetch_page')).toBe('fetch_page');
    expect(slugs.get('Fetch_Page')).toMatch(/^fetch_page-[0-9a-f]{10}$/);
    expect(slugs.get('a/b')).toMatch(/^a-b-[0-9a-f]{10}$/);
    expect(slugs.get('a.b')).toMatch(/^a-b-[0-9a-f]{10}$/);
  });

  it('resolves names whose ten-digit hashes collide with longer hashes, whatever their order', () => {
    expect(readableSlug(HASH10_COLLISION[0])).toBe(readableSlug(HASH10_COLLISION[1]));
    const forward = assignSlugs(HASH10_COLLISION);
    const backward = assignSlugs([...HASH10_COLLISION].reverse());
    expect(forward).toEqual(backward);
    const [a, b] = HASH10_COLLISION.map((n) => forward.get(n)!);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^tool-4760fa809f[0-9a-f]{6}$/);
    expect(b).toMatch(/^tool-4760fa809f[0-9a-f]{6}$/);
  });

  it('never hands a hashed slug that another name holds bare', () => {
    // "tool-4760fa809f" is a clean name equal to what the colliding names would get with ten digits.
    const slugs = assignSlugs(['tool||=^#', 'tool', 'tool-4760fa809f']);
    expect(slugs.get('tool-4760fa809f')).toBe('tool-4760fa809f');
    expect(slugs.get('tool')).toBe('tool');
    expect(slugs.get('tool||=^#')).toMatch(/^tool-4760fa809f[0-9a-f]{6}$/);
  });

  it('hashes every name whose readable part is reserved, even a lone one', () => {
    // A tool page is <tool>.html beside its server's index.html: a tool named "index" must not take that name.
    const slugs = assignSlugs(['index', 'INDEX', 'indexer'], new Set(['index']));
    expect(slugs.get('index')).toMatch(/^index-[0-9a-f]{10}$/);
    expect(slugs.get('INDEX')).toMatch(/^index-[0-9a-f]{10}$/);
    expect(slugs.get('index')).not.toBe(slugs.get('INDEX'));
    expect(slugs.get('indexer')).toBe('indexer');
    expect(assignSlugs(['Index'], new Set(['index'])).get('Index')).toMatch(/^index-[0-9a-f]{10}$/);
    expect(assignSlugs(['index']).get('index')).toBe('index');
  });

  it('is the same for the same set of names in any order', () => {
    const expected = assignSlugs(AWKWARD);
    let seed = 7;
    for (let round = 0; round < 5; round++) {
      const shuffled = [...AWKWARD];
      for (let i = shuffled.length - 1; i > 0; i--) {
        seed = (seed * 48271) % 2147483647;
        const j = seed % (i + 1);
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      expect(assignSlugs(shuffled)).toEqual(expected);
    }
  });
});

describe('slugify (a name alone in its scope)', () => {
  it('is the readable part, or a hash when nothing readable is left', () => {
    expect(slugify('create_issue')).toBe('create_issue');
    expect(slugify('github/github-mcp-server')).toBe('github-github-mcp-server');
    expect(slugify('ツール')).toMatch(/^x-[0-9a-f]{10}$/);
    expect(slugify('..')).toMatch(/^x-[0-9a-f]{10}$/);
  });
});
