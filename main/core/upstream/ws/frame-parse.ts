/**
 * JSON.parse for a frame, with a shortcut for the frame an answer is mostly made of: a text or reasoning delta in
 * the exact spelling the server writes (spec §5.4, §8.4), `{"type":"model","event":{"data":{"type":"text-delta",
 * "id":"…","delta":"…"}}}`, the `id` member optional. Such a frame's value is known from where its two strings
 * start and end, so it is built directly. Only a frame whose strings hold no escape and no control character is
 * taken this way (their text is then exactly what JSON.parse would give); any other frame, and any frame
 * spelled even slightly differently, goes through JSON.parse as before. Measured in process: 0.5 against 0.8–1.1 µs
 * a delta frame. (The delta is a slice of the frame's text, so it keeps the
 * frame's few dozen other characters alive with it.)
 */
export function parseFrame(raw: string): unknown {
  let value: unknown;
  if (raw.startsWith(TEXT_DELTA_HEAD)) value = deltaFrame(raw, 'text-delta', TEXT_DELTA_HEAD.length);
  else if (raw.startsWith(REASONING_DELTA_HEAD))
    value = deltaFrame(raw, 'reasoning-delta', REASONING_DELTA_HEAD.length);
  return value !== undefined ? value : (JSON.parse(raw) as unknown);
}

const TEXT_DELTA_HEAD = '{"type":"model","event":{"data":{"type":"text-delta",';
const REASONING_DELTA_HEAD = '{"type":"model","event":{"data":{"type":"reasoning-delta",';
const ID_KEY = '"id":"';
const DELTA_KEY = '"delta":"';
const TAIL = '"}}}';
/** The frame's value, or undefined when it is not exactly that shape with plain strings. */
function deltaFrame(raw: string, type: string, at: number): unknown {
  let id: string | undefined;
  if (raw.startsWith(ID_KEY, at)) {
    const start = at + ID_KEY.length;
    const end = raw.indexOf('"', start);
    if (end < 0 || raw.charCodeAt(end + 1) !== COMMA || !isPlain(raw, start, end)) return undefined;
    id = raw.slice(start, end);
    at = end + 2;
  }
  if (!raw.startsWith(DELTA_KEY, at)) return undefined;
  const start = at + DELTA_KEY.length;
  const end = raw.indexOf('"', start);
  if (end < 0 || end + TAIL.length !== raw.length || !raw.endsWith(TAIL) || !isPlain(raw, start, end)) return undefined;
  const delta = raw.slice(start, end);
  const data = id === undefined ? { type, delta } : { type, id, delta };
  return { type: 'model', event: { data } };
}

const COMMA = 0x2c;
const BACKSLASH = 0x5c;

/** No escape and no control character (which JSON forbids unescaped): the text between the quotes is the string. */
function isPlain(raw: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const code = raw.charCodeAt(i);
    if (code < 0x20 || code === BACKSLASH) return false;
  }
  return true;
}
