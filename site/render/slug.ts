import { createHash } from 'node:crypto';

const MAX_READABLE = 60;
const CLEAN = /^[a-z0-9]+(?:[-_][a-z0-9]+)*$/;
/** What a hashed slug ends with; a clean name that looks like one gets hashed too, so the two kinds never meet. */
const HASH_SUFFIX = /[-_][0-9a-f]{10}$/;

/**
 * A URL path segment for a server or tool name: lowercase ASCII letters, digits, `-` and `_` only, at most
 * about 71 characters. Names that are already such a segment keep it as is; every other name gets a
 * readable part plus ten hex digits of the name's SHA-256, so names that differ only in case, in punctuation
 * or in non-ASCII characters still get different slugs, and `..`, `/` or `%` can never reach a path.
 */
export function slugify(name: string): string {
  if (name.length <= MAX_READABLE && CLEAN.test(name) && !HASH_SUFFIX.test(name)) return name;
  const readable = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .slice(0, MAX_READABLE)
    .replace(/^[-_]+|[-_]+$/g, '');
  const hash = createHash('sha256').update(name, 'utf8').digest('hex').slice(0, 10);
  return `${readable || 'x'}-${hash}`;
}

/** Hands out slugs and fails loudly if two different names ever map to the same one. */
export class SlugRegistry {
  private readonly owners = new Map<string, string>();

  slug(name: string): string {
    const slug = slugify(name);
    const owner = this.owners.get(slug);
    if (owner !== undefined && owner !== name) {
      throw new Error(`The names ${JSON.stringify(owner)} and ${JSON.stringify(name)} map to the same URL slug ${slug}.`);
    }
    this.owners.set(slug, name);
    return slug;
  }
}
