/**
 * The character classes and states behind the token estimate (token-estimate.ts), and the same count done over a
 * text's UTF-8 two bytes a step, which costs about a third of the character loop per character on long texts.
 */

// Character classes: 0 whitespace/control, 1 lowercase ASCII letter, 2 uppercase, 3 digit, 4 ASCII punctuation or
// symbol, 5 other code unit (or a UTF-8 lead byte), 6 high surrogate, 7 low surrogate, 8 UTF-8 continuation byte.
// A 64 KB table turns the per-character branching into one load.
export const CLASS = new Uint8Array(65536).fill(5);
for (let c = 0; c < 128; c++) {
  CLASS[c] = c >= 97 && c <= 122 ? 1 : c >= 65 && c <= 90 ? 2 : c >= 48 && c <= 57 ? 3 : c > 32 && c < 127 ? 4 : 0;
}
CLASS.fill(6, 0xd800, 0xdc00);
CLASS.fill(7, 0xdc00, 0xe000);
export const CLASSES = 9;

/*
 * DECISION: a run of ASCII letters and digits counts one token per piece, roughly where a BPE tokenizer splits it,
 * rather than one for the whole run (the original Go server's rule, which counted a 64-character hex digest or an
 * 88-character sha512 integrity string as one token where a tokenizer counts 30 to 60). A new piece starts
 *  - where letters turn into digits or back ("sha512", "a3f9"),
 *  - at an uppercase letter after a lowercase one ("camelCase") and at a lowercase letter after two or more
 *    uppercase ones ("HTTPServer"; "Order" stays one piece),
 *  - after 3 digits (a 13-digit timestamp is several tokens),
 *  - and after 2 characters once the run has switched between letters and digits: such a run is a hash, base64 or
 *    an id, which a BPE vocabulary holds few merges for.
 * A long run of letters of one case ("internationalization") stays one piece: a limit on letters would take a
 * counter of up to that many states, and on the corpus it moved no sample by more than 2%.
 * Calibrated on test/helpers/token-corpus.ts against Anthropic's published tokenizer (within 15% on prose, code, a
 * Claude Code turn, a lockfile, hex hashes, base64 and a tool result full of ids, where the old rule was 30-90% low
 * on the last four). It stays a table walk over UTF-8 two bytes a step, as the old rule was, so the request path
 * pays about what it did; what grows is the pair table (14 states, 896 KB, built at load).
 *
 * States: OUT (not in a run), AFTER_HIGH (just after a high surrogate, whose low half counts nothing), then one per
 * (kind of the current piece: lower, upper or digit; its length so far, as far as a rule looks; whether the run has
 * switched between letters and digits, "noisy").
 */
const OUT = 0;
const AFTER_HIGH = 1;
const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;
const DIGIT_PIECE = 3;
const NOISY_PIECE = 2;
/** Where a piece of this kind ends and the next starts (Infinity: it does not end by length). */
const pieceLimit = (kind: number, noisy: boolean): number =>
  noisy ? NOISY_PIECE : kind === DIGIT ? DIGIT_PIECE : Infinity;
/** How far a piece's length is told apart: to its limit, and an uppercase one as one or more than one. */
const lengthsKept = (kind: number, noisy: boolean): number =>
  noisy ? NOISY_PIECE : kind === DIGIT ? DIGIT_PIECE : kind === UPPER ? 2 : 1;
const runStates: Array<{ kind: number; length: number; noisy: boolean }> = [];
for (const noisy of [false, true]) {
  for (const kind of [LOWER, UPPER, DIGIT]) {
    for (let length = 1; length <= lengthsKept(kind, noisy); length++) runStates.push({ kind, length, noisy });
  }
}
export const STATES = 2 + runStates.length; // 14: a state fits in 5 bits beside up to 7 halves
function stateOf(kind: number, length: number, noisy: boolean): number {
  const kept = Math.min(length, lengthsKept(kind, noisy));
  return 2 + runStates.findIndex((s) => s.kind === kind && s.length === kept && s.noisy === noisy);
}

/** The halves of a token a character of class `k` adds in `state`, and the state after it. */
function step(state: number, k: number): { halves: number; next: number } {
  const run = state >= 2 ? runStates[state - 2]! : undefined;
  if (k === LOWER || k === UPPER || k === DIGIT) {
    if (run === undefined) return { halves: 2, next: stateOf(k, 1, false) };
    if ((k === DIGIT) !== (run.kind === DIGIT)) return { halves: 2, next: stateOf(k, 1, true) };
    if (k === UPPER && run.kind === LOWER) return { halves: 2, next: stateOf(UPPER, 1, run.noisy) };
    if (k === LOWER && run.kind === UPPER && run.length > 1) return { halves: 2, next: stateOf(LOWER, 1, run.noisy) };
    // "Order": a capital that starts a word belongs to the lowercase piece after it.
    const kind = k === LOWER ? LOWER : run.kind;
    if (run.length >= pieceLimit(run.kind, run.noisy)) return { halves: 2, next: stateOf(kind, 1, run.noisy) };
    return { halves: 0, next: stateOf(kind, run.length + 1, run.noisy) };
  }
  switch (k) {
    case 4:
      return { halves: 2, next: OUT };
    case 5:
      return { halves: 3, next: OUT };
    case 6:
      return { halves: 3, next: AFTER_HIGH };
    case 7:
      return { halves: state === AFTER_HIGH ? 0 : 3, next: OUT }; // a pair's second half: the same code point
    default:
      return { halves: 0, next: OUT }; // whitespace, control, a continuation byte
  }
}

/** [state * CLASSES + class] = halves << 5 | next state. */
export const UNIT_STEP = new Uint8Array(STATES * CLASSES);
for (let state = 0; state < STATES; state++) {
  for (let k = 0; k < CLASSES; k++) {
    const { halves, next } = step(state, k);
    UNIT_STEP[state * CLASSES + k] = (halves << 5) | next;
  }
}

/*
 * Over UTF-8, ASCII bytes are their own characters; a code point beyond ASCII has one lead byte (1.5, as its one or
 * two code units count) and continuation bytes that count nothing, and neither is a letter, so a letter after them
 * starts a run either way. A lone surrogate, which UTF-8 cannot hold, is written by Buffer as U+FFFD (one code
 * point, 1.5) where the code-unit count gives it 1.5 too, so both counts agree on every text.
 */
const BYTE_STEP = new Uint8Array(STATES << 8); // [state << 8 | byte] = halves << 5 | next state
for (let state = 0; state < STATES; state++) {
  for (let byte = 0; byte < 256; byte++) {
    const k = byte < 0x80 ? (CLASS[byte] as number) : byte >= 0xc0 ? 5 : 8;
    BYTE_STEP[(state << 8) | byte] = UNIT_STEP[state * CLASSES + k] as number;
  }
}
// Two bytes a step, [state << 16 | the pair as a Uint16Array reads it] = halves << 5 | next state (at most 6 halves).
// Built in a function, which V8 optimises (a loop at the module's top level runs unoptimised).
const PAIR_STEP = pairSteps();

function pairSteps(): Uint8Array {
  const table = new Uint8Array(STATES << 16);
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  for (let state = 0; state < STATES; state++) {
    for (let first = 0; first < 256; first++) {
      const one = BYTE_STEP[(state << 8) | first] as number;
      const row = (one & 31) << 8;
      const add = one & ~31; // the first byte's halves, already shifted
      for (let second = 0; second < 256; second++) {
        const pair = littleEndian ? first | (second << 8) : (first << 8) | second;
        table[(state << 16) | pair] = (BYTE_STEP[row | second] as number) + add;
      }
    }
  }
  return table;
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
  state: number;
}

export const newUtf8Count = (): Utf8Count => ({ halves: 0, state: OUT });

/** Counts the first `length` bytes of SCRATCH into `count`. */
function countScratch(length: number, count: Utf8Count): void {
  let halves = count.halves;
  let state = count.state;
  const pairs = length >> 1;
  for (let i = 0; i < pairs; i++) {
    const step = PAIR_STEP[(state << 16) | (SCRATCH_PAIRS[i] as number)] as number;
    halves += step >> 5;
    state = step & 31;
  }
  if ((length & 1) === 1) {
    const step = BYTE_STEP[(state << 8) | (SCRATCH[length - 1] as number)] as number;
    halves += step >> 5;
    state = step & 31;
  }
  count.halves = halves;
  count.state = state;
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
