import type { CatalogueServer } from '../../db/index.ts';

/** How deep and how large a stored JSON value (an input schema, annotations) may be for the site to show it. */
export const JSON_LIMITS = { maxDepth: 32, maxNodes: 20_000 } as const;

type JsonLimits = { maxDepth: number; maxNodes: number };

export const CUT_MARKER = '… (cut: nested too deep or too large to show)';

/**
 * A JSON value cut at `maxDepth` levels and `maxNodes` values, so a schema nested thousands of levels deep can
 * neither overflow the stack here nor later (structured clone to a render worker, JSON.stringify with indentation):
 * the value itself when it is within both (nearly every one; measured first, nothing copied), else a copy made
 * without recursion in which cut branches are the string CUT_MARKER.
 */
export function boundJson(value: unknown, limits: JsonLimits = JSON_LIMITS): { value: unknown; cut: boolean } {
  if (withinLimits(value, limits)) return { value, cut: false };
  return { value: cutCopy(value as object, limits), cut: true };
}

/** Whether a JSON value is within the limits, found without recursion and without copying it. */
function withinLimits(value: unknown, limits: JsonLimits): boolean {
  if (value === null || typeof value !== 'object') return true;
  let nodes = 0;
  const stack: Array<[object, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [from, depth] = stack.pop()!;
    for (const child of Object.values(from)) {
      if (++nodes > limits.maxNodes) return false;
      if (child !== null && typeof child === 'object') {
        if (depth >= limits.maxDepth) return false;
        stack.push([child, depth + 1]);
      }
    }
  }
  return true;
}

/** A copy of a JSON object cut where it goes past the limits (boundJson). */
function cutCopy(value: object, limits: JsonLimits): unknown {
  let nodes = 0;
  const root: unknown = Array.isArray(value) ? [] : {};
  const stack: Array<{ from: object; to: Record<string, unknown> | unknown[]; depth: number }> = [
    { from: value, to: root as Record<string, unknown>, depth: 1 },
  ];
  while (stack.length > 0) {
    const { from, to, depth } = stack.pop()!;
    for (const [key, child] of Object.entries(from)) {
      let copy: unknown = child;
      if (++nodes > limits.maxNodes) break;
      if (child !== null && typeof child === 'object') {
        if (depth >= limits.maxDepth) copy = CUT_MARKER;
        else {
          copy = Array.isArray(child) ? [] : {};
          stack.push({ from: child, to: copy as Record<string, unknown>, depth: depth + 1 });
        }
      }
      if (Array.isArray(to)) to.push(copy);
      else Object.defineProperty(to, key, { value: copy, enumerable: true, writable: true, configurable: true });
    }
  }
  return root;
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
