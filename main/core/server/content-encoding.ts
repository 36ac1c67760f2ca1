import zlib from 'node:zlib';
import type { Transform } from 'node:stream';

/**
 * Request bodies sent compressed (`Content-Encoding`). Decoding runs on zlib's thread pool and is streamed, so the
 * decoded size can be checked against the body limit as it grows: a small body that expands past the limit (a
 * "zip bomb") is refused after at most one zlib chunk beyond the limit, never allocated whole.
 */

export type Coding = 'gzip' | 'deflate' | 'br' | 'zstd';

/** Node 22.15+ has zstd in zlib; Node 20 does not. Found at run time, so a newer runtime decodes it with no change. */
const zstd = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;

const DECODERS: Record<Coding, (() => Transform) | undefined> = {
  gzip: () => zlib.createGunzip(),
  deflate: () => zlib.createInflate(),
  br: () => zlib.createBrotliDecompress(),
  zstd: zstd && (() => zstd()),
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
  return (Object.keys(DECODERS) as Coding[]).filter((coding) => DECODERS[coding] !== undefined);
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
        `Content-Encoding "${name}" is not supported. ` +
          `Send the body uncompressed, or as ${supportedCodings().join(', ')}.`,
      );
    }
    if (!DECODERS[coding]) {
      throw new UnsupportedEncodingError(
        'Content-Encoding "zstd" is not supported by this Orchids Tray: ' +
          `its Node.js (${process.version}) has no zstd. ` +
          `Send the body uncompressed, or as ${supportedCodings().join(', ')}.`,
      );
    }
    codings.push(coding);
  }
  return codings.reverse();
}

/** One decoder per coding, piped in order; the last one's output is the body. */
export function decoderChain(codings: readonly Coding[]): Transform[] {
  return codings.map((coding) => DECODERS[coding]!());
}
