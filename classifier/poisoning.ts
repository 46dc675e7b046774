import { HIDDEN_SECTION, INVISIBLE_CHARACTERS, POISONING_RULES } from './rules/poisoning.ts';
import { TriggerIndex } from './triggers.ts';
import type { Evidence } from './types.ts';

const TRIGGERS = new TriggerIndex(POISONING_RULES);

/**
 * Adds evidence that a tool's text is written to manipulate the model rather than describe the tool.
 * `descriptionTriggers` is the description's scan by an index over POISONING_RULES (the classifier
 * scans the description once for all its rules); without it the description is scanned here.
 */
export function findPoisoning(name: string, title: string, description: string, evidence: Evidence[], descriptionTriggers = TRIGGERS.scan(description)): void {
  findInvisible(name, 'name', evidence);
  findInvisible(title, 'title', evidence);
  findInvisible(description, 'description', evidence);
  if (title) findInstructions(title, TRIGGERS.scan(title), 'title', evidence);
  findInstructions(description, descriptionTriggers, 'description', evidence);
  if (description.length > HIDDEN_SECTION.maxLength) {
    evidence.push(hit('very-long-description', 'description', `${description.length} characters`));
  } else {
    const gap = HIDDEN_SECTION.whitespaceRun.exec(description);
    if (gap) evidence.push(hit('hidden-section', 'description', `${gap[0].length} characters of blank space`));
  }
}

function findInvisible(text: string, field: Evidence['field'], evidence: Evidence[]): void {
  const invisible = text ? INVISIBLE_CHARACTERS.exec(text) : null;
  if (invisible) evidence.push(hit('invisible-characters', field, `U+${invisible[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`));
}

function findInstructions(text: string, triggered: number, field: Evidence['field'], evidence: Evidence[]): void {
  if (triggered === 0) return;
  for (let i = 0; i < POISONING_RULES.length; i++) {
    if ((triggered & (1 << i)) === 0) continue;
    const match = POISONING_RULES[i].pattern.exec(text);
    if (match) evidence.push(hit(POISONING_RULES[i].id, field, match[0]));
  }
}

function hit(id: string, field: Evidence['field'], match: string): Evidence {
  return { rule: `poisoning:${id}`, field, match: match.length > 120 ? `${match.slice(0, 119)}…` : match, points: 'poisoning_suspect', weight: 1 };
}
