import type { DebugRecord, UpstreamAttemptRecord } from './debug-trace';
import { redactHeaders, redactText } from './redact';

/**
 * One debug record as one line of compact JSON, redacted: the headers by name, then one pass of the patterns and
 * the literal secrets over the whole line. This is most of what a record costs (a thousand a second at full load,
 * against a budget of a few tens of microseconds each), so the line is assembled member by member rather than
 * serialised from copies of the record, and the bodies the app sent upstream arrive as the bytes that were sent
 * (already JSON): they are spliced in as they are rather than parsed and serialised again.
 */
export function recordLine(record: DebugRecord, secrets: readonly string[]): string {
  const { incoming } = record;
  let line =
    `{"version":${record.version},"requestId":${JSON.stringify(record.requestId)},` +
    `"file":${JSON.stringify(record.file)},"summary":${JSON.stringify(record.summary)},` +
    `"incoming":{${incoming.path === undefined ? '' : `"path":${JSON.stringify(incoming.path)},`}` +
    `"headers":${JSON.stringify(redactHeaders(incoming.headers))}`;
  if (incoming.body !== undefined) line += `,"body":${valueJson(incoming.body)}`;
  line += '},"upstream":[';
  for (let i = 0; i < record.upstream.length; i++) line += (i > 0 ? ',' : '') + attemptJson(record.upstream[i]!);
  line += `],"client":${JSON.stringify(record.client)}`;
  if (record.answeredBy !== undefined) line += `,"answeredBy":${JSON.stringify(record.answeredBy)}`;
  line += '}';
  return `${redactText(line, secrets)}\n`;
}

/** The members in the order the record has always had them; those never set are left out, as JSON.stringify does. */
function attemptJson(attempt: UpstreamAttemptRecord): string {
  let json =
    `{"accountId":${JSON.stringify(attempt.accountId)},"protocol":${JSON.stringify(attempt.protocol)},` +
    `"url":${JSON.stringify(attempt.url)},"headers":${JSON.stringify(redactHeaders(attempt.headers))}`;
  if (attempt.body !== undefined) json += `,"body":${valueJson(attempt.body)}`;
  json += `,"events":${JSON.stringify(attempt.events)}`;
  if (attempt.continues) json += ',"continues":true';
  if (attempt.status !== undefined) json += `,"status":${JSON.stringify(attempt.status)}`;
  if (attempt.responseHeaders !== undefined)
    json += `,"responseHeaders":${JSON.stringify(redactHeaders(attempt.responseHeaders))}`;
  if (attempt.failure !== undefined) json += `,"failure":${JSON.stringify(attempt.failure)}`;
  if (attempt.unmappedToolCalls !== undefined)
    json += `,"unmappedToolCalls":${JSON.stringify(attempt.unmappedToolCalls)}`;
  return `${json}}`;
}

function valueJson(value: unknown): string {
  return Buffer.isBuffer(value) ? bodyJson(value) : (JSON.stringify(value) ?? 'null');
}

/** JSON's insignificant whitespace: space, tab, line feed, carriage return. */
const isSpace = (byte: number | undefined): boolean => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * A body as JSON text: itself when it is a JSON object or array (every body the app builds is one), else a JSON
 * string holding its text, so that no body can break the line. The shape is checked at its ends on the bytes, then
 * the text is parsed once to prove it is one JSON value (a parse is a fraction of the parse and serialise it
 * replaces). A raw line feed (only possible as whitespace between members) becomes a space: one record, one line.
 */
export function bodyJson(body: Buffer): string {
  let start = 0;
  let end = body.length - 1;
  while (start <= end && isSpace(body[start])) start++;
  while (end > start && isSpace(body[end])) end--;
  const first = body[start];
  const last = body[end];
  const text = body.toString('utf8');
  if ((first === 0x7b && last === 0x7d) || (first === 0x5b && last === 0x5d)) {
    try {
      JSON.parse(text);
      return text.replace(/\n/g, ' ');
    } catch {
      // not JSON after all: kept as text below
    }
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
