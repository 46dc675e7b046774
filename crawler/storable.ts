// eslint-disable-next-line no-control-regex
const NUL = /\u0000/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text PostgreSQL can store: no NUL characters (text and jsonb reject them), no lone UTF-16 surrogates. */
export function storableText(text: string): string {
  return text.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * A JSON value with every string and key made storable. Keys are defined, never assigned, so a key named
 * `__proto__` stays an ordinary key (assignment would set the object's prototype and lose it).
 * Recursive: check deep values with schemaShapeProblem first.
 */
export function storable<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [storableText(key), storable(inner)])) as T;
  }
  return value;
}

/** How deep and how large a stored JSON schema (or annotations object) of one tool may be. */
export const SCHEMA_LIMITS = { maxDepth: 64, maxBytes: 256 * 1024 };

/**
 * Why a JSON value is too deep or too large to store, or undefined. Iterative, so a value nested
 * thousands of levels deep is measured without exhausting the stack.
 */
export function schemaShapeProblem(value: unknown, limits = SCHEMA_LIMITS): string | undefined {
  const pending: Array<[unknown, number]> = [[value, 1]];
  let bytes = 0;
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') {
      bytes += typeof current === 'string' ? current.length + 2 : String(current).length;
    } else {
      if (depth > limits.maxDepth) return `it is nested deeper than ${limits.maxDepth} levels`;
      const entries = Array.isArray(current) ? current.map((inner) => ['', inner] as const) : Object.entries(current);
      bytes += 2;
      for (const [key, inner] of entries) {
        bytes += key.length + 4;
        pending.push([inner, depth + 1]);
      }
    }
    if (bytes > limits.maxBytes) return `it is larger than ${limits.maxBytes} bytes`;
  }
  return undefined;
}
