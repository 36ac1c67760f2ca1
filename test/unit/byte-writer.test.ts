import { describe, expect, it } from 'vitest';
import { ByteWriter, upstreamCapacity } from '../../main/core/util/byte-writer';
import { encodeJsonYielding, jsonPieces } from '../../main/core/util/json-buffer';
import { TimeSlices } from '../../main/core/util/time-slices';

/** Characters whose UTF-8 length differs from their UTF-16 length, and ones JSON must escape. */
const awkward = ['é', '🍵', '—', '"', '\\', '\n', '\u0000', '\u2028', '\ud800', '\udfff', 'a'];

/** A string of `length` characters cycling through `awkward`, starting `shift` places in. */
function awkwardText(length: number, shift: number): string {
  let text = '';
  for (let i = 0; text.length < length; i++) text += awkward[(i + shift) % awkward.length];
  return text;
}

describe('ByteWriter', () => {
  it('writes JSON pieces to the bytes of JSON.stringify, wherever its runs and its growth cut them', () => {
    // Lengths around the 8K-character run and the 16K-character slice of long strings, each shifted so that a
    // surrogate pair or an escape falls on every boundary in one of them; a capacity of 0 grows many times.
    for (const length of [8191, 8192, 8193, 16_383, 16_384, 16_385, 40_000]) {
      for (let shift = 0; shift < awkward.length; shift++) {
        const value = { a: [awkwardText(length, shift), 'x'.repeat(shift)], b: awkwardText(100, shift) };
        const writer = new ByteWriter(0);
        for (const piece of jsonPieces(value, 3)) writer.text(piece);
        expect(writer.finish().equals(Buffer.from(JSON.stringify(value))), `${length}/${shift}`).toBe(true);
      }
    }
  });

  it('keeps its one buffer when the hint is large enough, and grows to fit when it is not', async () => {
    const value = { text: awkwardText(300_000, 3), list: Array.from({ length: 1000 }, (_, i) => ({ i })) };
    const expected = Buffer.from(JSON.stringify(value));
    for (const hint of [0, expected.length - 1, expected.length, upstreamCapacity(expected.length)]) {
      const writer = new ByteWriter(hint);
      await encodeJsonYielding(writer, value, new TimeSlices(0));
      const bytes = writer.finish();
      expect(bytes.equals(expected), String(hint)).toBe(true);
      // A hint that is big enough means the result is a view of the Buffer made at the start, never copied.
      if (hint >= expected.length) expect(bytes.buffer.byteLength).toBeGreaterThanOrEqual(hint);
    }
  });

  it('mixes text with raw bytes, repeats a written part, and takes back the last bytes', () => {
    const writer = new ByteWriter(4);
    writer.text('{"a":');
    const start = writer.offset();
    writer.text('"é🍵"');
    const end = writer.offset();
    writer.bytes(Buffer.from(',"b":'));
    writer.repeat(start, end);
    writer.text('}');
    writer.unwrite(1);
    writer.bytes(Buffer.from(',"c":1}'));
    expect(writer.finish().toString()).toBe('{"a":"é🍵","b":"é🍵","c":1}');
  });
});
