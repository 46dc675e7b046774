/**
 * A one-pass prefilter for the phrase and poisoning rules: each rule names trigger words (as prefixes,
 * so `delet` covers deletes and deleting) or trigger characters, and a rule's regex only runs on texts
 * that contain one (and, when the rule names a second group with `alsoNeeds`, one of those too).
 * Scanning walks the text once through a trie of the triggers without allocating, which keeps
 * classification fast on long descriptions where most rules cannot match.
 */

export interface Triggered {
  /** Word prefixes (letters and digits); the rule is a candidate when a word of the text starts with one. */
  triggers?: readonly string[];
  /** ASCII punctuation characters that make the rule a candidate. */
  triggerChars?: string;
  /** A second group of word prefixes, one of which must also be present. */
  alsoNeeds?: readonly string[];
}

/** The trie edge of each ASCII code: 0–25 letters (case folded), 26–35 digits, -1 not a word character. */
const CLASS = new Int8Array(128).fill(-1);
for (let code = 0; code < 128; code++) {
  if (code >= 97 && code <= 122) CLASS[code] = code - 97;
  else if (code >= 65 && code <= 90) CLASS[code] = code - 65;
  else if (code >= 48 && code <= 57) CLASS[code] = code - 48 + 26;
}
const ALPHABET = 36;
const MAX_GROUPS = 31;

export class TriggerIndex {
  private next: Int32Array;
  private readonly masks: number[] = [0];
  private readonly charMasks = new Int32Array(128);
  /** Per rule, the group bits that must all be present. */
  private readonly needs: number[] = [];
  private nodes = 1;
  private groups = 0;

  constructor(rules: readonly Triggered[]) {
    if (rules.length > 31) throw new Error('TriggerIndex holds at most 31 rules');
    this.next = new Int32Array(ALPHABET * 256);
    for (const rule of rules) {
      const first = this.group();
      for (const word of rule.triggers ?? []) this.addWord(word, first);
      for (const char of rule.triggerChars ?? '') this.addChar(char, first);
      let needs = first;
      if (rule.alsoNeeds) {
        const second = this.group();
        for (const word of rule.alsoNeeds) this.addWord(word, second);
        needs |= second;
      }
      this.needs.push(needs);
    }
  }

  /** A bit mask of trigger groups present in `text` from `start` to `end`; combine masks with `|`, then ask `candidates`. */
  scan(text: string, start = 0, end = text.length): number {
    const next = this.next;
    const masks = this.masks;
    const charMasks = this.charMasks;
    let found = 0;
    let node = 0; // the trie node of the word so far; -1 once the word has left the trie
    let inWord = false;
    for (let i = start; i < end; i++) {
      const code = text.charCodeAt(i);
      const c = code < 128 ? CLASS[code] : -1;
      if (c < 0) {
        inWord = false;
        if (code < 128) found |= charMasks[code];
        continue;
      }
      if (!inWord) {
        inWord = true;
        node = 0;
      }
      if (node < 0) continue;
      node = next[node * ALPHABET + c];
      if (node === 0) node = -1;
      else found |= masks[node];
    }
    return found;
  }

  /** The rules (bit i for rule i) whose trigger groups are all in `scanned`. */
  candidates(scanned: number): number {
    let rules = 0;
    for (let i = 0; i < this.needs.length; i++) if ((scanned & this.needs[i]) === this.needs[i]) rules |= 1 << i;
    return rules;
  }

  private group(): number {
    if (this.groups >= MAX_GROUPS) throw new Error(`TriggerIndex holds at most ${MAX_GROUPS} trigger groups`);
    return 1 << this.groups++;
  }

  private addWord(word: string, bit: number): void {
    let node = 0;
    for (let i = 0; i < word.length; i++) {
      const code = word.charCodeAt(i);
      const c = code < 128 ? CLASS[code] : -1;
      if (c < 0) throw new Error(`trigger ${JSON.stringify(word)} must be letters and digits`);
      let child = this.next[node * ALPHABET + c];
      if (child === 0) {
        child = this.nodes++;
        if (this.nodes * ALPHABET > this.next.length) {
          const grown = new Int32Array(this.next.length * 2);
          grown.set(this.next);
          this.next = grown;
        }
        this.next[node * ALPHABET + c] = child;
        this.masks[child] = 0;
      }
      node = child;
    }
    this.masks[node] |= bit;
  }

  private addChar(char: string, bit: number): void {
    const code = char.charCodeAt(0);
    if (code >= 128 || CLASS[code] >= 0) throw new Error(`trigger character ${JSON.stringify(char)} must be ASCII punctuation`);
    this.charMasks[code] |= bit;
  }
}
