import type { PolicyDecision } from './decision.ts';

/** One server's part of a policy: its name, a decision per tool (ordered by name) and the tools to hide. */
export interface ServerDecisions {
  /** The server's name in the user's client configuration, or a name derived from its catalogue id. */
  name: string;
  decisions: ReadonlyArray<readonly [string, PolicyDecision]>;
  hidden: readonly string[];
}

/** What a format needs to write servers' decisions, and which tool names it cannot write safely. */
export interface FormatWriter {
  /** Why this format cannot carry a tool of this name (it is then left out, so the format's default applies), or null. */
  unsafeToolName(name: string): string | null;
  /** `combined` is true for a policy built from a user's configuration (several servers, named by the user). */
  render(servers: readonly ServerDecisions[], combined: boolean): string;
}

/** The servers with the tools a format cannot write safely left out. */
export function withoutUnsafe(servers: readonly ServerDecisions[], unsafe: (name: string) => string | null): ServerDecisions[] {
  return servers.map((s) => ({
    ...s,
    decisions: s.decisions.filter(([name]) => unsafe(name) === null),
    hidden: s.hidden.filter((name) => unsafe(name) === null),
  }));
}
