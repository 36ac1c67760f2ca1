/**
 * The character classes behind the token estimate (token-estimate.ts), and the same count done over a text's UTF-8
 * two bytes a step, which costs about a third of the character loop per character on long texts.
 */

// Character classes: 0 whitespace/control, 1 ASCII letter/digit, 2 ASCII punctuation/symbol, 3 other code unit,
// 4 high surrogate, 5 low surrogate. A 64 KB table turns the per-character branching into two loads, which keeps
// the loop at the speed of charCodeAt itself.
export const CLASS = new Uint8Array(65536).fill(3);
for (let c = 0; c < 128; c++) {
  const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  CLASS[c] = alnum ? 1 : c > 32 && c < 127 ? 2 : 0;
}
CLASS.fill(4, 0xd800, 0xdc00);
CLASS.fill(5, 0xdc00, 0xe000);

// Half-tokens added for class `k` after class `prev`, at index prev * 6 + k. Halves keep 1.5 integral.
export const INCREMENT = new Uint8Array(36);
for (let prev = 0; prev < 6; prev++) {
  INCREMENT[prev * 6 + 1] = prev === 1 ? 0 : 2; // only the first character of a letter/digit run counts
  INCREMENT[prev * 6 + 2] = 2;
  INCREMENT[prev * 6 + 3] = 3;
  INCREMENT[prev * 6 + 4] = 3;
  INCREMENT[prev * 6 + 5] = prev === 4 ? 0 : 3; // the second half of a surrogate pair is the same code point
}

/*
 * Over UTF-8, ASCII bytes are their own characters; a code point beyond ASCII has one lead byte (1.5, as its one or
 * two code units count) and continuation bytes that count nothing, and neither is a letter, so a letter after them
 * starts a run either way. The only state carried from byte to byte is whether the last one was a letter or digit.
 * A lone surrogate, which UTF-8 cannot hold, is written by Buffer as U+FFFD (one code point, 1.5) where the
 * code-unit count gives it 1.5 too, so both counts agree on every text.
 */
const BYTE_STEP = new Uint8Array(2 * 256); // [afterLetter << 8 | byte] = halves << 1 | isLetter
const PAIR_STEP = new Uint8Array(2 * 65536); // [afterLetter << 16 | the pair as a Uint16Array reads it]
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
for (let after = 0; after < 2; after++) {
  for (let byte = 0; byte < 256; byte++) {
    const k = byte < 0x80 ? (CLASS[byte] as number) : byte >= 0xc0 ? 3 : -1; // -1: a continuation byte
    const halves = k < 0 ? 0 : (INCREMENT[after * 6 + k] as number);
    BYTE_STEP[(after << 8) | byte] = (halves << 1) | (k === 1 ? 1 : 0);
  }
}
for (let after = 0; after < 2; after++) {
  for (let first = 0; first < 256; first++) {
    const one = BYTE_STEP[(after << 8) | first] as number;
    for (let second = 0; second < 256; second++) {
      const two = BYTE_STEP[((one & 1) << 8) | second] as number;
      const pair = LITTLE_ENDIAN ? first | (second << 8) : (first << 8) | second;
      PAIR_STEP[(after << 16) | pair] = (((one >> 1) + (two >> 1)) << 1) | (two & 1);
    }
  }
}

/**
 * Texts are turned into UTF-8 here a part at a time, so the memory this count holds is fixed whatever the text's
 * size. A UTF-16 code unit takes at most 3 bytes (a pair's two take 4).
 */
export const SCRATCH_PART_CHARS = 65536;
const SCRATCH = Buffer.allocUnsafeSlow(3 * SCRATCH_PART_CHARS + 2);
const SCRATCH_PAIRS = new Uint16Array(SCRATCH.buffer, SCRATCH.byteOffset, SCRATCH.length >> 1);

/** A count carried from one part of a text to the next (a letter run may span them). */
export interface Utf8Count {
  halves: number;
  afterLetter: number;
}

export const newUtf8Count = (): Utf8Count => ({ halves: 0, afterLetter: 0 });

/** Counts the first `length` bytes of SCRATCH into `count`. */
function countScratch(length: number, count: Utf8Count): void {
  let halves = count.halves;
  let after = count.afterLetter;
  const pairs = length >> 1;
  for (let i = 0; i < pairs; i++) {
    const step = PAIR_STEP[(after << 16) | (SCRATCH_PAIRS[i] as number)] as number;
    halves += step >> 1;
    after = step & 1;
  }
  if ((length & 1) === 1) {
    const step = BYTE_STEP[(after << 8) | (SCRATCH[length - 1] as number)] as number;
    halves += step >> 1;
    after = step & 1;
  }
  count.halves = halves;
  count.afterLetter = after;
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;

/**
 * Where a part of `text` that would end at `to` must end instead: never between a surrogate pair's halves, which
 * UTF-8 would write apart as two U+FFFD.
 */
export function partEnd(text: string, to: number): number {
  return to < text.length && isHighSurrogate(text.charCodeAt(to - 1)) ? to - 1 : to;
}

/**
 * Adds `text[from, to)` to `count`, in halves of a token. `from` and `to` must not split a surrogate pair
 * (partEnd); a lone surrogate anywhere is counted as the one code point it is.
 */
export function countUtf8Part(text: string, from: number, to: number, count: Utf8Count): void {
  while (from < to) {
    const end = from + SCRATCH_PART_CHARS >= to ? to : partEnd(text, from + SCRATCH_PART_CHARS);
    const length = SCRATCH.write(from === 0 && end === text.length ? text : text.slice(from, end), 0, 'utf8');
    countScratch(length, count);
    from = end;
  }
}

/** The whole text's count, in halves of a token. */
export function countUtf8Halves(text: string): number {
  const count = newUtf8Count();
  countUtf8Part(text, 0, text.length, count);
  return count.halves;
}
