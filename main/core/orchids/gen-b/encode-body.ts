import { ByteWriter, upstreamCapacity } from '../../util/byte-writer';
import {
  encodeJsonPieces,
  encodeJsonToBuffer,
  joinJsonPieces,
  JSON_PIECE_CHARS,
  writeJsonYielding,
} from '../../util/json-buffer';
import type { TimeSlices } from '../../util/time-slices';
import type { GenBBody, GenBMessage, GenBTransport } from './types';

/** Generation A's bound (../encode-body.ts), for the same reason: past it the JSON text could reach 64K characters. */
const PIECEWISE_ABOVE = 30_000;
/**
 * message → content → block → a tool_result's content → one of its blocks → that block's source: deep enough
 * that every place a long string sits in a message (text, tool output, base64 data) is reached and sliced.
 */
const MESSAGE_WALK_DEPTH = 6;
/** Deeper than any real request: a value nested past this is assumed large, which is only ever slower, not wrong. */
const MEASURE_DEPTH = 64;

const MESSAGES_KEY = Buffer.from('{"messages":');

/**
 * The body as sent: the JSON text plus a trailing "\n", as the reference client's encoder wrote it for both the
 * WebSocket frame (§5.2) and the SSE body (§6.2).
 *
 * WebSocket: {"messages":…,"modelName":…,"maxTokens":…,"config":{"system":…,"thinkingMode":…}}
 * SSE:       {"messages":…,"model":…,"modelName":…,"system":…,"maxTokens":…,"config":{…}}
 *
 * The SSE form's top-level `system` is left out when the system text is empty: it was an `omitempty` field of the
 * reference client's struct (§4.1), while `config.system` sat in a map and was always written.
 *
 * The messages and the system text are encoded separately and the frame around them is written here, so the SSE
 * form's second copy of the system text (often 12K characters of Claude Code's prompt) costs a memcpy instead of a
 * second JSON.stringify. Each part is one JSON.stringify unless its text could pass V8's large-object threshold
 * (~64K characters of a two-byte string; see util/json-buffer.ts); then it is encoded in pieces.
 */
export function encodeGenBBody(body: GenBBody, transport: GenBTransport): Buffer {
  const system = body.config.system;
  if (system.length <= SMALL_BODY_CHARS && textFits(body.messages, SMALL_BODY_CHARS - system.length)) {
    return Buffer.from(smallBodyText(body, transport));
  }
  return frame(body, transport, [encodeMessages(body.messages)], systemJson(system));
}

/**
 * At most this many characters of messages and system text together make a body "small": it is written as one
 * string and encoded once. Most requests are small (a title, a one-line question, a quota probe), and for them
 * the parts' Buffer.from calls and the concat of the general path cost about half the encoder's time. A larger
 * system text (Claude Code's) is better served by its cached bytes (systemJson).
 */
const SMALL_BODY_CHARS = 2048;

/** The same text `frame` writes, as one string. */
function smallBodyText(body: GenBBody, transport: GenBTransport): string {
  const messages = JSON.stringify(body.messages);
  const model = JSON.stringify(body.modelName);
  const system = JSON.stringify(body.config.system);
  const thinkingMode = JSON.stringify(body.config.thinkingMode);
  const maxTokens = JSON.stringify(body.maxTokens);
  const config = `,"maxTokens":${maxTokens},"config":{"system":${system},"thinkingMode":${thinkingMode}}}\n`;
  if (transport === 'ws') return `{"messages":${messages},"modelName":${model}${config}`;
  const topSystem = body.config.system === '' ? '' : `,"system":${system}`;
  return `{"messages":${messages},"model":${model},"modelName":${model}${topSystem}${config}`;
}

/**
 * encodeGenBBody for a large body, the same bytes worked out a few milliseconds at a time (util/time-slices.ts):
 * a 31 MB conversation once took 300 ms in one go, and every other client waited for it. They are written into one
 * Buffer sized from `clientBytes`, the size of the client's body (util/byte-writer.ts).
 */
export async function encodeGenBBodyYielding(
  body: GenBBody,
  transport: GenBTransport,
  slices: TimeSlices,
  clientBytes: number,
): Promise<Buffer> {
  const writer = new ByteWriter(upstreamCapacity(clientBytes));
  writer.bytes(MESSAGES_KEY);
  await writeMessagesYielding(writer, body.messages, slices);
  const model = JSON.stringify(body.modelName);
  const configOpen = `,"maxTokens":${JSON.stringify(body.maxTokens)},"config":{"system":`;
  const text = body.config.system;
  const twice = transport === 'sse' && text !== '';
  const models = transport === 'ws' ? `,"modelName":${model}` : `,"model":${model},"modelName":${model}`;
  writer.text(twice ? `${models},"system":` : `${models}${configOpen}`);
  const systemAt = writer.offset();
  if (text.length <= RECENT_SYSTEM_MAX_CHARS) writer.bytes(systemJson(text));
  else await writeJsonYielding(writer, text, 0, slices);
  if (twice) {
    // The SSE form holds the system text twice: the second is a copy of the first's bytes.
    const systemEnd = writer.offset();
    writer.text(configOpen);
    writer.repeat(systemAt, systemEnd);
  }
  writer.text(`,"thinkingMode":${JSON.stringify(body.config.thinkingMode)}}}\n`);
  return writer.finish();
}

/** The frame around the separately encoded parts; encodeGenBBodyYielding writes the same bytes in the same order. */
function frame(body: GenBBody, transport: GenBTransport, messages: Buffer[], system: Buffer): Buffer {
  const model = JSON.stringify(body.modelName);
  const configOpen = `,"maxTokens":${JSON.stringify(body.maxTokens)},"config":{"system":`;
  const end = Buffer.from(`,"thinkingMode":${JSON.stringify(body.config.thinkingMode)}}}\n`);
  if (transport === 'ws') {
    return Buffer.concat([MESSAGES_KEY, ...messages, Buffer.from(`,"modelName":${model}${configOpen}`), system, end]);
  }
  const models = `,"model":${model},"modelName":${model}`;
  if (body.config.system === '') {
    return Buffer.concat([MESSAGES_KEY, ...messages, Buffer.from(`${models}${configOpen}`), system, end]);
  }
  const head = Buffer.from(`${models},"system":`);
  return Buffer.concat([MESSAGES_KEY, ...messages, head, system, Buffer.from(configOpen), system, end]);
}

/**
 * The JSON bytes of the last few distinct system texts. Claude Code sends the same system prompt with every turn,
 * about 12K characters that its em-dashes make two-byte, and encoding it is half of this encoder's time on that
 * turn; finding it again costs a few string comparisons. Kept small and only for texts of ordinary size, so an unusual
 * client cannot make it hold much memory.
 */
const recentSystems: Array<{ text: string; json: Buffer }> = [];
const RECENT_SYSTEMS = 8;
const RECENT_SYSTEM_MAX_CHARS = 64 * 1024;

function systemJson(text: string): Buffer {
  for (let i = 0; i < recentSystems.length; i++) {
    const entry = recentSystems[i]!;
    if (entry.text === text) return entry.json;
  }
  const json = encodeJsonToBuffer(text);
  if (text.length <= RECENT_SYSTEM_MAX_CHARS) {
    if (recentSystems.length >= RECENT_SYSTEMS) recentSystems.shift();
    recentSystems.push({ text, json });
  }
  return json;
}

function encodeMessages(messages: readonly GenBMessage[]): Buffer {
  if (textFits(messages, PIECEWISE_ABOVE)) return Buffer.from(JSON.stringify(messages));
  const pieces: string[] = [];
  const push = (piece: string): void => {
    pieces.push(piece);
  };
  push('[');
  for (let i = 0; i < messages.length; i++) {
    if (i > 0) push(',');
    const message = messages[i];
    // Most messages of even a very long conversation are short: those stay one native JSON.stringify each.
    if (textFits(message, JSON_PIECE_CHARS)) push(JSON.stringify(message));
    else encodeJsonPieces(message, MESSAGE_WALK_DEPTH, push);
  }
  push(']');
  return joinJsonPieces(pieces);
}

/** encodeMessages in time slices, written to `writer`. */
async function writeMessagesYielding(
  writer: ByteWriter,
  messages: readonly GenBMessage[],
  slices: TimeSlices,
): Promise<void> {
  writer.text('[');
  for (let i = 0; i < messages.length; i++) {
    if (i > 0) writer.text(',');
    const message = messages[i];
    if (textFits(message, JSON_PIECE_CHARS)) writer.text(JSON.stringify(message));
    else await writeJsonYielding(writer, message, MESSAGE_WALK_DEPTH, slices);
    if (slices.due()) await slices.pause();
  }
  writer.text(']');
}

/**
 * Whether the strings, keys and scalars in `value` add up to at most `budget` characters: a lower bound of its
 * JSON length (escapes are not counted), found without serialising anything and given up as soon as it is passed.
 */
function textFits(value: unknown, budget: number): boolean {
  return remainingAfter(value, budget, 0) >= 0;
}

function remainingAfter(value: unknown, budget: number, depth: number): number {
  if (typeof value === 'string') return budget - value.length - 2;
  if (value === null || typeof value !== 'object') return budget - 5;
  if (depth > MEASURE_DEPTH) return -1;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && budget >= 0; i++) budget = remainingAfter(value[i], budget - 1, depth + 1);
    return budget;
  }
  for (const key in value) {
    budget = remainingAfter((value as Record<string, unknown>)[key], budget - key.length - 4, depth + 1);
    if (budget < 0) break;
  }
  return budget;
}
