/**
 * Letters from other scripts that look like Latin ones. A tool named `dеlete_all_files` with a Cyrillic
 * `е` reads as "delete" to a person and must read so to the rules; a name that mixes Latin with such
 * letters is itself a sign of deception.
 */
const LOOK_ALIKES: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ԁ: 'd',
  ԛ: 'q',
  ԝ: 'w',
  һ: 'h',
  ӏ: 'l',
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  У: 'Y',
  Х: 'X',
  Ѕ: 'S',
  І: 'I',
  Ј: 'J',
  // Greek
  α: 'a',
  ο: 'o',
  ρ: 'p',
  ν: 'v',
  τ: 't',
  ι: 'i',
  κ: 'k',
  χ: 'x',
  υ: 'u',
  ε: 'e',
  Α: 'A',
  Β: 'B',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'H',
  Ι: 'I',
  Κ: 'K',
  Μ: 'M',
  Ν: 'N',
  Ο: 'O',
  Ρ: 'P',
  Τ: 'T',
  Υ: 'Y',
  Χ: 'X',
  // Fullwidth and mathematical forms are folded by NFKC below.
};

/** Scripts whose letters pass for Latin. */
const LOOK_ALIKE_SCRIPT = /[\u0370-\u03ff\u0400-\u052f]/u;
const LATIN_LETTER = /[A-Za-z]/;

/** Whether `text` has anything but ASCII (the common case has none, and costs one scan). */
export function hasNonAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 127) return true;
  return false;
}

/**
 * Whether `text` has a character folding could change: Greek or Cyrillic letters, fullwidth forms, or a
 * mathematical alphanumeric (U+1D400–1D7FF, high surrogate D835). Curly quotes, accents and emoji elsewhere cost one scan.
 */
function hasFoldable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x370) continue;
    if (code <= 0x52f || (code >= 0xff00 && code <= 0xffef) || code === 0xd835) return true;
  }
  return false;
}

/** `text` with compatibility forms normalised (NFKC: fullwidth `ｄｅｌｅｔｅ`) and look-alike letters replaced by the Latin ones. */
export function foldConfusables(text: string): string {
  if (!hasFoldable(text)) return text;
  const normal = text.normalize('NFKC');
  let out = '';
  for (const char of normal) out += LOOK_ALIKES[char] ?? char;
  return out;
}

/**
 * Whether one word of `text` mixes Latin letters with Cyrillic or Greek ones (`dеlete`). A name wholly in
 * another script (`удалить_файл`) or with accented Latin (`café`) is not mixed.
 */
export function mixesScripts(text: string): string | undefined {
  if (!hasNonAscii(text)) return undefined;
  for (const word of text.normalize('NFKC').split(/[^\p{L}\p{N}]+/u)) {
    if (LATIN_LETTER.test(word) && LOOK_ALIKE_SCRIPT.test(word)) return word;
  }
  return undefined;
}
