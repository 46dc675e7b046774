/**
 * A one-pass prefilter for the phrase and poisoning rules. Each rule names trigger words (as prefixes, so
 * `delet` covers deletes and deleting) or trigger characters, and its regex only runs on texts that have
 * one; a rule with a second group (`alsoNeeds`) needs a word of each group within a short distance of
 * each other. The same pass notes invisible characters and long runs of blank space. Scanning walks the
 * text once through a trie of the triggers without allocating, which keeps classification fast on long
 * descriptions where most rules cannot match.
 */

export interface Triggered {
  /** Word prefixes (letters and digits); the rule is a candidate when a word of the text starts with one. */
  triggers?: readonly string[];
  /** ASCII punctuation characters that make the rule a candidate. */
  triggerChars?: string;
  /** A second group of word prefixes, one of which must stand within `pairWindow` characters of a trigger. */
  alsoNeeds?: readonly string[];
  /** How close (in characters, start to start) the two groups must be; 160 unless given. */
  pairWindow?: number;
}

/** How close (in characters) the two groups of a paired rule must be, unless the rule says. */
export const PAIR_WINDOW = 160;

export interface ScanOptions {
  /** Code point ranges (inclusive) to report as invisible. */
  invisible?: ReadonlyArray<readonly [number, number]>;
  /** Report a run of this many spaces or tabs, or this many blank lines. */
  blank?: { spaces: number; lines: number };
}

/**
 * The class of each ASCII code: 0–25 letters (case folded) and 26–35 digits are trie edges; the negative
 * classes are the separators the scan tells apart. Carriage returns count as nothing.
 */
const PUNCTUATION = -1;
const SPACE = -2;
const NEWLINE = -3;
const IGNORED = -4;
const NON_ASCII = -5;
const CLASS = new Int8Array(128).fill(PUNCTUATION);
for (let code = 0; code < 128; code++) {
  if (code >= 97 && code <= 122) CLASS[code] = code - 97;
  else if (code >= 65 && code <= 90) CLASS[code] = code - 65;
  else if (code >= 48 && code <= 57) CLASS[code] = code - 48 + 26;
}
CLASS[32] = SPACE;
CLASS[9] = SPACE;
CLASS[10] = NEWLINE;
CLASS[13] = IGNORED;
const ALPHABET = 36;
const MAX_GROUPS = 31;
const FAR = -1_000_000;

export class TriggerIndex {
  /** After `scan`: trigger groups present before the split, and from it on. */
  first = 0;
  rest = 0;
  /** After `scan`: paired rules (bit i for rule i) whose two groups stood near each other. */
  near = 0;
  /** After `scan`: the index of the first invisible character, or -1. */
  invisibleAt = -1;
  /** After `scan`: what long blank run was found, or ''. */
  blank = '';

  private next: Int32Array;
  private readonly masks: number[] = [0];
  private readonly charMasks = new Int32Array(128);
  /** Rule i's first trigger group is bit i; the second groups of paired rules follow the rules. */
  private unpairedRules = 0;
  private pairedRules = 0;
  /** For each group of a paired rule: its partner group, and the rule it belongs to. */
  private readonly partner = new Int8Array(MAX_GROUPS).fill(-1);
  private readonly ruleOf = new Int8Array(MAX_GROUPS).fill(-1);
  private readonly windowOf = new Int32Array(MAX_GROUPS);
  private pairBits = 0;
  private readonly lastAt = new Int32Array(MAX_GROUPS);
  private readonly invisible: ReadonlyArray<readonly [number, number]>;
  private readonly blankSpaces: number;
  private readonly blankLines: number;
  private nodes = 1;
  private groups = 0;

  constructor(rules: readonly Triggered[], options: ScanOptions = {}) {
    if (rules.length > MAX_GROUPS) throw new Error(`TriggerIndex holds at most ${MAX_GROUPS} rules`);
    this.next = new Int32Array(ALPHABET * 256);
    this.invisible = options.invisible ?? [];
    this.blankSpaces = options.blank?.spaces ?? Infinity;
    this.blankLines = options.blank?.lines ?? Infinity;
    this.groups = rules.length;
    rules.forEach((rule, i) => {
      const first = 1 << i;
      for (const word of rule.triggers ?? []) this.addWord(word, first);
      for (const char of rule.triggerChars ?? '') this.addChar(char, first);
      if (!rule.alsoNeeds) {
        this.unpairedRules |= first;
        return;
      }
      const second = this.group();
      for (const word of rule.alsoNeeds) this.addWord(word, second);
      const g2 = 31 - Math.clz32(second);
      this.partner[i] = g2;
      this.partner[g2] = i;
      this.ruleOf[i] = i;
      this.ruleOf[g2] = i;
      this.windowOf[i] = this.windowOf[g2] = rule.pairWindow ?? PAIR_WINDOW;
      this.pairBits |= first | second;
      this.pairedRules |= first;
    });
  }

  /** Scans `text`, splitting presence at `split` (say, the end of a first sentence); results in the fields above. */
  scan(text: string, split = text.length): void {
    const next = this.next;
    const masks = this.masks;
    const charMasks = this.charMasks;
    const pairBits = this.pairBits;
    const blankSpaces = this.blankSpaces;
    const blankLinesLimit = this.blankLines;
    const length = text.length;
    this.lastAt.fill(FAR);
    let first = 0;
    let rest = 0;
    let near = 0;
    let invisibleAt = -1;
    let blank = '';
    let node = 0; // the trie node of the word so far; -1 once the word has left the trie
    let inWord = false;
    let spaces = 0;
    let blankLines = 0;
    let lastContent = -1;
    let lastNewline = -1;
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      const c = code < 128 ? CLASS[code] : NON_ASCII;
      if (c >= 0) {
        if (!inWord) {
          inWord = true;
          node = 0;
          spaces = 0;
          lastContent = i;
        }
        if (node < 0) continue;
        node = next[node * ALPHABET + c];
        if (node === 0) {
          node = -1;
          continue;
        }
        const m = masks[node];
        if (m === 0) continue;
        if (i < split) first |= m;
        else rest |= m;
        if (m & pairBits) near |= this.pair(m & pairBits, i);
        continue;
      }
      inWord = false;
      if (c === SPACE) {
        if (++spaces >= blankSpaces && !blank) blank = `${blankSpaces} spaces in a row`;
      } else if (c === NEWLINE) {
        spaces = 0;
        blankLines = lastContent < lastNewline ? blankLines + 1 : 1;
        lastNewline = i;
        if (blankLines >= blankLinesLimit && !blank) blank = `${blankLinesLimit} blank lines in a row`;
      } else if (c === PUNCTUATION) {
        spaces = 0;
        lastContent = i;
        const m = charMasks[code];
        if (m !== 0) {
          if (i < split) first |= m;
          else rest |= m;
        }
      } else if (c === NON_ASCII) {
        spaces = 0;
        lastContent = i;
        if (invisibleAt < 0 && this.isInvisible(text, i, code)) invisibleAt = i;
      }
    }
    this.first = first;
    this.rest = rest;
    this.near = near;
    this.invisibleAt = invisibleAt;
    this.blank = blank;
  }

  /** The rules (bit i for rule i) whose triggers are in `present`, and the paired rules found `near`. */
  candidates(present: number, near = 0): number {
    return (present & this.unpairedRules) | (near & this.pairedRules);
  }

  /** Notes paired groups hit at `at`; returns the paired rules whose other group stood near. */
  private pair(bits: number, at: number): number {
    let near = 0;
    while (bits !== 0) {
      const g = 31 - Math.clz32(bits);
      bits &= ~(1 << g);
      this.lastAt[g] = at;
      if (at - this.lastAt[this.partner[g]] <= this.windowOf[g]) near |= 1 << this.ruleOf[g];
    }
    return near;
  }

  private isInvisible(text: string, i: number, code: number): boolean {
    const point = code >= 0xd800 && code <= 0xdbff ? (text.codePointAt(i) ?? code) : code;
    for (const [low, high] of this.invisible) if (point >= low && point <= high) return true;
    return false;
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
    if (code >= 128 || CLASS[code] !== PUNCTUATION) throw new Error(`trigger character ${JSON.stringify(char)} must be ASCII punctuation`);
    this.charMasks[code] |= bit;
  }
}
