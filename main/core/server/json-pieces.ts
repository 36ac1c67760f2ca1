import { isAscii } from 'node:buffer';
import {
  BACKSLASH,
  CLOSE_BRACE,
  CLOSE_BRACKET,
  COLON,
  COMMA,
  isSpace,
  MALFORMED,
  OPEN_BRACE,
  OPEN_BRACKET,
  QUOTE,
  stringEnd,
  valueEnd,
} from './json-scan';
import { parseJsonValueYielding, parseJsonYielding, setOwn } from './json-yielding';
import { largeBodyLane } from '../util/turn-lane';

/**
 * Large request bodies parsed by V8's own JSON.parse, a piece at a time, with the event loop given back between
 * pieces.
 *
 * Our yielding parser (server/json-yielding.ts) visits every byte in JavaScript, which costs 2–6 ns a byte;
 * JSON.parse costs 1–2 on plain text (test/bench/json-parse-cost.ts) but is one call, so a 31 MB body would hold
 * every other client for its whole duration. Here a scanner walks only the structure of the body: it jumps over
 * strings with Buffer's native `indexOf`, and finds where each value ends by counting brackets. A value small enough
 * (an element of `messages`, a top-level `model`) is one piece; consecutive small values of one container are
 * parsed together, by one JSON.parse of `[…]` or `{…}` around their bytes; a container too large to be a piece is
 * entered, and its own members are pieces. A string too large to be a piece is handed to the yielding parser, which
 * works through it a slice at a time.
 *
 * The result equals JSON.parse's: a piece is a complete JSON value (or a run of members), so if each piece and the
 * structure around them are valid JSON, the whole is, with the same value; duplicate keys across runs keep the first
 * one's place and the last one's value, as JSON.parse does. Whatever the scanner finds out of place, and any piece
 * JSON.parse refuses, sends the whole body to the yielding parser from its start, so a refusal reads exactly as it
 * always did. The caller has already checked that the bytes are valid UTF-8.
 */

/**
 * A piece's size (a run of small values is cut once it reaches this). Its text stays out of V8's large-object
 * space, whose allocations are slow, even when it holds non-ASCII text and so is two bytes a character; and
 * JSON.parse of it takes a fraction of a millisecond. (128 KB pieces read as latin1, with raw UTF-8 runs turned into
 * escapes as server/json-body.ts does for small bodies, were slower on text with many non-ASCII characters:
 * test/bench/json-parse-cost.ts.)
 */
const PIECE_BYTES = 48 * 1024;
/** A string up to this size is parsed natively in one go (a few ms at most); a larger one by the yielding parser. */
const STRING_PIECE_BYTES = 2 * 1024 * 1024;

export interface PieceOptions {
  /** Work at most about this long between turns of the event loop. */
  sliceMs?: number;
  /** Tests make pieces tiny, so that small documents are split at every level. */
  pieceBytes?: number;
  stringPieceBytes?: number;
  /** Called when the body goes to the yielding parser from its start (anything malformed). */
  onFallback?: () => void;
}

const enum Expect {
  Value,
  /** A value or `]` (just after `[`). */
  ValueOrEnd,
  /** A key or `}` (just after `{`). */
  KeyOrEnd,
  Key,
  CommaOrEnd,
  Done,
}

/** A container too large to be one piece, being filled. */
interface Frame {
  readonly isArray: boolean;
  /** Made by the first run parsed into it (which then is it), or when a large member first arrives. */
  array: unknown[] | undefined;
  object: Record<string, unknown> | undefined;
  /** The key of the large member being parsed. */
  key: string;
  /** The run of small members not parsed yet: from the first one's start to the last one's end; -1 when none. */
  runStart: number;
  runEnd: number;
}

class PieceParser {
  private pos = 0;
  private expect = Expect.Value;
  private readonly frames: Frame[] = [];
  private root: unknown;

  constructor(
    private readonly bytes: Buffer,
    private readonly maxDepth: number,
    private readonly pieceBytes: number,
    private readonly stringPieceBytes: number,
  ) {}

  get done(): boolean {
    return this.expect === Expect.Done;
  }

  get value(): unknown {
    return this.root;
  }

  /**
   * Works until the body is parsed or `deadline` (performance.now()) passes, one step at least. Returns -1, or
   * where a string too large for a piece starts: the caller parses it and hands it to `resume`.
   */
  run(deadline: number): number {
    const bytes = this.bytes;
    const end = bytes.length;
    while (this.expect !== Expect.Done) {
      let i = this.pos;
      while (isSpace(bytes[i])) i++;
      if (i >= end) throw MALFORMED;
      const c = bytes[i]!;
      const frame = this.frames[this.frames.length - 1];
      switch (this.expect) {
        case Expect.CommaOrEnd:
          this.pos = i + 1;
          if (c === COMMA) this.expect = frame!.isArray ? Expect.Value : Expect.Key;
          else if (c === (frame!.isArray ? CLOSE_BRACKET : CLOSE_BRACE)) this.close();
          else throw MALFORMED;
          break;
        case Expect.KeyOrEnd:
        case Expect.Key:
          if (c === CLOSE_BRACE && this.expect === Expect.KeyOrEnd) {
            this.pos = i + 1;
            this.close();
          } else if (this.member(frame!, i) >= 0) return this.pos;
          break;
        default:
          if (c === CLOSE_BRACKET && this.expect === Expect.ValueOrEnd) {
            this.pos = i + 1;
            this.close();
          } else if (this.element(frame, i) >= 0) return this.pos;
      }
      if (performance.now() > deadline) break;
    }
    return -1;
  }

  /** The large string the caller parsed (it started at `pos`), and the offset just past it. */
  resume(value: unknown, end: number): void {
    this.pos = end;
    this.emit(value);
  }

  /** An array element, or the root, starting at `start`. Returns -1, or `start` for a large string. */
  private element(frame: Frame | undefined, start: number): number {
    if (frame && frame.runStart < 0 && this.guessRun(frame, start)) return -1;
    const valueEnd = this.valueEnd(start);
    if (valueEnd >= 0 && frame) {
      this.extendRun(frame, start, valueEnd);
      this.pos = valueEnd;
      this.expect = Expect.CommaOrEnd;
      return -1;
    }
    if (valueEnd >= 0) {
      this.pos = valueEnd;
      this.emit(this.parse(start, valueEnd));
      return -1;
    }
    if (frame) this.flush(frame);
    return this.enter(start);
  }

  /** An object member whose key starts at `keyStart`. Returns -1, or its value's start for a large string. */
  private member(frame: Frame, keyStart: number): number {
    const bytes = this.bytes;
    if (bytes[keyStart] !== QUOTE) throw MALFORMED;
    const keyEnd = stringEnd(this.bytes, keyStart, Infinity);
    let i = keyEnd;
    while (isSpace(bytes[i])) i++;
    if (bytes[i] !== COLON) throw MALFORMED;
    i++;
    while (isSpace(bytes[i])) i++;
    if (i >= bytes.length) throw MALFORMED;
    const valueEnd = this.valueEnd(i);
    if (valueEnd >= 0) {
      this.extendRun(frame, keyStart, valueEnd);
      this.pos = valueEnd;
      this.expect = Expect.CommaOrEnd;
      return -1;
    }
    this.flush(frame);
    frame.key = this.key(keyStart, keyEnd);
    return this.enter(i);
  }

  /** Enters a large container at `start`; or, for a large string, returns `start` for the caller to parse. */
  private enter(start: number): number {
    const c = this.bytes[start];
    this.pos = start;
    if (c === QUOTE) return start;
    if (c !== OPEN_BRACE && c !== OPEN_BRACKET) throw MALFORMED;
    if (this.frames.length >= this.maxDepth) throw MALFORMED;
    const isArray = c === OPEN_BRACKET;
    this.frames.push({ isArray, array: undefined, object: undefined, key: '', runStart: -1, runEnd: -1 });
    this.pos = start + 1;
    this.expect = isArray ? Expect.ValueOrEnd : Expect.KeyOrEnd;
    return -1;
  }

  private close(): void {
    const frame = this.frames.pop()!;
    this.flush(frame);
    this.emit(frame.isArray ? (frame.array ?? []) : (frame.object ?? {}));
  }

  /** A value complete in the current frame (or the root). */
  private emit(value: unknown): void {
    const frame = this.frames[this.frames.length - 1];
    if (!frame) {
      this.root = value;
      this.expect = Expect.Done;
      // Only whitespace may follow the root.
      for (let i = this.pos; i < this.bytes.length; i++) if (!isSpace(this.bytes[i])) throw MALFORMED;
      return;
    }
    if (frame.isArray) (frame.array ??= []).push(value);
    else setOwn((frame.object ??= {}), frame.key, value);
    this.expect = Expect.CommaOrEnd;
  }

  /**
   * The fast way through a long array of objects (`messages`, `tools`): the elements from `start` to the end of a
   * later element are taken as one run without scanning them, if JSON.parse accepts them as an array. That end is
   * found natively: half a piece to a piece on, the first `},` followed by the bytes this element starts with
   * (`{"role"`; a raw quote, so hardly ever found inside a string). It is exact whatever the guess: lexed from an
   * element's start, the bytes can only parse as `[…]` if the `}` is outside any string and ends an element of this
   * array (the `,` after it is checked as the array goes on), and the elements are then the ones JSON.parse of the
   * whole would make. A guess that does not parse (the `}` closed something nested or sat in a string, or the body
   * is malformed) costs one refused JSON.parse, and these elements are scanned instead.
   */
  private guessRun(frame: Frame, start: number): boolean {
    const bytes = this.bytes;
    if (bytes[start] !== OPEN_BRACE || bytes[start + 1] !== QUOTE) return false;
    const keyEnd = stringEnd(bytes, start + 1, start + 64);
    if (keyEnd < 0) return false;
    const from = start + (this.pieceBytes >> 1);
    const to = Math.min(start + this.pieceBytes, bytes.length);
    if (to - from < 4) return false;
    const window = bytes.subarray(from, to);
    const prefix = bytes.subarray(start, keyEnd);
    let at = window.indexOf(Buffer.concat([COMPACT_SEPARATOR, prefix]));
    if (at < 0) at = window.indexOf(Buffer.concat([SPACED_SEPARATOR, prefix]));
    if (at < 0) return false;
    const cut = from + at + 1;
    let items: unknown[];
    try {
      items = JSON.parse(`[${this.text(start, cut)}]`) as unknown[];
    } catch {
      return false;
    }
    const room = this.maxDepth - this.frames.length;
    for (let i = 0; i < items.length; i++) if (nestedDeeper(items[i], room)) throw MALFORMED;
    if (!frame.array) frame.array = items;
    else for (let i = 0; i < items.length; i++) frame.array.push(items[i]);
    this.pos = cut;
    this.expect = Expect.CommaOrEnd;
    return true;
  }

  private extendRun(frame: Frame, start: number, end: number): void {
    if (frame.runStart < 0) frame.runStart = start;
    frame.runEnd = end;
    if (end - frame.runStart >= this.pieceBytes) this.flush(frame);
  }

  /** Parses the pending run of small members into the frame's container. */
  private flush(frame: Frame): void {
    if (frame.runStart < 0) return;
    const text = this.text(frame.runStart, frame.runEnd);
    frame.runStart = -1;
    if (frame.isArray) {
      const items = JSON.parse(`[${text}]`) as unknown[];
      if (!frame.array) frame.array = items;
      else for (let i = 0; i < items.length; i++) frame.array.push(items[i]);
      return;
    }
    const members = JSON.parse(`{${text}}`) as Record<string, unknown>;
    if (!frame.object) frame.object = members;
    else for (const key of Object.keys(members)) setOwn(frame.object, key, members[key]);
  }

  /** Where the value at `start` ends if it is small enough for a piece, else -1 (server/json-scan.ts). */
  private valueEnd(start: number): number {
    return valueEnd(this.bytes, start, this.pieceBytes, this.stringPieceBytes, this.maxDepth - this.frames.length);
  }

  private parse(start: number, end: number): unknown {
    return JSON.parse(this.text(start, end));
  }

  private text(start: number, end: number): string {
    const bytes = this.bytes.subarray(start, end);
    // JSON.parse of a two-byte text still makes one-byte strings of the strings that are ASCII.
    return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
  }

  /** A large member's key: plain ASCII is read as it is, anything else (escapes, control bytes) by JSON.parse. */
  private key(start: number, end: number): string {
    const bytes = this.bytes;
    for (let i = start + 1; i < end - 1; i++) {
      const b = bytes[i]!;
      if (b < 0x20 || b === BACKSLASH || b >= 0x80) return this.parse(start, end) as string;
    }
    return bytes.toString('latin1', start + 1, end - 1);
  }
}

/** What ends one element of an array of objects and begins the next, as JSON.stringify and Python's json write it. */
const COMPACT_SEPARATOR = Buffer.from('},');
const SPACED_SEPARATOR = Buffer.from('}, ');

/** Whether `value` nests containers more than `room` deep (a container counting itself). */
function nestedDeeper(value: unknown, room: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (room <= 0) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (nestedDeeper(value[i], room - 1)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) if (nestedDeeper(record[key], room - 1)) return true;
  return false;
}

/**
 * Parses `bytes` (valid UTF-8) as JSON, working at most about `sliceMs` at a time between turns of the event loop
 * (one large body per turn: util/turn-lane.ts). Refuses what JSON.parse refuses, with the yielding parser's errors
 * (JsonSyntaxError, or JsonDepthError for containers nested deeper than `maxDepth`).
 */
export async function parseJsonInPieces(bytes: Buffer, maxDepth: number, options: PieceOptions = {}): Promise<unknown> {
  const sliceMs = options.sliceMs ?? 4;
  const pieces = options.pieceBytes ?? PIECE_BYTES;
  const parser = new PieceParser(bytes, maxDepth, pieces, options.stringPieceBytes ?? STRING_PIECE_BYTES);
  try {
    for (;;) {
      const largeString = parser.run(performance.now() + sliceMs);
      if (parser.done) return parser.value;
      if (largeString >= 0) {
        const { value, end } = await parseJsonValueYielding(bytes, largeString, maxDepth, sliceMs);
        parser.resume(value, end);
        if (parser.done) return parser.value;
      }
      await largeBodyLane.pass();
    }
  } catch {
    // Out of place somewhere: the yielding parser reads the body from its start and says where.
  }
  options.onFallback?.();
  return parseJsonYielding(bytes, maxDepth, sliceMs);
}
