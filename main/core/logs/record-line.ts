import { randomBytes } from 'node:crypto';
import type { DebugRecord } from './debug-trace';
import { redactText } from './redact';

/**
 * One debug record as one line of compact JSON, redacted. The upstream bodies arrive as the bytes that were sent
 * (already JSON): they are spliced into the line as they are rather than parsed and serialised again, which was
 * most of a record's cost. A marker no request can contain (a per-process random nonce) holds their place while
 * the rest is serialised.
 */
const NONCE = randomBytes(12).toString('hex');
const marker = (index: number): string => `\u0001${NONCE}:${index}\u0001`;
/** How JSON.stringify writes a marker (control characters become \u0001). */
const quotedMarker = (index: number): string => JSON.stringify(marker(index));

export function recordLine(record: DebugRecord, secrets: readonly string[]): string {
  const bodies: Buffer[] = [];
  const upstream = record.upstream.map((attempt) => {
    if (!Buffer.isBuffer(attempt.body)) return attempt;
    bodies.push(attempt.body);
    return { ...attempt, body: marker(bodies.length - 1) };
  });
  let json = JSON.stringify({ ...record, upstream });
  for (let i = 0; i < bodies.length; i++) json = json.replace(quotedMarker(i), () => bodyJson(bodies[i]!));
  return `${redactText(json, secrets)}\n`;
}

/** The body as JSON text: itself when it is a JSON document (every body the app builds is), else a string. */
function bodyJson(body: Buffer): string {
  const text = body.toString('utf8');
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') {
    // A body that is not one JSON value would break the whole line: checked only when it does not end as it began.
    const last = text.trimEnd().at(-1);
    if ((first === '{' && last === '}') || (first === '[' && last === ']')) return text.replace(/\n/g, ' ');
  }
  return JSON.stringify(text);
}

/** Roughly what a queued record holds in memory: its bodies, events and frames. Cheap, and an overestimate. */
export function recordBytes(record: DebugRecord): number {
  const declared = Number(record.incoming.headers['content-length']);
  let bytes = 1024 + (Number.isFinite(declared) ? declared : 0);
  for (const attempt of record.upstream) {
    bytes += Buffer.isBuffer(attempt.body) ? attempt.body.length : 512;
    for (const event of attempt.events) bytes += event.data.length + 16;
  }
  for (const frame of record.client) bytes += frame.frame.length + 16;
  return bytes;
}
