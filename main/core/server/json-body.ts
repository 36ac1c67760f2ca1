/**
 * A request body's bytes as a JSON value (server/read-body.ts reads them off the connection): the fast path for the
 * common small body, the yielding ones for a large body, and refusals that quote nothing of the body. BodyError is
 * every refusal of a body, read or decoded.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { parseJsonInPieces } from './json-pieces';
import { findJsonSyntaxError, JsonDepthError, JsonSyntaxError } from './json-yielding';
import { ReusedTools } from '../util/json-reused-tools';

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 408 | 413 | 415 | 529,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/** JSON nested deeper than this is refused: no real request comes close, and recursive code downstream stays safe. */
export const MAX_JSON_DEPTH = 128;

export const notUtf8 = (): BodyError => new BodyError(400, 'The request body is not valid UTF-8.');

const RAW_HIGH_RUN = /[\x80-\xff]+/g;
/** Decoded-and-escaped text per run of raw UTF-8 bytes: a body repeats the same few (em-dashes, quotes, arrows). */
const escapedRuns = new Map<string, string>();
const ESCAPED_RUNS_KEPT = 512;

/**
 * UTF-8 JSON to a value, refusing invalid UTF-8 and absurd nesting.
 *
 * Why not `JSON.parse(buffer.toString())`: on Node 20 (V8 11.3), a string with a character beyond latin1 is stored
 * two bytes per character, and past 64K characters it lands in V8's large-object space, which costs ~0.7 ms per
 * allocation. A Claude Code turn is 76 KB with a few hundred em-dashes, so the plain way spends most of the
 * proxy's CPU budget on one allocation. Instead the bytes are read as latin1 (one byte per character, ordinary
 * heap), and each run of raw UTF-8 bytes is replaced by the JSON escapes of the characters it encodes before
 * parsing. The text stays one byte per character, JSON.parse yields the right strings directly, and only the
 * strings that really hold such characters become two-byte. (Fixing the parsed strings afterwards instead meant
 * testing every one of a turn's ~1,000 strings and keys: three times the cost.)
 */
export function decodeJson(buffer: Buffer, utf8Checked = false): unknown {
  if (!utf8Checked && !isUtf8(buffer)) throw notUtf8();
  try {
    const reused = reusedTools.decode(buffer);
    if (reused !== undefined) return reused;
    const value = parseChecked(buffer);
    reusedTools.learn(buffer, value);
    return value;
  } catch (error) {
    if (error instanceof BodyError) throw error;
    // JSON.parse calls an empty body "Unexpected end of JSON input", which reads like a body cut short.
    if (isBlank(buffer)) throw new BodyError(400, EMPTY_BODY);
    // JSON.parse's own message quotes the body around the error ("Unexpected token 'x', "…sk-ant-…" is not valid
    // JSON"), and a body may hold a secret: the place is found again by a parser whose words quote nothing.
    throw notJson(buffer, findJsonSyntaxError(buffer));
  }
}

/**
 * Where the JSON broke, as line, column (in characters) and byte offset, and what was expected there; nothing of the
 * body is quoted. Without a place (the two parsers disagreeing, which the tests say they do not), only that it broke.
 */
function notJson(buffer: Buffer, error: JsonSyntaxError | undefined): BodyError {
  if (error === undefined) return new BodyError(400, 'The request body is not valid JSON.');
  const at = Math.min(error.position, buffer.length);
  let line = 1;
  let lineStart = 0;
  for (let i = buffer.indexOf(0x0a); i !== -1 && i < at; i = buffer.indexOf(0x0a, i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let column = 1;
  // UTF-8 continuation bytes are not characters of their own.
  for (let i = lineStart; i < at; i++) if ((buffer[i]! & 0xc0) !== 0x80) column++;
  return new BodyError(
    400,
    `The request body is not valid JSON: ${error.message} at line ${line}, column ${column} (byte ${at}).`,
  );
}

/** Nothing but JSON's whitespace (space, tab, LF, CR), read byte by byte: no string of a large body is made. */
function isBlank(buffer: Buffer): boolean {
  for (const byte of buffer) if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return false;
  return true;
}

const EMPTY_BODY = 'The request body is empty: send a JSON object.';

function parseChecked(buffer: Buffer): unknown {
  const value: unknown = JSON.parse(jsonText(buffer));
  checkDepth(value, 0);
  return value;
}

/**
 * A Claude Code turn repeats its 50 KB tool list byte for byte: it is parsed once (util/json-reused-tools.ts). Only
 * bodies within the depth limit are learned, so a reused list (at the top level, as when learned) is within it too.
 */
const reusedTools = new ReusedTools(parseChecked);

/**
 * Bodies from this size on are parsed by the yielding parser: JSON.parse of 256 KB takes about a millisecond, so
 * nothing smaller can stall other clients for long, and the common bodies (up to a 76 KB Claude Code turn and
 * well beyond) keep the fastest path.
 */
export const YIELDING_PARSE_BYTES = 256 * 1024;

/**
 * A file saved with a UTF-8 byte order mark (Windows Notepad's way) and sent as it is, `curl -d @file`: RFC 8259 lets a
 * parser ignore the mark, which JSON.parse would call a character where a value belongs.
 */
export const withoutByteOrderMark = (body: Buffer): Buffer =>
  body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf ? body.subarray(3) : body;

/**
 * Whether a body of this size is large enough that the work proportional to it after parsing (the token estimate,
 * the upstream body's encoding: about 5 and 10 ms per MB) is done in time slices, as its parse was.
 */
export const isLargeBody = (bytes: number): boolean => bytes >= YIELDING_PARSE_BYTES;

/**
 * decodeJson for any size: large bodies are parsed a few milliseconds at a time, in pieces by V8's own parser
 * (server/json-pieces.ts), or by our yielding parser where pieces do not fit (server/json-yielding.ts).
 * `utf8Checked`: readBody has already checked the bytes (its `checkUtf8`).
 */
export async function decodeJsonBody(buffer: Buffer, utf8Checked = false): Promise<unknown> {
  if (buffer.length < YIELDING_PARSE_BYTES) return decodeJson(buffer, utf8Checked);
  if (!utf8Checked && !isUtf8(buffer)) throw notUtf8();
  try {
    return await parseJsonInPieces(buffer, MAX_JSON_DEPTH);
  } catch (error) {
    if (error instanceof JsonDepthError) throw new BodyError(400, depthMessage());
    if (error instanceof JsonSyntaxError) {
      if (isBlank(buffer)) throw new BodyError(400, EMPTY_BODY);
      throw notJson(buffer, error);
    }
    throw error;
  }
}

/**
 * Past this many runs of raw UTF-8 the escaping below costs more than it saves (text that alternates ASCII and
 * non-ASCII, like "a—b—c", is one run per character): the body is then decoded as UTF-8 the plain way.
 */
const MAX_ESCAPED_RUNS = 2048;
let runsLeft = 0;
const TOO_MANY_RUNS = new Error('too many runs of raw UTF-8');

function jsonText(buffer: Buffer): string {
  const latin1 = buffer.toString('latin1');
  if (isAscii(buffer)) return latin1;
  runsLeft = MAX_ESCAPED_RUNS;
  try {
    return latin1.replace(RAW_HIGH_RUN, escapeRun);
  } catch (error) {
    if (error !== TOO_MANY_RUNS) throw error;
    return buffer.toString('utf8');
  }
}

function escapeRun(run: string, offset: number, text: string): string {
  if (--runsLeft < 0) throw TOO_MANY_RUNS;
  // Raw bytes are legal only inside a string. After an escaping backslash they were an invalid escape, which the
  // replacement would turn into a valid `\\u…`: refuse it here, as JSON.parse would have.
  if (text.charCodeAt(offset - 1) === BACKSLASH && escapesNext(text, offset - 1)) {
    throw new BodyError(400, 'The request body is not valid JSON: a backslash escapes a non-ASCII character.');
  }
  let escaped = escapedRuns.get(run);
  if (escaped === undefined) {
    const decoded = Buffer.from(run, 'latin1').toString('utf8');
    escaped = '';
    for (let i = 0; i < decoded.length; i++) escaped += `\\u${decoded.charCodeAt(i).toString(16).padStart(4, '0')}`;
    if (escapedRuns.size < ESCAPED_RUNS_KEPT) escapedRuns.set(run, escaped);
  }
  return escaped;
}

const BACKSLASH = 92;

/** Whether the backslash at `index` escapes the next character (an odd run of backslashes ends there). */
function escapesNext(text: string, index: number): boolean {
  let count = 0;
  while (index - count >= 0 && text.charCodeAt(index - count) === BACKSLASH) count++;
  return count % 2 === 1;
}

/**
 * JSON.parse for JSON carried inside a body's strings (a tool call's arguments), held to the body's own nesting
 * limit: the code downstream (the token estimate, the request's serialisation) recurses through the value. Throws
 * on text that is not JSON or nests deeper.
 */
export function parseNestedJson(text: string): unknown {
  const value: unknown = JSON.parse(text);
  checkDepth(value, 0);
  return value;
}

const depthMessage = (): string => `The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`;

function checkDepth(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_JSON_DEPTH) {
    throw new BodyError(400, depthMessage());
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item === 'object' && item !== null) checkDepth(item, depth + 1);
    }
    return;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    const item = record[key];
    if (typeof item === 'object' && item !== null) checkDepth(item, depth + 1);
  }
}
