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

const RAW_HIGH = /[\x80-\xff]/;
const RAW_HIGH_RUN = /[\x80-\xff]+/g;
/** A `\u0080`–`\u00ff` escape decodes to the same character a raw UTF-8 byte does under latin1; see decodeJson. */
const LATIN1_ESCAPE = /\\u00[89a-fA-F][0-9a-fA-F]/;
const fromLatin1Run = (run: string): string => Buffer.from(run, 'latin1').toString('utf8');

/**
 * UTF-8 JSON to a value, refusing invalid UTF-8 and absurd nesting.
 *
 * Why not `JSON.parse(buffer.toString())`: on Node 20 (V8 11.3), a string with a character beyond latin1 is stored
 * two bytes per character, and past 64K characters it lands in V8's large-object space, which costs ~0.7 ms per
 * allocation. A Claude Code turn is 76 KB with a few hundred em-dashes, so the plain way spends most of the
 * proxy's CPU budget on one allocation. Instead the bytes are read as latin1 (one byte per character, ordinary
 * heap), parsed, and only the strings holding raw UTF-8 bytes are decoded again, each of them small. The walk
 * that does this also enforces the depth limit. When the text mixes raw UTF-8 with `\u0080`–`\u00ff` escapes,
 * the two cannot be told apart afterwards, so that rare body takes the plain path.
 */
export function decodeJson(buffer: Buffer): unknown {
  if (!isUtf8(buffer)) throw new BodyError(400, 'The request body is not valid UTF-8.');
  const ascii = isAscii(buffer);
  const text = buffer.toString("latin1");
  let exact = ascii;
  if (!ascii && LATIN1_ESCAPE.test(text)) exact = true;
  let value: unknown;
  try {
    value = JSON.parse(exact && !ascii ? buffer.toString('utf8') : text);
  } catch (error) {
    throw new BodyError(400, `The request body is not valid JSON: ${(error as Error).message}`);
  }
  return walk(value, 0, !exact);
}

function walk(value: unknown, depth: number, fixText: boolean): unknown {
  if (typeof value === 'string') return fixText && RAW_HIGH.test(value) ? value.replace(RAW_HIGH_RUN, fromLatin1Run) : value;
  if (typeof value !== 'object' || value === null) return value;
  if (depth >= MAX_JSON_DEPTH) {
    throw new BodyError(400, `The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`);
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (typeof item === 'object' ? item !== null : fixText && typeof item === 'string') {
        value[i] = walk(item, depth + 1, fixText);
      }
    }
    return value;
  }
  const record = value as Record<string, unknown>;
  let renamed = false;
  for (const key in record) {
    const item = record[key];
    if (typeof item === 'object' ? item !== null : fixText && typeof item === 'string') {
      record[key] = walk(item, depth + 1, fixText);
    }
    if (fixText && RAW_HIGH.test(key)) renamed = true;
  }
  if (!renamed) return record;
  const rebuilt: Record<string, unknown> = {};
  for (const key in record) {
    // defineProperty, not assignment: JSON.parse makes "__proto__" an own key, and `rebuilt["__proto__"] = v` would
    // instead set the object's prototype to the client's value (dropping the key and exposing its fields).
    Object.defineProperty(rebuilt, RAW_HIGH.test(key) ? key.replace(RAW_HIGH_RUN, fromLatin1Run) : key, {
      value: record[key],
      writable: true,
      enumerable: true,
      configurable: true,
    });
  }
  return rebuilt;
}
