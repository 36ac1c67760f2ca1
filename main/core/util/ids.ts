import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Random base62 text. Draws bytes in blocks so ids cost no syscall per request. */
let pool = randomBytes(4096);
let offset = 0;
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    if (offset >= pool.length) {
      pool = randomBytes(4096);
      offset = 0;
    }
    const byte = pool[offset++]!;
    // 248 = 62 * 4: rejecting the top bytes keeps every character equally likely.
    if (byte < 248) out += ALPHABET[byte % 62];
  }
  return out;
}

export const newRequestId = (): string => `req_${randomBase62(24)}`;
export const newMessageId = (): string => `msg_${randomBase62(24)}`;
