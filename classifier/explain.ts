import type { AnnotationConflict, Category, Evidence, Flag, Severity } from './types.ts';

const MEANING: Record<Category, string> = {
  read: 'it retrieves or computes without a lasting side effect',
  write: 'it creates or changes state in a way that can be undone',
  execute: 'it runs code, commands, queries or deployments whose effect depends on its arguments',
  destructive: 'it deletes, overwrites, revokes or terminates something that is hard to restore',
  financial: 'it moves money or commits to a purchase',
  unknown: 'there is too little evidence to say what it does',
};

/** One or two plain sentences: the category with its strongest reason, then severity, flags and conflicts. */
export function explain(
  category: Category,
  severity: Severity,
  flags: readonly Flag[],
  raisedBy: readonly Flag[],
  evidence: readonly Evidence[],
  conflicts: readonly AnnotationConflict[],
  needsReview: boolean,
): string {
  let strongest: Evidence | undefined;
  for (const e of evidence) if (e.points === category && (!strongest || e.weight > strongest.weight)) strongest = e;
  const reason = strongest ? `${describe(strongest)}: ${MEANING[category]}` : MEANING[category];
  const notes: string[] = [`Severity ${severity}`];
  if (raisedBy.length > 0) notes[0] += ` (raised by ${raisedBy.join(', ').replaceAll('_', ' ')})`;
  if (flags.includes('poisoning_suspect')) notes.push('its text looks written to manipulate the model');
  if (conflicts.length > 0) notes.push(`the server's annotations disagree: ${joinMessages(conflicts)}`);
  if (needsReview) notes.push('the evidence is weak: needs review');
  return `${capitalise(category)}: ${reason}. ${notes.join('; ')}.`;
}

function joinMessages(conflicts: readonly AnnotationConflict[]): string {
  let text = conflicts[0].message;
  for (let i = 1; i < conflicts.length; i++) text += `; ${conflicts[i].message}`;
  return text;
}

function describe(e: Evidence): string {
  const text = quote(e.match);
  switch (e.field) {
    case 'name':
      return `the name's ${e.rule.includes('object') ? 'action and object' : 'action'} ${text}`;
    case 'title':
      return `the title's action ${text}`;
    case 'description':
      return `the description says ${text}`;
    case 'inputSchema':
      return `the input ${text}`;
    case 'annotations':
      return `the server declares ${text}`;
  }
}

function quote(text: string): string {
  const short = text.length > 60 ? `${text.slice(0, 59)}…` : text;
  return `“${short.replace(/\s+/g, ' ')}”`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
