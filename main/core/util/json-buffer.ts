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

export function encodeJsonToBuffer(value: unknown): Buffer {
  const pieces: string[] = [];
  const push = (piece: string): void => {
    pieces.push(piece);
  };
  encode(value, WALK_DEPTH, push);
  // Join small runs so the number of Buffers stays low; each join stays far below the large-object threshold.
  const buffers: Buffer[] = [];
  let run = '';
  for (const piece of pieces) {
    if (run.length + piece.length > SLICE) {
      if (run) buffers.push(Buffer.from(run, 'utf8'));
      run = '';
    }
    if (piece.length > SLICE) buffers.push(Buffer.from(piece, 'utf8'));
    else run += piece;
  }
  if (run) buffers.push(Buffer.from(run, 'utf8'));
  return buffers.length === 1 ? buffers[0]! : Buffer.concat(buffers);
}

function encode(value: unknown, depth: number, push: (piece: string) => void): void {
  if (typeof value === 'string') {
    encodeString(value, push);
    return;
  }
  if (depth === 0 || value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    const json = JSON.stringify(value);
    push(json === undefined ? 'null' : json);
    return;
  }
  if (Array.isArray(value)) {
    push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) push(',');
      const item = value[i];
      if (item === undefined || typeof item === 'function' || typeof item === 'symbol') push('null');
      else encode(item, depth - 1, push);
    }
    push(']');
    return;
  }
  push('{');
  let first = true;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
    push(first ? `${JSON.stringify(key)}:` : `,${JSON.stringify(key)}:`);
    first = false;
    encode(item, depth - 1, push);
  }
  push('}');
}

function encodeString(text: string, push: (piece: string) => void): void {
  if (text.length <= SLICE) {
    push(JSON.stringify(text));
    return;
  }
  push('"');
  for (let start = 0; start < text.length; start += SLICE) {
    // A surrogate pair split across two slices becomes two \u escapes, which JSON reads back as the same pair.
    const json = JSON.stringify(text.slice(start, start + SLICE));
    push(json.slice(1, -1));
  }
  push('"');
}
