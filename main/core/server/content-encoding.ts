import zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import { FzstdDecoder, ZstdFrameCheck } from './zstd-decode';
import { quotedHeaderValue } from './errors';

export { EncodedBodyError } from './zstd-frames';

/**
 * Request bodies sent compressed (`Content-Encoding`). Decoding is streamed, so the decoded size can be checked
 * against the body limit as it grows: a small body that expands past the limit (a "zip bomb") is refused after at
 * most one chunk beyond the limit, never allocated whole. gzip, deflate and br run on zlib's thread pool; zstd is
 * first walked frame by frame (zstd-frames.ts) so no header can size an allocation past the limit.
 */

export type Coding = 'gzip' | 'deflate' | 'br' | 'zstd';

/** Node 22.15+ has zstd in zlib; Node 20 does not. Found at run time, so a newer runtime uses it with no change. */
const zlibZstd = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;

/** Takes bytes from the body budget; false when it cannot hold them. */
export type Reserve = (bytes: number) => boolean;

/** zstd with zlib's decoder where the runtime has it (on the thread pool), else with fzstd on the event loop. */
export function zstdDecoders(limit: number, reserve?: Reserve, useZlib = zlibZstd !== undefined): Transform[] {
  return useZlib ? [new ZstdFrameCheck(limit, reserve), zlibZstd!()] : [new FzstdDecoder(limit, reserve)];
}

const DECODERS: Record<Coding, (limit: number, reserve?: Reserve) => Transform[]> = {
  gzip: () => [zlib.createGunzip()],
  deflate: () => [zlib.createInflate()],
  br: () => [zlib.createBrotliDecompress()],
  zstd: (limit, reserve) => zstdDecoders(limit, reserve),
};

const ALIASES: Record<string, Coding> = { gzip: 'gzip', 'x-gzip': 'gzip', deflate: 'deflate', br: 'br', zstd: 'zstd' };

/** Stacking more than this many codings is not something a real client does. */
const MAX_CODINGS = 3;

class UnsupportedEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedEncodingError';
  }
}

function supportedCodings(): Coding[] {
  return Object.keys(DECODERS) as Coding[];
}

/**
 * The codings of a `Content-Encoding` header in the order they must be undone (the last applied first), without
 * `identity`. Throws UnsupportedEncodingError for anything this runtime cannot decode, naming it.
 */
export function parseContentEncoding(header: string | string[] | undefined): Coding[] {
  if (header === undefined) return [];
  const names = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '' && name !== 'identity');
  if (names.length > MAX_CODINGS) {
    throw new UnsupportedEncodingError(`Content-Encoding stacks ${names.length} codings; at most ${MAX_CODINGS}.`);
  }
  const codings: Coding[] = [];
  for (const name of names) {
    const coding = ALIASES[name];
    if (!coding) {
      throw new UnsupportedEncodingError(
        `Content-Encoding ${quotedHeaderValue(name)} is not supported. ` +
          `Send the body uncompressed, or as ${supportedCodings().join(', ')}.`,
      );
    }
    codings.push(coding);
  }
  return codings.reverse();
}

/**
 * The decoders for `codings`, to be piped in order; the last one's output is the body. `limit` is the largest
 * decoded body allowed: zstd refuses (EncodedBodyError, 413) a frame that would need more before decoding it, and
 * takes its window from `reserve` (EncodedBodyError, 529, when it cannot).
 */
export function decoderChain(codings: readonly Coding[], limit: number, reserve?: Reserve): Transform[] {
  return codings.flatMap((coding) => DECODERS[coding](limit, reserve));
}
