import type { IncomingMessage } from 'node:http';
import { isAscii, isUtf8 } from 'node:buffer';

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/** JSON nested deeper than this is refused: no real request comes close, and recursive code downstream stays safe. */
export const MAX_JSON_DEPTH = 128;

/** Reads the whole body, refusing it as soon as it passes `limit` bytes (before buffering it all). */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    return Promise.reject(new BodyError(413, tooLarge(limit)));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        request.resume(); // drain without keeping it
        reject(new BodyError(413, tooLarge(limit)));
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    request.once('error', reject);
  });
}

function tooLarge(limit: number): string {
  return `Request exceeds the maximum allowed number of bytes (${limit}).`;
}

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
export function decodeJson(buffer: Buffer): unknown {
  if (!isUtf8(buffer)) throw new BodyError(400, 'The request body is not valid UTF-8.');
  const latin1 = buffer.toString('latin1');
  const text = isAscii(buffer) ? latin1 : latin1.replace(RAW_HIGH_RUN, escapeRun);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BodyError(400, `The request body is not valid JSON: ${(error as Error).message}`);
  }
  checkDepth(value, 0);
  return value;
}

function escapeRun(run: string, offset: number, text: string): string {
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

function checkDepth(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_JSON_DEPTH) {
    throw new BodyError(400, `The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`);
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
