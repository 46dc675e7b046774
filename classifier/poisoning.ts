import { hasNonAscii, mixesScripts } from './confusables.ts';
import { HIDDEN_SECTION, INVISIBLE_RANGES, POISONING_RULES } from './rules/poisoning.ts';
import { TriggerIndex } from './triggers.ts';
import type { Evidence } from './types.ts';

/** The scan options that make a TriggerIndex report what findPoisoning needs besides its rules' triggers. */
export const POISONING_SCAN = { invisible: INVISIBLE_RANGES, blank: { spaces: HIDDEN_SECTION.spaces, lines: HIDDEN_SECTION.blankLines } };

const TRIGGERS = new TriggerIndex(POISONING_RULES, POISONING_SCAN);

/** What a scan of a description found, for findPoisoning. */
export interface DescriptionScan {
  /** POISONING_RULES whose triggers the description has (bit i for rule i). */
  candidates: number;
  invisibleAt: number;
  blank: string;
}

/**
 * Adds evidence that a tool's text is written to manipulate the model rather than describe the tool.
 * The classifier scans a description once for all its rules and passes what it found; without that
 * the description is scanned here.
 */
export function findPoisoning(name: string, title: string, description: string, evidence: Evidence[], scanned: DescriptionScan = scan(description)): void {
  // A name is only checked for hidden characters, and an ASCII name has none: no scan.
  if (name && hasNonAscii(name)) fromScan(name, 'name', scan(name), evidence);
  if (title) fromScan(title, 'title', scan(title), evidence);
  for (const [text, field] of [
    [name, 'name'],
    [title, 'title'],
  ] as const) {
    const mixed = mixesScripts(text);
    if (mixed) evidence.push(hit('mixed-script', field, mixed));
  }
  fromScan(description, 'description', scanned, evidence);
  if (description.length > HIDDEN_SECTION.maxLength) evidence.push(hit('very-long-description', 'description', `${description.length} characters`));
  else if (scanned.blank) evidence.push(hit('hidden-section', 'description', scanned.blank));
}

function scan(text: string): DescriptionScan {
  TRIGGERS.scan(text);
  return { candidates: TRIGGERS.candidates(TRIGGERS.first | TRIGGERS.rest, TRIGGERS.near), invisibleAt: TRIGGERS.invisibleAt, blank: TRIGGERS.blank };
}

function fromScan(text: string, field: Evidence['field'], scanned: DescriptionScan, evidence: Evidence[]): void {
  if (scanned.invisibleAt >= 0) {
    const point = text.codePointAt(scanned.invisibleAt)!;
    evidence.push(hit('invisible-characters', field, `U+${point.toString(16).toUpperCase().padStart(4, '0')}`));
  }
  if (field === 'name') return; // instructions need a sentence; a name is checked for hidden characters only
  for (let i = 0; i < POISONING_RULES.length; i++) {
    if ((scanned.candidates & (1 << i)) === 0) continue;
    const match = POISONING_RULES[i].pattern.exec(text);
    if (match) evidence.push(hit(POISONING_RULES[i].id, field, match[0]));
  }
}

function hit(id: string, field: Evidence['field'], match: string): Evidence {
  return { rule: `poisoning:${id}`, field, match: match.length > 120 ? `${match.slice(0, 119)}…` : match, points: 'poisoning_suspect', weight: 1 };
}
