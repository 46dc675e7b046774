import { HIDDEN_SECTION, INVISIBLE_CHARACTERS, POISONING_RULES } from './rules/poisoning.ts';
import { TriggerIndex } from './triggers.ts';
import type { Evidence } from './types.ts';

const TRIGGERS = new TriggerIndex(POISONING_RULES);

/**
 * Adds evidence that a tool's text is written to manipulate the model rather than describe the tool.
 * `descriptionCandidates` are the POISONING_RULES (bit i for rule i) whose triggers the description has:
 * the classifier scans a description once for all its rules; without them the description is scanned here.
 */
export function findPoisoning(
  name: string,
  title: string,
  description: string,
  evidence: Evidence[],
  descriptionCandidates = TRIGGERS.candidates(TRIGGERS.scan(description)),
): void {
  findInvisible(name, 'name', evidence);
  findInvisible(title, 'title', evidence);
  findInvisible(description, 'description', evidence);
  if (title) findInstructions(title, TRIGGERS.candidates(TRIGGERS.scan(title)), 'title', evidence);
  findInstructions(description, descriptionCandidates, 'description', evidence);
  if (description.length > HIDDEN_SECTION.maxLength) {
    evidence.push(hit('very-long-description', 'description', `${description.length} characters`));
  } else {
    const gap = blankRun(description);
    if (gap) evidence.push(hit('hidden-section', 'description', gap));
  }
}

/** Describes the first run of blank space long enough to push text out of a reader's view, if any. */
function blankRun(text: string): string | undefined {
  let spaces = 0;
  let lines = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 32 || code === 9) {
      if (++spaces >= HIDDEN_SECTION.spaces) return `${HIDDEN_SECTION.spaces} spaces in a row`;
    } else if (code === 10) {
      spaces = 0;
      if (++lines >= HIDDEN_SECTION.blankLines) return `${HIDDEN_SECTION.blankLines} blank lines in a row`;
    } else if (code !== 13) {
      spaces = 0;
      lines = 0;
    }
  }
  return undefined;
}

function findInvisible(text: string, field: Evidence['field'], evidence: Evidence[]): void {
  const invisible = text ? INVISIBLE_CHARACTERS.exec(text) : null;
  if (invisible) evidence.push(hit('invisible-characters', field, `U+${invisible[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`));
}

function findInstructions(text: string, candidates: number, field: Evidence['field'], evidence: Evidence[]): void {
  if (candidates === 0) return;
  for (let i = 0; i < POISONING_RULES.length; i++) {
    if ((candidates & (1 << i)) === 0) continue;
    const match = POISONING_RULES[i].pattern.exec(text);
    if (match) evidence.push(hit(POISONING_RULES[i].id, field, match[0]));
  }
}

function hit(id: string, field: Evidence['field'], match: string): Evidence {
  return { rule: `poisoning:${id}`, field, match: match.length > 120 ? `${match.slice(0, 119)}…` : match, points: 'poisoning_suspect', weight: 1 };
}
