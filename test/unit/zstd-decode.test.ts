import { Readable, type Transform } from 'node:stream';
import zlib from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { zstdDecoders } from '../../main/core/server/content-encoding';
import { BLOCK_TIME_LIMIT_MS, FzstdDecoder } from '../../main/core/server/zstd-decode';
import { EncodedBodyError } from '../../main/core/server/zstd-frames';
import {
  claudeCodeJson,
  frameHeader,
  rawBlock,
  rleBlock,
  sequenceBomb,
  skippableFrame,
  zstdFixture,
} from '../helpers/zstd';

/** Every byte fzstd is given, so a test can tell a frame was refused before the decoder saw any of it. */
const fed = vi.hoisted(() => ({ bytes: 0 }));
vi.mock('fzstd', async (importOriginal) => {
  const fzstd = await importOriginal<typeof import('fzstd')>();
  class CountingDecompress extends fzstd.Decompress {
    override push(chunk: Uint8Array, final?: boolean): unknown {
      fed.bytes += chunk.length;
      return super.push(chunk, final);
    }
  }
  return { ...fzstd, Decompress: CountingDecompress };
});

const MB = 1024 * 1024;

interface Outcome {
  body: Buffer;
  error?: EncodedBodyError;
}

/** Runs `body` through `decoders` in `chunkBytes` pieces; what came out, and the error if it was refused. */
async function decode(decoders: Transform[], body: Buffer, chunkBytes = 64 * 1024): Promise<Outcome> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < body.length; at += chunkBytes) chunks.push(body.subarray(at, at + chunkBytes));
  const out: Buffer[] = [];
  const source = decoders.reduce<Readable>((stream, decoder) => stream.pipe(decoder), Readable.from(chunks));
  return new Promise((resolve) => {
    for (const decoder of decoders) {
      decoder.once('error', (error: EncodedBodyError) => {
        for (const each of decoders) each.destroy();
        resolve({ body: Buffer.concat(out), error });
      });
    }
    source.on('data', (chunk: Buffer) => out.push(chunk));
    source.once('end', () => resolve({ body: Buffer.concat(out) }));
  });
}

const fzstd = (body: Buffer, limit = 2 * MB, chunkBytes?: number) =>
  decode([new FzstdDecoder(limit)], body, chunkBytes);

describe('FzstdDecoder decodes', () => {
  it.each(['claude-code-l19.json.zst', 'claude-code-streamed.json.zst', 'claude-code-two-frames.json.zst'])(
    'what the zstd CLI wrote (%s), whole or a byte at a time',
    async (name) => {
      for (const chunkBytes of [64 * 1024, 1]) {
        const { body, error } = await fzstd(zstdFixture(name), 2 * MB, chunkBytes);
        expect(error).toBeUndefined();
        expect(body.equals(claudeCodeJson())).toBe(true);
      }
    },
  );

  it('frames with skippable frames around and between them; raw and RLE blocks; an empty frame', async () => {
    const body = Buffer.concat([
      skippableFrame(Buffer.from('metadata')),
      frameHeader({ window: 10 << 3 }),
      rawBlock(Buffer.from('{"a":"'), false),
      rleBlock(0x78, 5, false),
      rawBlock(Buffer.from('"}')),
      skippableFrame(Buffer.alloc(70_000), 9),
      frameHeader({ contentSize: 0 }),
      rawBlock(Buffer.alloc(0)),
      zstdFixture('chat.json.zst'),
      skippableFrame(Buffer.alloc(0), 15),
    ]);
    for (const chunkBytes of [64 * 1024, 3]) {
      const { body: out, error } = await fzstd(body, 2 * MB, chunkBytes);
      expect(error).toBeUndefined();
      expect(out.toString()).toBe(
        '{"a":"xxxxx"}{"model":"claude-sonnet-4-6","messages":[{"role":"user","content":"hi"}]}',
      );
    }
  });

  it('a large body in slices, letting the event loop turn between them', async () => {
    const body = Buffer.concat(Array.from({ length: 8 }, () => zstdFixture('claude-code-streamed.json.zst')));
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const { body: out, error } = await fzstd(body, 2 * MB, body.length);
    clearInterval(ticker);
    expect(error).toBeUndefined();
    expect(out.length).toBe(8 * claudeCodeJson().length);
    expect(turns).toBeGreaterThan(0); // one chunk in, yet other callbacks ran before it was all decoded
  });
});

describe('FzstdDecoder refuses', () => {
  it('a small body expanding past the limit with a 413, having decoded no more than the limit', async () => {
    const bomb = zstdFixture('spaces-64mb-stream.zst'); // 2.5 KB of compressed blocks; a 128 KB window
    const arrayBuffers = process.memoryUsage().arrayBuffers;
    const { body, error } = await fzstd(bomb, 2 * MB);
    expect(error?.status).toBe(413);
    expect(body.length).toBeLessThanOrEqual(2 * MB);
    expect(process.memoryUsage().arrayBuffers - arrayBuffers).toBeLessThan(16 * MB);
    const rle = Buffer.concat([
      frameHeader({ window: 17 << 3 }),
      ...Array.from({ length: 1000 }, () => rleBlock(0x20, 128 * 1024, false)),
    ]);
    expect((await fzstd(rle, 2 * MB)).error?.status).toBe(413);
  });

  it.each([
    ['a 2 GB window', frameHeader({ window: 21 << 3 })],
    ['a 1.5 GB window', frameHeader({ window: (20 << 3) | 4 })],
    ['a 2 GB content size', frameHeader({ contentSize: 2 * 1024 * MB })],
  ])('%s with a 413, handing fzstd none of it and allocating nothing', async (_name, header) => {
    const before = fed.bytes;
    const arrayBuffers = process.memoryUsage().arrayBuffers;
    const { error } = await fzstd(Buffer.concat([header, rleBlock(0x20, 1000)]), 2 * MB);
    expect(error?.status).toBe(413);
    expect(fed.bytes).toBe(before);
    expect(process.memoryUsage().arrayBuffers - arrayBuffers).toBeLessThan(16 * MB);
  });

  it('many tiny blocks in a large window (each costs fzstd all of it) with a 413; in a small one, not', async () => {
    const tiny = (window: number) =>
      Buffer.concat([
        frameHeader({ window }),
        ...Array.from({ length: 200 }, () => rleBlock(0x20, 1, false)),
        rleBlock(0x20, 1),
      ]);
    const large = await fzstd(tiny(11 << 3), 2 * MB); // 2 MB window: 202 x 2 MB of work, past 80 full blocks' worth
    expect(large.error?.status).toBe(413);
    expect(large.error?.message).toMatch(/more decoding work/);
    const small = await fzstd(tiny(0), 2 * MB); // 1 KB window
    expect(small.error).toBeUndefined();
    expect(small.body.toString()).toBe(' '.repeat(201));
  });

  it('corrupt compressed data, a frame whose size is not what it declares, and a cut frame with a 400', async () => {
    const corrupt = Buffer.from(zstdFixture('claude-code-l19.json.zst'));
    for (let at = 200; at < 260; at++) corrupt[at] = corrupt[at]! ^ 0x5a;
    const broken = await fzstd(corrupt);
    expect(broken.error).toBeInstanceOf(EncodedBodyError);
    expect(broken.error?.status).toBe(400);
    const short = Buffer.concat([frameHeader({ contentSize: 10 }), rawBlock(Buffer.from('hello'))]);
    expect((await fzstd(short)).error?.message).toMatch(/declares 10 bytes but holds 5/);
    expect((await fzstd(zstdFixture('chat.json.zst').subarray(0, 40))).error?.status).toBe(400);
  });

  it('a block whose declared sequences would keep fzstd busy for a minute, stopping it with a 400', async () => {
    const { error } = await fzstd(sequenceBomb(98_000));
    expect(error?.status).toBe(400);
    expect(error?.message).toMatch(new RegExp(`still decoding after ${BLOCK_TIME_LIMIT_MS} ms`));
  });
});

const hasZlibZstd = typeof (zlib as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';
describe.runIf(hasZlibZstd)("zlib's zstd (Node 22.15+), behind the same walk", () => {
  it('decodes the CLI fixtures and refuses a 2 GB window with a 413 before zlib sees it', async () => {
    for (const name of ['claude-code-l19.json.zst', 'claude-code-two-frames.json.zst']) {
      const { body, error } = await decode(zstdDecoders(2 * MB, undefined, true), zstdFixture(name));
      expect(error).toBeUndefined();
      expect(body.equals(claudeCodeJson())).toBe(true);
    }
    const huge = await decode(
      zstdDecoders(2 * MB, undefined, true),
      Buffer.concat([frameHeader({ window: 21 << 3 }), rleBlock(1, 9)]),
    );
    expect(huge.error?.status).toBe(413);
  });
});
