import type { ByteWriter } from './byte-writer';
import type { TimeSlices } from './time-slices';

/**
 * `Buffer.from(JSON.stringify(value))`, without ever holding the whole JSON text as one string.
 *
 * On Node 20 a string with any character beyond latin1 takes two bytes per character, and past 64K characters it
 * is allocated in V8's large-object space at ~0.7 ms a time (see server/json-body.ts). An upstream body built from
 * a Claude Code turn is about that size, so it is encoded in pieces: containers near the top are walked, their
 * members stringified one by one, and long strings in slices, each piece small enough for the ordinary heap.
 */
const SLICE = 16_384;
const WALK_DEPTH = 3;

/** Long strings go out in slices of this many characters; a caller can stringify any value about this short whole. */
export const JSON_PIECE_CHARS = SLICE;

export function encodeJsonToBuffer(value: unknown): Buffer {
  const pieces: string[] = [];
  encodeJsonPieces(value, WALK_DEPTH, (piece) => {
    pieces.push(piece);
  });
  return joinJsonPieces(pieces);
}

/**
 * The JSON text of `value` as pieces, for a caller that knows its own structure and encodes it part by part:
 * containers down to `walkDepth` levels are walked, anything deeper is stringified whole, and long strings are
 * sliced at any depth.
 */
export function encodeJsonPieces(value: unknown, walkDepth: number, push: (piece: string) => void): void {
  const top = toJsonValue(value, '');
  if (isOmitted(top)) push('null');
  else encode(top, walkDepth, push);
}

/** Concatenates pieces into one Buffer without ever building one long string. */
export function joinJsonPieces(pieces: readonly string[]): Buffer {
  const joiner = new JsonPieceJoiner();
  for (const piece of pieces) joiner.add(piece);
  return joiner.finish();
}

/**
 * What JSON.stringify serialises for `holder[key]` (SerializeJSONProperty before the type switch): toJSON is called
 * with the member's key and boxed primitives are unwrapped. Walking containers ourselves must do this too, or a
 * member whose toJSON returns undefined would be written as null instead of left out, and `new String('x')` would be
 * walked as the object {"0":"x"}.
 */
function toJsonValue(value: unknown, key: string): unknown {
  if (value !== null && (typeof value === 'object' || typeof value === 'bigint')) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = toJSON.call(value, key);
  }
  if (value instanceof Number) return Number(value);
  if (value instanceof String) return String(value);
  if (value instanceof Boolean) return value.valueOf();
  return value;
}

/** Values JSON.stringify leaves out of an object (and writes as null in an array). */
const isOmitted = (value: unknown): boolean =>
  value === undefined || typeof value === 'function' || typeof value === 'symbol';

/** `value` has been through toJsonValue and is not omitted. */
function encode(value: unknown, depth: number, push: (piece: string) => void): void {
  if (typeof value === 'string') {
    encodeString(value, push);
    return;
  }
  if (depth === 0 || value === null || typeof value !== 'object') {
    push(JSON.stringify(value));
    return;
  }
  if (Array.isArray(value)) {
    push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) push(',');
      const item = toJsonValue(value[i], String(i));
      if (isOmitted(item)) push('null');
      else encode(item, depth - 1, push);
    }
    push(']');
    return;
  }
  push('{');
  let first = true;
  for (const key of Object.keys(value)) {
    const item = toJsonValue((value as Record<string, unknown>)[key], key);
    if (isOmitted(item)) continue;
    push(first ? `${JSON.stringify(key)}:` : `,${JSON.stringify(key)}:`);
    first = false;
    encode(item, depth - 1, push);
  }
  push('}');
}

function encodeString(text: string, push: (piece: string) => void): void {
  if (text.length <= SLICE) push(quoteJson(text));
  else for (const piece of longStringPieces(text)) push(piece);
}

function* longStringPieces(text: string): Generator<string, void, undefined> {
  yield '"';
  for (let start = 0; start < text.length;) {
    let end = Math.min(start + SLICE, text.length);
    // Never cut a surrogate pair: each half alone would be written as a \u escape where JSON.stringify writes the
    // character's four UTF-8 bytes, and the output must be byte-identical to it.
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1)) && isLowSurrogate(text.charCodeAt(end)))
      end -= 1;
    yield escapedJson(text.slice(start, end));
    start = end;
  }
  yield '"';
}

/**
 * The pieces `encode` pushes, one at a time, for a caller that works in time slices (util/time-slices.ts): the
 * same walk, so the bytes are the same, but it can stop between any two pieces. A generator costs more per piece
 * than a callback, so only large bodies take this way.
 */
export function* jsonPieces(value: unknown, walkDepth: number): Generator<string, void, undefined> {
  const top = toJsonValue(value, '');
  if (isOmitted(top)) yield 'null';
  else yield* pieceWalk(top, walkDepth);
}

function* pieceWalk(value: unknown, depth: number): Generator<string, void, undefined> {
  if (typeof value === 'string') {
    if (value.length <= SLICE) yield quoteJson(value);
    else yield* longStringPieces(value);
    return;
  }
  if (depth === 0 || value === null || typeof value !== 'object') {
    yield JSON.stringify(value);
    return;
  }
  if (Array.isArray(value)) {
    yield '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) yield ',';
      const item = toJsonValue(value[i], String(i));
      if (isOmitted(item)) yield 'null';
      else yield* pieceWalk(item, depth - 1);
    }
    yield ']';
    return;
  }
  yield '{';
  let first = true;
  for (const key of Object.keys(value)) {
    const item = toJsonValue((value as Record<string, unknown>)[key], key);
    if (isOmitted(item)) continue;
    yield first ? `${JSON.stringify(key)}:` : `,${JSON.stringify(key)}:`;
    first = false;
    yield* pieceWalk(item, depth - 1);
  }
  yield '}';
}

/**
 * Concatenates pieces into Buffers without ever building one long string: small runs are joined first so the
 * number of Buffers stays low, and each join stays far below the large-object threshold.
 */
export class JsonPieceJoiner {
  private readonly buffers: Buffer[] = [];
  private run = '';

  add(piece: string): void {
    if (this.run.length + piece.length > SLICE) {
      if (this.run) this.buffers.push(Buffer.from(this.run, 'utf8'));
      this.run = '';
    }
    if (piece.length > SLICE) this.buffers.push(Buffer.from(piece, 'utf8'));
    else this.run += piece;
  }

  /** The bytes so far as Buffers, for a caller that frames them itself (one concatenation instead of two). */
  parts(): Buffer[] {
    if (this.run) this.buffers.push(Buffer.from(this.run, 'utf8'));
    this.run = '';
    return this.buffers;
  }

  finish(): Buffer {
    const parts = this.parts();
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}

/**
 * `JSON.stringify(text)`, the same characters: for every JSON text the request path writes, from an SSE frame's
 * model name to a conversation's megabyte of history.
 *
 * Long texts: Node 20's JSON.stringify escapes a string at about 3.5 ns a character (1 MB of conversation: ~3.5 ms,
 * a quarter of the app's CPU for such a request), while a native `replaceAll` finds a character at memchr speed. So
 * a text whose only escapes are the common ones (`"`, `\`, newline, carriage return, tab) is escaped by five
 * replacements; one holding any other control character or a lone surrogate (which JSON.stringify writes as `\u`
 * escapes) is left to JSON.stringify.
 *
 * DECISION: a short text with nothing to escape is quoted by a template after one regex check, the rest left to
 * JSON.stringify: Node 20's JSON.stringify costs ~80 ns to enter for an 8-character text and ~100 for 20
 * characters, against ~20 and ~30 for the check and the template (in process, min of batches); a text with an
 * escape pays the check up to its first escape on top. A surrogate goes to JSON.stringify even when paired: it
 * writes a pair as is and a lone one as a `\u` escape, and telling them apart is its job. (The SSE frames had this
 * as `jsonString` and the Orchids body sent every short text to JSON.stringify; one function serves both now.)
 */
export function quoteJson(text: string): string {
  if (text.length >= ESCAPE_BY_REPLACING_FROM) return `"${escapedJson(text)}"`;
  return PLAIN_JSON_TEXT.test(text) ? `"${text}"` : JSON.stringify(text);
}

/** Only characters JSON.stringify writes as they are: no quote, backslash, control character or surrogate. */
const PLAIN_JSON_TEXT = /^[ !#-[\]-\ud7ff\ue000-\uffff]*$/;
const ESCAPE_BY_REPLACING_FROM = 256;
/**
 * The control characters JSON.stringify writes as `\b`, `\f` or `\u00XX` (any below a space but tab, newline and
 * carriage return): rare in text, and left to it.
 */
const RARE_ESCAPES = /[^\t\n\r -\uffff]/;

/** String.prototype.isWellFormed (ES2024: Node 20 and Electron have it; the ES2023 lib does not declare it). */
const isWellFormed = (text: string): boolean => (text as string & { isWellFormed(): boolean }).isWellFormed();

/** `JSON.stringify(text)` without its quotes. */
function escapedJson(text: string): string {
  if (!isWellFormed(text) || RARE_ESCAPES.test(text)) return JSON.stringify(text).slice(1, -1);
  // The backslashes first: the later replacements add backslashes of their own.
  return text
    .replaceAll('\\', '\\\\')
    .replaceAll('"', '\\"')
    .replaceAll('\n', '\\n')
    .replaceAll('\r', '\\r')
    .replaceAll('\t', '\\t');
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** Writes the pieces of `value` (see jsonPieces) to `writer`, pausing whenever the time slice is used up. */
export async function writeJsonYielding(
  writer: ByteWriter,
  value: unknown,
  walkDepth: number,
  slices: TimeSlices,
): Promise<void> {
  for (const piece of jsonPieces(value, walkDepth)) {
    writer.text(piece);
    if (slices.due()) await slices.pause();
  }
}

/** encodeJsonToBuffer in time slices, written to `writer`. */
export function encodeJsonYielding(writer: ByteWriter, value: unknown, slices: TimeSlices): Promise<void> {
  return writeJsonYielding(writer, value, WALK_DEPTH, slices);
}
