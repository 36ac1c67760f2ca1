const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
const OPEN_BRACE = 0x7b;
const LOWER_D = 0x64;
const LOWER_A = 0x61;
const LOWER_T = 0x74;

export interface SseHandlers {
  /** A decoded JSON payload, with the text it came from (for debug logs). */
  onJson(value: unknown, raw: string): void;
  /** A payload that is not JSON: skipped, but reported so it can be logged. */
  onMalformed?(raw: string): void;
}

/**
 * An incremental `text/event-stream` reader that forgives what upstreams get wrong. It works on bytes, so a chunk
 * may end anywhere, even inside a multi-byte character or between CR and LF; lines end at LF, CRLF or a lone CR;
 * comments and non-data fields are ignored; several `data:` lines make one payload; and a stream that forgets the
 * blank line between events still yields one event per JSON line instead of one giant payload at EOF.
 */
export class SseParser {
  private carry: Buffer | undefined;
  /** The previous chunk ended in CR: an LF at the start of the next one belongs to it. */
  private swallowLf = false;
  private dataLines: string[] = [];
  /** A UTF-8 byte-order mark may open the stream; it is not part of the first field name. */
  private atStart = true;

  constructor(private readonly handlers: SseHandlers) {}

  push(chunk: Buffer): void {
    let buffer = chunk;
    let position = 0;
    if (this.atStart) {
      if (!this.carry && buffer.length < 3) {
        // Too short to tell whether a BOM starts here: wait for more bytes.
        this.carry = Buffer.from(buffer);
        return;
      }
      if (this.carry) {
        buffer = Buffer.concat([this.carry, buffer]);
        this.carry = undefined;
        if (buffer.length < 3) {
          this.carry = buffer;
          return;
        }
      }
      this.atStart = false;
      if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) position = 3;
    }
    if (this.swallowLf && buffer.length > 0) {
      this.swallowLf = false;
      if (buffer[0] === LF) position = 1;
    }
    if (this.carry) {
      buffer = Buffer.concat([this.carry, position ? buffer.subarray(position) : buffer]);
      position = 0;
      this.carry = undefined;
    }
    const length = buffer.length;
    // Where the next CR is, remembered: most streams have none, and searching for it again after every line
    // would rescan the rest of the chunk each time.
    let nextCr = buffer.indexOf(CR, position);
    while (position < length) {
      let lineEnd = buffer.indexOf(LF, position);
      if (nextCr >= 0 && nextCr < position) nextCr = buffer.indexOf(CR, position);
      if (nextCr >= 0 && (lineEnd < 0 || nextCr < lineEnd)) lineEnd = nextCr;
      if (lineEnd < 0) {
        this.carry = Buffer.from(buffer.subarray(position));
        return;
      }
      this.line(buffer, position, lineEnd);
      if (buffer[lineEnd] === CR) {
        if (lineEnd + 1 < length) position = buffer[lineEnd + 1] === LF ? lineEnd + 2 : lineEnd + 1;
        else {
          this.swallowLf = true;
          position = lineEnd + 1;
        }
      } else {
        position = lineEnd + 1;
      }
    }
  }

  /** The stream ended: a last line without its newline and a last event without its blank line still count. */
  end(): void {
    this.atStart = false;
    if (this.carry) {
      const rest = this.carry;
      this.carry = undefined;
      this.line(rest, 0, rest.length);
    }
    this.dispatch();
  }

  private line(buffer: Buffer, start: number, end: number): void {
    if (start === end) {
      this.dispatch();
      return;
    }
    if (buffer[start] === COLON) return; // a comment, such as a keep-alive
    // Compared byte by byte: a four-character string per line would cost a string-table lookup each time.
    if (
      end - start < 4 ||
      buffer[start] !== LOWER_D ||
      buffer[start + 1] !== LOWER_A ||
      buffer[start + 2] !== LOWER_T ||
      buffer[start + 3] !== LOWER_A
    ) {
      return;
    }
    let valueStart = start + 4;
    if (valueStart < end) {
      if (buffer[valueStart] !== COLON) return; // a field that merely starts with "data"
      valueStart += 1;
      if (buffer[valueStart] === SPACE) valueStart += 1;
    }
    // A new JSON object while the previous payload already parses means the blank line was missing.
    if (this.dataLines.length > 0 && buffer[valueStart] === OPEN_BRACE && this.tryDispatchComplete()) {
      // dispatched; fall through to start a new payload
    }
    this.dataLines.push(buffer.toString('utf8', valueStart, end));
  }

  private tryDispatchComplete(): boolean {
    const raw = this.dataLines.join('\n');
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return false;
    }
    this.dataLines = [];
    this.handlers.onJson(value, raw);
    return true;
  }

  private dispatch(): void {
    const lines = this.dataLines;
    if (lines.length === 0) return;
    // The usual event is one line: its array is emptied and kept, not replaced, so each event allocates less.
    const single = lines.length === 1;
    const raw = single ? lines[0]! : lines.join('\n');
    if (single) lines.length = 0;
    else this.dataLines = [];
    if (raw === '' || raw === '[DONE]') return;
    try {
      this.handlers.onJson(JSON.parse(raw), raw);
      return;
    } catch {
      // fall through
    }
    for (const line of single ? [raw] : lines) {
      // The per-line fallback must skip the same sentinels as a whole payload does: a `[DONE]` that lost its
      // blank line is still the end marker, not malformed JSON for the debug log.
      if (line === '' || line === '[DONE]') continue;
      try {
        this.handlers.onJson(JSON.parse(line), line);
      } catch {
        this.handlers.onMalformed?.(line);
      }
    }
  }
}
