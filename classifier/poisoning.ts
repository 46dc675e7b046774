import { HIDDEN_SECTION, INVISIBLE_CHARACTERS, POISONING_RULES } from './rules/poisoning.ts';
import type { Evidence } from './types.ts';

/** Evidence that a tool's text is written to manipulate the model rather than describe the tool. */
export function findPoisoning(name: string, title: string, description: string): Evidence[] {
  const found: Evidence[] = [];
  for (const [field, text] of [['name', name], ['title', title], ['description', description]] as const) {
    if (!text) continue;
    const invisible = INVISIBLE_CHARACTERS.exec(text);
    if (invisible) found.push(hit('invisible-characters', field, `U+${invisible[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`));
  }
  for (const text of [title, description]) {
    if (!text) continue;
    for (const rule of POISONING_RULES) {
      const match = rule.pattern.exec(text);
      if (match) found.push(hit(rule.id, text === title ? 'title' : 'description', match[0]));
    }
  }
  if (description.length > HIDDEN_SECTION.maxLength) found.push(hit('very-long-description', 'description', `${description.length} characters`));
  else {
    const gap = HIDDEN_SECTION.whitespaceRun.exec(description);
    if (gap) found.push(hit('hidden-section', 'description', `${gap[0].length} characters of blank space`));
  }
  return found;
}

function hit(id: string, field: Evidence['field'], match: string): Evidence {
  return { rule: `poisoning:${id}`, field, match: match.length > 120 ? `${match.slice(0, 119)}…` : match, points: 'poisoning_suspect', weight: 1 };
}
