import { describe, expect, it } from 'vitest';
import { EncodedBodyError, ZstdFrameWalker, type ZstdUnit } from '../../main/core/server/zstd-frames';
import {
  blockOfType,
  frameHeader,
  rawBlock,
  rleBlock,
  sequenceBomb,
  skippableFrame,
  zstdFixture,
} from '../helpers/zstd';

/** The walk of zstd-frames.ts on its own: what it passes on (whole units, in order) and what it refuses. */
const MB = 1024 * 1024;
const GB = 1024 * MB;

function walk(body: Buffer, limit = 2 * MB, chunkBytes = body.length): ZstdUnit[] {
  const walker = new ZstdFrameWalker(limit);
  const units: ZstdUnit[] = [];
  for (let at = 0; at < body.length; at += chunkBytes) units.push(...walker.push(body.subarray(at, at + chunkBytes)));
  walker.end();
  return units;
}

function refusal(body: Buffer, limit = 2 * MB): EncodedBodyError {
  try {
    walk(body, limit);
  } catch (error) {
    expect(error).toBeInstanceOf(EncodedBodyError);
    return error as EncodedBodyError;
  }
  throw new Error('the walk accepted it');
}

const kinds = (units: ZstdUnit[]): string => units.map((unit) => unit.kind[0]).join('');

describe('ZstdFrameWalker passes on', () => {
  it('a frame written by the zstd CLI as whole units, byte for byte, however the body is split', () => {
    const body = zstdFixture('claude-code-l19.json.zst');
    const whole = walk(body);
    expect(whole[0]).toMatchObject({
      kind: 'header',
      frame: { contentSize: 76314, windowSize: 76314, checksum: true },
    });
    expect(kinds(whole)).toMatch(/^hb+c$/);
    expect(Buffer.concat(whole.map((unit) => unit.bytes)).equals(body)).toBe(true);
    for (const chunkBytes of [1, 7, 4096]) {
      const split = walk(body, 2 * MB, chunkBytes);
      expect(split.map((unit) => unit.bytes.length)).toEqual(whole.map((unit) => unit.bytes.length));
      expect(Buffer.concat(split.map((unit) => unit.bytes)).equals(body)).toBe(true);
    }
  });

  it('a streamed frame (window descriptor, no content size, no checksum) and two frames back to back', () => {
    const streamed = walk(zstdFixture('claude-code-streamed.json.zst'));
    expect(streamed[0]).toMatchObject({ frame: { windowSize: 2 * MB, contentSize: undefined, checksum: false } });
    expect(kinds(streamed)).toMatch(/^hb+$/);
    expect(kinds(walk(zstdFixture('claude-code-two-frames.json.zst')))).toMatch(/^hb+chb+$/);
  });

  it('skippable frames of every magic number, before, between and after, as nothing', () => {
    const frame = zstdFixture('chat.json.zst');
    const body = Buffer.concat([
      skippableFrame(Buffer.alloc(3000, 1), 0),
      frame,
      skippableFrame(Buffer.alloc(0), 15),
      frame,
      skippableFrame(Buffer.from('trailing metadata'), 7),
    ]);
    const units = walk(body, 2 * MB, 5);
    expect(Buffer.concat(units.map((unit) => unit.bytes))).toEqual(Buffer.concat([frame, frame]));
  });

  it('a window or content size right at the limit, and a dictionary ID of 0 (which means none)', () => {
    expect(walk(Buffer.concat([frameHeader({ window: 11 << 3 }), rleBlock(0x20, 100)]), 2 * MB)).toHaveLength(2);
    expect(walk(Buffer.concat([frameHeader({ contentSize: 100 }), rleBlock(0x20, 100)]), 100)).toHaveLength(2);
    const noDictionary = Buffer.concat([
      frameHeader({ contentSize: 5, dictionary: 0 }),
      rawBlock(Buffer.from('hello')),
    ]);
    expect(walk(noDictionary)).toHaveLength(2);
  });
});

describe('ZstdFrameWalker takes the window from the body budget', () => {
  it('the largest window so far, as frames arrive (one is alive at a time), and a 529 when it cannot', () => {
    const taken: number[] = [];
    const frame = (window: number) => Buffer.concat([frameHeader({ window }), rleBlock(0x20, 10)]);
    const walker = new ZstdFrameWalker(4 * MB, (bytes) => (taken.push(bytes), true));
    walker.push(Buffer.concat([frame(10 << 3), frame(11 << 3), frame(10 << 3), frame(11 << 3)]));
    expect(taken).toEqual([MB, MB]);
    const refusing = new ZstdFrameWalker(4 * MB, () => false);
    let error: unknown;
    try {
      refusing.push(frame(10 << 3));
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ status: 529 });
  });
});

describe('ZstdFrameWalker refuses, before any decoder sees the frame', () => {
  it.each([
    ['a 2 GB window', frameHeader({ window: 21 << 3 })],
    ['a 1.5 GB window (fzstd would allocate it)', frameHeader({ window: (20 << 3) | 4 })],
    ['a window one step past the limit', frameHeader({ window: (11 << 3) | 1 })],
    ['a declared 2 GB content size', frameHeader({ contentSize: 2 * GB })],
    ['an 8-byte content size of 2^40', frameHeader({ window: 10 << 3, contentSize: 2 ** 40, contentSizeBytes: 8 })],
  ])('with a 413: %s', (_name, header) => {
    const error = refusal(Buffer.concat([header, rleBlock(0x20, 10)]));
    expect(error.status).toBe(413);
    expect(error.message).toMatch(/past the size limit/);
  });

  it('with a 413: a compressed body larger than the limit, even one of skippable frames only', () => {
    expect(refusal(skippableFrame(Buffer.alloc(2000)), 1000).status).toBe(413);
  });

  it.each([
    [
      'a dictionary ID',
      Buffer.concat([frameHeader({ contentSize: 5, dictionary: 7 }), rawBlock(Buffer.from('hello'))]),
    ],
    ['the reserved header bit', Buffer.concat([frameHeader({ contentSize: 5, reservedBit: true }), rleBlock(1, 5)])],
    ['the reserved block type', Buffer.concat([frameHeader({ contentSize: 5 }), blockOfType(3, 5, Buffer.alloc(5))])],
    ['a block over 128 KB', Buffer.concat([frameHeader({ window: 10 << 3 }), rleBlock(0x20, 128 * 1024 + 1)])],
    ['a block larger than its window', Buffer.concat([frameHeader({ window: 0 }), rawBlock(Buffer.alloc(1025))])],
    ['an RLE block larger than the declared content', Buffer.concat([frameHeader({ contentSize: 5 }), rleBlock(1, 6)])],
    ['a body that is not zstd', Buffer.from('{"model":"claude-sonnet-4-6"}')],
    ['an empty body', Buffer.alloc(0)],
    ['a frame cut short', zstdFixture('claude-code-l19.json.zst').subarray(0, 20000)],
    ['a frame missing its checksum', zstdFixture('chat.json.zst').subarray(0, 77)],
    ['a header cut short', frameHeader({ window: 10 << 3, contentSize: 300 }).subarray(0, 7)],
    ['a skippable frame cut short', skippableFrame(Buffer.alloc(100)).subarray(0, 50)],
    ['a second frame that is not one', Buffer.concat([zstdFixture('chat.json.zst'), Buffer.from('garbage!')])],
  ])('with a 400: %s', (_name, body) => {
    expect(refusal(body).status).toBe(400);
  });

  it('but not a block that only decodes badly: that is the decoder’s to find', () => {
    expect(kinds(walk(sequenceBomb(100)))).toBe('hb');
  });
});
