/**
 * A signal for one request that aborts when any parent aborts, and lets go of the parents once the
 * request is over. Node's fetch and the MCP SDK's `request` each add an 'abort' listener to the signal
 * they are given and never remove it (fetch only once the request is garbage-collected): one per page
 * on a long-lived signal, which piles up over a long paginated listing. Handing them a fresh signal per
 * request and unhooking it afterwards keeps the parents' listener count flat.
 */
export function linkedSignal(...parents: ReadonlyArray<AbortSignal | undefined>): { signal: AbortSignal; unlink(): void } {
  const controller = new AbortController();
  const present = parents.filter((p): p is AbortSignal => p !== undefined);
  const aborted = present.find((p) => p.aborted);
  if (aborted) {
    controller.abort(aborted.reason);
    return { signal: controller.signal, unlink: () => {} };
  }
  const hooks = present.map((parent) => {
    const onAbort = () => controller.abort(parent.reason);
    parent.addEventListener('abort', onAbort, { once: true });
    return () => parent.removeEventListener('abort', onAbort);
  });
  let linked = true;
  return {
    signal: controller.signal,
    unlink() {
      if (!linked) return;
      linked = false;
      for (const unhook of hooks) unhook();
    },
  };
}

/** Runs `work` with a signal linked to `parent` for its duration only (see linkedSignal). */
export async function withLinkedSignal<T>(parent: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { signal, unlink } = linkedSignal(parent);
  try {
    return await work(signal);
  } finally {
    unlink();
  }
}
