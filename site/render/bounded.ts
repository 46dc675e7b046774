import type { CatalogueServer } from '../../db/index.ts';

/** How deep and how large a stored JSON value (an input schema, annotations) may be for the site to show it. */
export const JSON_LIMITS = { maxDepth: 32, maxNodes: 20_000 } as const;

export const CUT_MARKER = '… (cut: nested too deep or too large to show)';

/**
 * A copy of a JSON value cut at `maxDepth` levels and `maxNodes` values, made without recursion, so a schema
 * nested thousands of levels deep can neither overflow the stack here nor later (structured clone to a render
 * worker, JSON.stringify with indentation). Cut branches become the string CUT_MARKER.
 */
export function boundJson(value: unknown, limits: { maxDepth: number; maxNodes: number } = JSON_LIMITS): { value: unknown; cut: boolean } {
  if (value === null || typeof value !== 'object') return { value, cut: false };
  let nodes = 0;
  let cut = false;
  const root: unknown = Array.isArray(value) ? [] : {};
  const stack: Array<{ from: object; to: Record<string, unknown> | unknown[]; depth: number }> = [
    { from: value, to: root as Record<string, unknown>, depth: 1 },
  ];
  while (stack.length > 0) {
    const { from, to, depth } = stack.pop()!;
    for (const [key, child] of Object.entries(from)) {
      let copy: unknown = child;
      if (++nodes > limits.maxNodes) {
        cut = true;
        break;
      }
      if (child !== null && typeof child === 'object') {
        if (depth >= limits.maxDepth) {
          copy = CUT_MARKER;
          cut = true;
        } else {
          copy = Array.isArray(child) ? [] : {};
          stack.push({ from: child, to: copy as Record<string, unknown>, depth: depth + 1 });
        }
      }
      if (Array.isArray(to)) to.push(copy);
      else Object.defineProperty(to, key, { value: copy, enumerable: true, writable: true, configurable: true });
    }
  }
  return { value: root, cut };
}

/**
 * A catalogue entry safe to send to a render worker: every tool's input schema and annotations bounded.
 * Returns the names of the tools whose JSON was cut, for the build's warnings.
 */
export function boundEntry(entry: CatalogueServer): { entry: CatalogueServer; cutTools: string[] } {
  const cutTools: string[] = [];
  const tools = entry.tools.map((tool) => {
    const schema = boundJson(tool.definition.inputSchema);
    const annotations = boundJson(tool.definition.annotations);
    if (!schema.cut && !annotations.cut) return tool;
    cutTools.push(tool.name);
    return {
      ...tool,
      definition: {
        ...tool.definition,
        inputSchema: schema.value as typeof tool.definition.inputSchema,
        annotations: annotations.value as typeof tool.definition.annotations,
      },
    };
  });
  return { entry: cutTools.length > 0 ? { ...entry, tools } : entry, cutTools };
}
