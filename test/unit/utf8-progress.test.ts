import { isUtf8 } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { Utf8Progress } from '../../main/core/server/utf8-progress';
import { seeded } from '../helpers/random';

/** One, two, three and four-byte characters. */
const characters = ['a', '{', 'é', 'ß', '—', '€', '🍵', '𝄞'];

/** Damage that makes UTF-8 invalid: a stray continuation byte, a cut character, an overlong form, a surrogate. */
const damages: Array<(bytes: Buffer, at: number) => Buffer> = [
  (bytes, at) => Buffer.concat([bytes.subarray(0, at), Buffer.from([0x80]), bytes.subarray(at)]),
  (bytes, at) => Buffer.concat([bytes.subarray(0, at), Buffer.from([0xe2, 0x80]), bytes.subarray(at)]),
  (bytes, at) => Buffer.concat([bytes.subarray(0, at), Buffer.from([0xc0, 0xaf]), bytes.subarray(at)]),
  (bytes, at) => Buffer.concat([bytes.subarray(0, at), Buffer.from([0xed, 0xa0, 0x80]), bytes.subarray(at)]),
  (bytes, at) => Buffer.concat([bytes.subarray(0, at), Buffer.from([0xff]), bytes.subarray(at)]),
  (bytes) => Buffer.concat([bytes, Buffer.from([0xf0, 0x9f, 0x8d])]),
];

/** Feeds `bytes` as a buffer filling in chunks cut at random places, as readBody does. */
function checkInChunks(bytes: Buffer, next: () => number): boolean {
  const progress = new Utf8Progress();
  const filling = Buffer.alloc(bytes.length);
  let size = 0;
  while (size < bytes.length) {
    const chunk = Math.min(bytes.length - size, 1 + Math.floor(next() * 9));
    bytes.copy(filling, size, size, size + chunk);
    size += chunk;
    progress.advance(filling, size);
  }
  return progress.complete(filling);
}

describe('Utf8Progress', () => {
  it('gives the verdict of one isUtf8 of the whole, however the bytes are cut', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const next = seeded(seed);
      let text = '';
      for (let i = 0; i < 40; i++) text += characters[Math.floor(next() * characters.length)];
      const valid = Buffer.from(text);
      expect(checkInChunks(valid, next), `seed ${seed}`).toBe(true);
      const damage = damages[seed % damages.length]!;
      const broken = damage(valid, Math.floor(next() * valid.length));
      expect(isUtf8(broken)).toBe(false);
      expect(checkInChunks(broken, next), `seed ${seed}, damage ${seed % damages.length}`).toBe(false);
    }
  });

  it('waits for the rest of a character cut at the end of what has arrived', () => {
    const bytes = Buffer.from('ab🍵');
    const progress = new Utf8Progress();
    for (let end = 1; end <= bytes.length; end++) progress.advance(bytes, end);
    expect(progress.complete(bytes)).toBe(true);
    // A body that ends in the middle of a character is refused at the end.
    const cut = new Utf8Progress();
    cut.advance(bytes, bytes.length - 1);
    expect(cut.complete(bytes.subarray(0, bytes.length - 1))).toBe(false);
  });
});
