/**
 * The byte-level scan under server/json-pieces.ts: where a JSON value ends, found by touching only its structure.
 * Strings are jumped over with Buffer's native `indexOf`; brackets are counted. It checks only what it needs to cut
 * the body right and keep nesting within bounds: JSON.parse checks the rest of each piece.
 */

export const QUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COMMA = 0x2c;
export const COLON = 0x3a;
export const OPEN_BRACE = 0x7b;
export const CLOSE_BRACE = 0x7d;
export const OPEN_BRACKET = 0x5b;
export const CLOSE_BRACKET = 0x5d;

/** Thrown where the body is not what the scan expects; parseJsonInPieces then hands it to the yielding parser. */
export const MALFORMED = new Error('malformed JSON (the yielding parser says how)');

export const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Where the value at `start` ends, if it is small enough to be a piece; -1 if it is not. Checks nesting as it
 * counts brackets: JSON.parse's result is not walked again for it.
 */
export function valueEnd(
  bytes: Buffer,
  start: number,
  pieceBytes: number,
  stringPieceBytes: number,
  room: number,
): number {
  const end = bytes.length;
  const c = bytes[start];
  if (c === QUOTE) return stringEnd(bytes, start, start + stringPieceBytes);
  if (c !== OPEN_BRACE && c !== OPEN_BRACKET) {
    // A number or a literal: JSON.parse checks it.
    let i = start;
    while (i < end) {
      const b = bytes[i]!;
      if (b === COMMA || b === CLOSE_BRACE || b === CLOSE_BRACKET || isSpace(b)) break;
      i++;
    }
    if (i === start) throw MALFORMED;
    return i;
  }
  const limit = start + pieceBytes;
  let depth = 0;
  let i = start;
  for (;;) {
    if (i >= end) throw MALFORMED;
    if (i > limit) return -1;
    const b = bytes[i]!;
    if (b === QUOTE) {
      i = stringEnd(bytes, i, limit);
      if (i < 0) return -1;
      continue;
    }
    if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (++depth > room) throw MALFORMED;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      if (--depth === 0) return i + 1;
    }
    i++;
  }
}

/**
 * Just past the closing quote of the string at `start`, or -1 if that lies beyond `limit`. A quote closes the
 * string unless an odd run of backslashes precedes it. Short strings (keys, roles) are scanned here; the rest of
 * a long one natively.
 */
export function stringEnd(bytes: Buffer, start: number, limit: number): number {
  let i = start + 1;
  const shortEnd = Math.min(i + 24, bytes.length);
  for (; i < shortEnd; i++) {
    const b = bytes[i];
    if (b === QUOTE) return i + 1;
    if (b === BACKSLASH) i++;
  }
  for (;;) {
    const quote = bytes.indexOf(QUOTE, i);
    if (quote < 0) throw MALFORMED;
    if (quote > limit) return -1;
    let before = quote - 1;
    while (bytes[before] === BACKSLASH) before--;
    if ((quote - 1 - before) % 2 === 0) return quote + 1;
    i = quote + 1;
  }
}
