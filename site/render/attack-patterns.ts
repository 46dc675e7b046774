import type { Category, Flag } from '../../classifier/types.ts';

export interface AttackPattern {
  title: string;
  text: string;
}

/** Known ways an attacker turns a tool of this kind against its user: shown on each tool page. */
const BY_CATEGORY: Partial<Record<Category, AttackPattern[]>> = {
  write: [
    {
      title: 'Injected writes',
      text: 'Text the agent reads elsewhere (a web page, an issue, an email) tells it to create or change records on the attacker’s behalf. Rate limits bound the damage; approval stops it.',
    },
  ],
  execute: [
    {
      title: 'Prompt injection to code execution',
      text: 'Any instruction that reaches the model can become a command, query or workflow run with the agent’s privileges. Treat every argument as attacker-controlled.',
    },
  ],
  destructive: [
    {
      title: 'Injected deletion',
      text: 'A single injected instruction can delete or overwrite data that cannot be restored. Deny by default and require a human to approve each call.',
    },
  ],
  financial: [
    {
      title: 'Unauthorised payments',
      text: 'An injected instruction can move money, issue refunds or place orders. Deny by default; approve each call out of band.',
    },
  ],
  unknown: [
    {
      title: 'Opaque tool',
      text: 'The definition says too little to judge what the tool does. Read its source before allowing it, and rate-limit it meanwhile.',
    },
  ],
};

const BY_FLAG: Partial<Record<Flag, AttackPattern>> = {
  private_data: {
    title: 'Data exfiltration',
    text: 'The tool returns private data. Combined with any tool that can send data out, an injected instruction can leak it.',
  },
  untrusted_content: {
    title: 'Indirect prompt injection',
    text: 'The tool returns content a third party can shape. Instructions hidden in it reach the model as if the user wrote them.',
  },
  external_comm: {
    title: 'Exfiltration channel',
    text: 'The tool sends data to other people or the public; an injected instruction can use it to ship secrets out.',
  },
  credential_admin: {
    title: 'Privilege escalation and persistence',
    text: 'The tool manages keys, tokens, users or permissions; an attacker can use it to grant themselves lasting access.',
  },
  bulk: {
    title: 'Blast radius',
    text: 'The tool acts on many items at once, so one bad call does many calls’ worth of harm.',
  },
  freeform_input: {
    title: 'Argument injection',
    text: 'An argument takes code, SQL, a shell command, a URL or a path: classic injection and server-side request forgery targets.',
  },
  poisoning_suspect: {
    title: 'Tool poisoning',
    text: 'The description itself holds instructions aimed at the model (hidden text, requests for credentials or other tools’ data). Do not load this tool until you have read its definition.',
  },
};

export function attackPatterns(category: Category, flags: readonly Flag[]): AttackPattern[] {
  return [...(BY_CATEGORY[category] ?? []), ...flags.flatMap((flag) => (BY_FLAG[flag] ? [BY_FLAG[flag]] : []))];
}
