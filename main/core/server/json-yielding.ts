import { largeBodyLane } from '../util/turn-lane';

/**
 * A JSON parser for large request bodies that gives the event loop back every few milliseconds.
 *
 * JSON.parse is one synchronous call: a 31 MB conversation held every other client for ~0.4 s, and forty of them
 * for seconds. This parser walks the bytes itself, keeps its whole state in fields (an explicit stack, no
 * recursion), and stops at a deadline to be resumed on the next turn of the event loop. Strings, the bulk of any
 * body, are still made by Buffer's native decoders: a string without escapes is one `toString` of its bytes, and
 * one with escapes is handed to JSON.parse on its own. The result equals `JSON.parse(buffer.toString())` (own
 * `__proto__` keys, duplicate keys, number forms); test/unit/json-yielding.test.ts compares them on fuzzed input.
 * The caller has already checked that the bytes are valid UTF-8.
 */

/**
 * Where the JSON broke (a byte offset) and what was wrong there, in words that quote nothing of the input: a body may
 * hold a secret (a pasted cookie, an API key), and the error goes back to the client and into logs.
 */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'JsonSyntaxError';
  }
}

export class JsonDepthError extends Error {
  constructor(readonly maxDepth: number) {
    super(`nested more than ${maxDepth} levels deep`);
    this.name = 'JsonDepthError';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const isDigit = (byte: number | undefined): boolean => byte !== undefined && byte >= ZERO && byte <= NINE;

const enum Expect {
  /** A value (the root, after a colon, or after a comma in an array). */
  Value,
  /** A value or `]` (just after `[`). */
  ValueOrEnd,
  /** A key or `}` (just after `{`). */
  KeyOrEnd,
  /** A key (after a comma in an object). */
  Key,
  Colon,
  /** `,` or the container's end. */
  CommaOrEnd,
  Done,
}

interface Frame {
  array: unknown[] | undefined;
  object: Record<string, unknown> | undefined;
  key: string;
}

/** How many bytes a string scan covers between looks at the clock. */
const SCAN_SLICE = 1 << 16;

class YieldingParser {
  private pos = 0;
  private expect = Expect.Value;
  private readonly stack: Frame[] = [];
  private root: unknown;
  /** A string scan interrupted by the deadline: where it started and how far it got. */
  private stringStart = -1;
  private stringScan = 0;
  private stringEscaped = false;
  private stringHigh = false;
  private stringIsKey = false;

  /**
   * `start`: where the value begins. `wholeInput`: only whitespace may follow the value; otherwise parsing stops
   * at its end (see `end`), as for one piece of a body split by server/json-pieces.ts.
   */
  constructor(
    private readonly bytes: Buffer,
    private readonly maxDepth: number,
    start = 0,
    private readonly wholeInput = true,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.expect === Expect.Done;
  }

  /** Just past the value, once done. */
  get end(): number {
    return this.pos;
  }

  get value(): unknown {
    return this.root;
  }

  /** Parses until the input ends or `deadline` (performance.now()) passes. */
  run(deadline: number): void {
    const bytes = this.bytes;
    const end = bytes.length;
    let tokens = 0;
    if (this.stringStart >= 0 && !this.continueString(deadline)) return;
    while (this.expect !== Expect.Done) {
      if ((++tokens & 255) === 0 && performance.now() > deadline) return;
      let c = bytes[this.pos];
      while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = bytes[++this.pos];
      if (this.pos >= end) throw this.syntax(`expected ${this.expected()}, but the body ends`);
      switch (this.expect) {
        case Expect.Value:
        case Expect.ValueOrEnd:
          if (c === CLOSE_BRACKET && this.expect === Expect.ValueOrEnd) {
            this.pos++;
            this.close();
          } else if (c === QUOTE) {
            this.stringIsKey = false;
            if (!this.startString(deadline)) return;
          } else this.scalarOrOpen(c!);
          break;
        case Expect.KeyOrEnd:
        case Expect.Key:
          if (c === CLOSE_BRACE && this.expect === Expect.KeyOrEnd) {
            this.pos++;
            this.close();
          } else if (c === QUOTE) {
            this.stringIsKey = true;
            if (!this.startString(deadline)) return;
          } else throw this.unexpected();
          break;
        case Expect.Colon:
          if (c !== COLON) throw this.unexpected();
          this.pos++;
          this.expect = Expect.Value;
          break;
        case Expect.CommaOrEnd: {
          const frame = this.stack[this.stack.length - 1]!;
          this.pos++;
          if (c === COMMA) this.expect = frame.array ? Expect.Value : Expect.Key;
          else if (c === (frame.array ? CLOSE_BRACKET : CLOSE_BRACE)) this.close();
          else {
            this.pos--;
            throw this.unexpected();
          }
          break;
        }
      }
    }
  }

  private scalarOrOpen(c: number): void {
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (this.stack.length >= this.maxDepth) throw new JsonDepthError(this.maxDepth);
      this.pos++;
      if (c === OPEN_BRACE) {
        this.stack.push({ array: undefined, object: {}, key: '' });
        this.expect = Expect.KeyOrEnd;
      } else {
        this.stack.push({ array: [], object: undefined, key: '' });
        this.expect = Expect.ValueOrEnd;
      }
      return;
    }
    if (c === MINUS || (c >= ZERO && c <= NINE)) return this.emit(this.number());
    if (this.literal('true')) return this.emit(true);
    if (this.literal('false')) return this.emit(false);
    if (this.literal('null')) return this.emit(null);
    throw this.unexpected();
  }

  private literal(word: string): boolean {
    for (let i = 0; i < word.length; i++) if (this.bytes[this.pos + i] !== word.charCodeAt(i)) return false;
    this.pos += word.length;
    return true;
  }

  /** JSON's number grammar: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)? */
  private number(): number {
    const bytes = this.bytes;
    const start = this.pos;
    let i = start;
    if (bytes[i] === MINUS) i++;
    if (bytes[i] === ZERO) i++;
    else if (isDigit(bytes[i])) while (isDigit(bytes[i])) i++;
    else return this.failAt(i);
    if (bytes[i] === DOT) {
      i++;
      if (!isDigit(bytes[i])) return this.failAt(i);
      while (isDigit(bytes[i])) i++;
    }
    if (bytes[i] === 0x65 || bytes[i] === 0x45) {
      i++;
      if (bytes[i] === PLUS || bytes[i] === MINUS) i++;
      if (!isDigit(bytes[i])) return this.failAt(i);
      while (isDigit(bytes[i])) i++;
    }
    this.pos = i;
    return Number(bytes.toString('latin1', start, i));
  }

  private startString(deadline: number): boolean {
    this.stringStart = this.pos;
    this.stringScan = this.pos + 1;
    this.stringEscaped = false;
    this.stringHigh = false;
    return this.continueString(deadline);
  }

  /** Finds the closing quote, noting escapes and non-ASCII bytes; false when the deadline interrupted it. */
  private continueString(deadline: number): boolean {
    const bytes = this.bytes;
    const end = bytes.length;
    let i = this.stringScan;
    for (;;) {
      const sliceEnd = Math.min(end, i + SCAN_SLICE);
      for (; i < sliceEnd; i++) {
        const b = bytes[i]!;
        if (b === QUOTE) break;
        if (b === BACKSLASH) {
          this.stringEscaped = true;
          i++; // the escaped character cannot end the string; JSON.parse checks the escape itself
        } else if (b < 0x20) {
          this.pos = i;
          throw this.syntax(
            `a control character (U+${b.toString(16).padStart(4, '0').toUpperCase()}) in a string: escape it`,
          );
        } else if (b >= 0x80) this.stringHigh = true;
      }
      if (i < sliceEnd || (i < end && bytes[i] === QUOTE)) break;
      if (i >= end) {
        this.pos = this.stringStart;
        throw this.syntax('a string starts here and is not closed before the body ends');
      }
      if (performance.now() > deadline) {
        this.stringScan = i;
        return false;
      }
    }
    const start = this.stringStart;
    this.stringStart = -1;
    this.pos = i + 1;
    let text: string;
    if (this.stringEscaped) {
      try {
        text = JSON.parse(bytes.toString('utf8', start, i + 1)) as string;
      } catch {
        this.pos = badEscape(bytes, start + 1, i);
        throw this.syntax('an invalid escape in a string');
      }
    } else text = bytes.toString(this.stringHigh ? 'utf8' : 'latin1', start + 1, i);
    if (this.stringIsKey) {
      this.stack[this.stack.length - 1]!.key = text;
      this.expect = Expect.Colon;
    } else this.emit(text);
    return true;
  }

  private emit(value: unknown): void {
    const frame = this.stack[this.stack.length - 1];
    if (!frame) {
      this.root = value;
      this.expect = Expect.Done;
      if (this.wholeInput) this.trailing();
      return;
    }
    if (frame.array) frame.array.push(value);
    else setOwn(frame.object!, frame.key, value);
    this.expect = Expect.CommaOrEnd;
  }

  private close(): void {
    const frame = this.stack.pop()!;
    this.emit(frame.array ?? frame.object);
  }

  /** Only whitespace may follow the root value. */
  private trailing(): void {
    const bytes = this.bytes;
    let i = this.pos;
    while (i < bytes.length) {
      const c = bytes[i];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) {
        this.pos = i;
        throw this.unexpected();
      }
      i++;
    }
  }

  /** Inside a number: the digit its grammar needs at `at`. */
  private failAt(at: number): never {
    this.pos = at;
    throw this.syntax(at >= this.bytes.length ? 'expected a digit, but the body ends' : 'expected a digit');
  }

  /** What was found is not said, only what was expected: the byte is the input's. */
  private unexpected(): JsonSyntaxError {
    return this.syntax(`expected ${this.expected()}`);
  }

  private expected(): string {
    switch (this.expect) {
      case Expect.Value:
        return 'a value';
      case Expect.ValueOrEnd:
        return "a value or ']'";
      case Expect.KeyOrEnd:
        return "a property name in double quotes or '}'";
      case Expect.Key:
        return 'a property name in double quotes';
      case Expect.Colon:
        return "':' after the property name";
      case Expect.CommaOrEnd:
        return this.stack[this.stack.length - 1]!.array ? "',' or ']'" : "',' or '}'";
      case Expect.Done:
        return 'nothing more after the JSON value';
    }
  }

  private syntax(message: string): JsonSyntaxError {
    return new JsonSyntaxError(message, this.pos);
  }
}

/** Where the first invalid escape in the string's bytes from `from` to `to` is (`from` if none is found). */
function badEscape(bytes: Buffer, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    if (bytes[i] !== BACKSLASH) continue;
    const next = bytes[i + 1]!;
    if (next === 0x75) {
      for (let k = i + 2; k < i + 6; k++) if (!HEX.test(String.fromCharCode(bytes[k] ?? 0))) return i;
      i += 5;
    } else if (!SIMPLE_ESCAPES.has(next)) return i;
    else i++;
  }
  return from;
}

const HEX = /^[0-9a-fA-F]$/;
/** The characters JSON allows after a backslash, `u` aside. */
const SIMPLE_ESCAPES = new Set([...'"\\/bfnrt'].map((c) => c.charCodeAt(0)));

/**
 * The first syntax error in `bytes` (valid UTF-8), found by reading them in one go: for a small body JSON.parse
 * refused, whose own message quotes the body around the error.
 */
export function findJsonSyntaxError(bytes: Buffer): JsonSyntaxError | undefined {
  try {
    new YieldingParser(bytes, Infinity).run(Infinity);
  } catch (error) {
    if (error instanceof JsonSyntaxError) return error;
    throw error;
  }
  return undefined;
}

/** JSON.parse makes `"__proto__"` an own property; a plain assignment would set the prototype instead. */
export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
  } else object[key] = value;
}

/** One large body's slice per turn of the event loop, however many are being parsed (util/turn-lane.ts). */
const nextTurn = (): Promise<void> => largeBodyLane.pass();

/**
 * Parses `bytes` (valid UTF-8) as JSON, working at most `sliceMs` at a time. Throws JsonSyntaxError or
 * JsonDepthError (containers nested deeper than `maxDepth`).
 */
export async function parseJsonYielding(bytes: Buffer, maxDepth: number, sliceMs = 4): Promise<unknown> {
  return (await parseJsonValueYielding(bytes, 0, maxDepth, sliceMs, true)).value;
}

/**
 * The one JSON value that starts at `start` (whitespace before it allowed), and the offset just past it; whatever
 * follows is left alone unless `wholeInput`, when only whitespace may follow. The first slice starts at once.
 */
export async function parseJsonValueYielding(
  bytes: Buffer,
  start: number,
  maxDepth: number,
  sliceMs = 4,
  wholeInput = false,
): Promise<{ value: unknown; end: number }> {
  const parser = new YieldingParser(bytes, maxDepth, start, wholeInput);
  for (;;) {
    parser.run(performance.now() + sliceMs);
    if (parser.done) return { value: parser.value, end: parser.end };
    await nextTurn();
  }
}
