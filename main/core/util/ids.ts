import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The alphabet's character codes, and a scratch buffer the usual ids are written into before becoming text. */
const ALPHABET_CODES = Buffer.from(ALPHABET, 'latin1');
const scratch = Buffer.allocUnsafe(64);

/**
 * Random base62 text. Draws bytes in blocks so ids cost no syscall per request, and writes the characters into a
 * buffer made into text once: appending them one by one made a string per character (~1 KB a request).
 */
let pool = randomBytes(4096);
let offset = 0;
export function randomBase62(length: number): string {
  const out = length <= scratch.length ? scratch : Buffer.allocUnsafe(length);
  let written = 0;
  while (written < length) {
    if (offset >= pool.length) {
      pool = randomBytes(4096);
      offset = 0;
    }
    const byte = pool[offset++]!;
    // 248 = 62 * 4: rejecting the top bytes keeps every character equally likely.
    if (byte < 248) out[written++] = ALPHABET_CODES[byte % 62]!;
  }
  return out.toString('latin1', 0, length);
}

/** `value` as exactly `width` base62 digits, most significant first, so the text sorts as the number does. */
export function base62Fixed(value: number, width: number): string {
  let out = '';
  let rest = Math.floor(value);
  for (let i = 0; i < width; i++) {
    out = ALPHABET[rest % 62]! + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

let timePrefixMs = Number.NaN;
let timePrefix = '';

/**
 * Request ids begin with the time (8 base62 digits of milliseconds, good for millennia), then 16 random digits.
 * History is indexed by request id, and ids that arrive in order land on the index's last page: with random ids
 * each insert touched a different page of a large index, which measured ~30 µs a row instead of ~4 µs.
 */
export function newRequestId(now: number = Date.now()): string {
  // Requests under load arrive many to a millisecond: the time digits are worked out once per millisecond.
  if (now !== timePrefixMs) {
    timePrefixMs = now;
    timePrefix = `req_${base62Fixed(now, 8)}`;
  }
  return timePrefix + randomBase62(16);
}
export const newMessageId = (): string => `msg_${randomBase62(24)}`;

/** Anthropic's own tool_use ids: `toolu_` and base62. */
export const newToolUseId = (): string => `toolu_${randomBase62(24)}`;

/**
 * An upstream id already in this form passes as it is. `toolu_o_` starts every spelled-out id and `toolu_h_` every
 * digested one, so both are left out of what passes: renamed and passed-through ids can never meet.
 */
const ANTHROPIC_TOOL_USE_ID = /^toolu_(?![oh]_)[A-Za-z0-9_-]+$/;
const SPELLED_PREFIX = 'toolu_o_';
const DIGESTED_PREFIX = 'toolu_h_';
/**
 * Longer ids are digested: Anthropic states no limit, but tools that carry ids between providers cap them (64 is
 * common), and a spelled-out id grows up to five characters for one.
 */
const MAX_CLIENT_ID = 64;

/**
 * The tool_use id a client is sent for an upstream call id. Clients that replay a conversation to Anthropic itself
 * send every id back, and Anthropic refuses ids outside `^[a-zA-Z0-9_-]+$`; so any other id is spelled out in that
 * alphabet, one-to-one (letters and digits stay, other UTF-16 units become `_hh` or `-hhhh`: no spelling is the
 * start of another, so two ids never share one), or, past 64 characters, digested (144 bits of SHA-256: a shared
 * one is not to be expected). Clients only echo ids back and the upstream pairs them within a conversation, so the
 * renamed id needs no mapping on the way in. An id shorter than 8 may be reused by the upstream turn after turn
 * (`1`, `2`, …): it gets a random one.
 */
export function toolUseIdFor(upstreamId: string): string {
  if (upstreamId.length < 8) return newToolUseId();
  if (upstreamId.length <= MAX_CLIENT_ID && ANTHROPIC_TOOL_USE_ID.test(upstreamId)) return upstreamId;
  let out = SPELLED_PREFIX;
  // By UTF-16 unit, so a lone surrogate is spelled out too rather than turned into U+FFFD like another one.
  for (let i = 0; i < upstreamId.length && out.length <= MAX_CLIENT_ID; i++) {
    const code = upstreamId.charCodeAt(i);
    if (isAlphanumeric(code)) out += upstreamId[i];
    else out += code < 0x100 ? `_${code.toString(16).padStart(2, '0')}` : `-${code.toString(16).padStart(4, '0')}`;
  }
  return out.length <= MAX_CLIENT_ID ? out : DIGESTED_PREFIX + digest24(upstreamId);
}

/** 24 characters of an id's SHA-256 in base64url, whose alphabet is exactly the one tool ids allow. */
export function digest24(id: string): string {
  return createHash('sha256').update(id, 'utf16le').digest('base64url').slice(0, 24);
}

function isAlphanumeric(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}
