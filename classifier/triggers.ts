/**
 * A one-pass prefilter for the phrase and poisoning rules: each rule names trigger words (as prefixes,
 * so `delet` covers deletes and deleting) or trigger characters, and a rule's regex only runs on texts
 * that contain one. Scanning walks the text once through a trie of the triggers without allocating,
 * which keeps classification fast on long descriptions where most rules cannot match.
 */

/** Characters of a word: a–z (either case) and 0–9. */
const ALPHABET = 36;

/** The trie edge of each ASCII code: 0–25 letters (case folded), 26–35 digits, -1 not a word character. */
const CLASS = new Int8Array(128).fill(-1);
for (let code = 0; code < 128; code++) {
  if (code >= 97 && code <= 122) CLASS[code] = code - 97;
  else if (code >= 65 && code <= 90) CLASS[code] = code - 65;
  else if (code >= 48 && code <= 57) CLASS[code] = code - 48 + 26;
}

function classOf(code: number): number {
  return code < 128 ? CLASS[code] : -1;
}

export class TriggerIndex {
  private next: Int32Array;
  private masks: number[] = [0];
  /** Trigger characters, by ASCII code. */
  private readonly charMasks = new Int32Array(128);
  private nodes = 1;

  /** `rules[i]` gives rule i's trigger word prefixes and trigger characters; at most 31 rules. */
  constructor(rules: ReadonlyArray<{ triggers?: readonly string[]; triggerChars?: string }>) {
    if (rules.length > 31) throw new Error('TriggerIndex holds at most 31 rules');
    this.next = new Int32Array(ALPHABET * 256);
    rules.forEach((rule, id) => {
      for (const word of rule.triggers ?? []) this.add(word, id);
      for (const char of rule.triggerChars ?? '') {
        const code = char.charCodeAt(0);
        if (code >= 128 || classOf(code) >= 0) throw new Error(`trigger character ${JSON.stringify(char)} must be ASCII punctuation`);
        this.charMasks[code] |= 1 << id;
      }
    });
  }

  private add(word: string, id: number): void {
    let node = 0;
    for (let i = 0; i < word.length; i++) {
      const c = classOf(word.charCodeAt(i));
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
    this.masks[node] |= 1 << id;
  }

  /** A bit mask of the rules with a trigger in `text` (from `start` to `end`). */
  scan(text: string, start = 0, end = text.length): number {
    const next = this.next;
    const masks = this.masks;
    const charMasks = this.charMasks;
    let found = 0;
    let node = 0; // 0: at a word start; -1: inside a word that left the trie
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
}
