/**
 * Walks a zstd body (RFC 8878) frame by frame and block by block as it arrives, before any decoder sees it, and
 * refuses what would make a decoder allocate or work beyond the body limit. The decoders (fzstd on Node 20, zlib's
 * zstd from Node 22.15) are then only ever handed frames this walk accepted, in whole units.
 *
 * Why these checks are enough for fzstd (0.1.1, lib/index.js), whose streaming `Decompress` allocates:
 * - per frame, a window of `Window_Size + 12` bytes, `Window_Size` read from the Window_Descriptor, or the
 *   Frame_Content_Size in a single-segment frame. Both are refused past the limit here (413), so the window is at
 *   most the limit. (Its own arithmetic overflows past 2^31: `1 << (10 + exponent)` and a 4-byte content size read
 *   as a signed int, so the bound here is also capped well below that.)
 * - per block, a copy of a raw block, a `new Uint8Array(Block_Size)` for an RLE block (Block_Size is 21 bits, so up
 *   to 2 MB from a 4-byte block), and `min(128 KB, window)` for a compressed block's output. Block_Size above
 *   Block_Maximum_Size (`min(window, 128 KB)`) is refused (400), so each is at most 128 KB.
 * - Huffman and FSE tables, a few KB at most by their accuracy limits; and the concatenation of input it buffered,
 *   which is at most the one unit (header or block) it is given at a time.
 * One-shot `decompress` would also allocate `Frame_Content_Size || Window_Size` up front and then the whole output:
 * it is not used. A dictionary is never applied by fzstd (it would silently decode garbage), so one is refused; so
 * are the reserved header bit and reserved block type, which fzstd does not check (RFC 8878 §3.1.1.1.1, §3.1.1.2).
 *
 * What this walk cannot bound is the work inside a compressed block: its declared sequence count and lengths drive
 * fzstd's copy loops regardless of the 128 KB output, so a 20-byte block can spin for a minute. The decoder
 * (zstd-decode.ts) guards that with a time limit per block, and bounds the window-sized work fzstd does per block.
 */

const ZSTD_MAGIC = 0xfd2fb528;
/** Skippable frames use the 16 magic numbers 0x184D2A50 to 0x184D2A5F. */
const SKIPPABLE_MAGIC_HIGH = 0x184d2a5;
const BLOCK_MAXIMUM = 128 * 1024;
/** fzstd's window arithmetic is 32-bit signed; no limit this proxy uses comes near this. */
const LARGEST_WINDOW = 2 ** 30;

/**
 * A body refused before it was decoded: 413 when decoding it would pass the limit, 400 when it is malformed, 529
 * when the body budget cannot hold the decoder's window now.
 */
export class EncodedBodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 529,
    message: string,
  ) {
    super(message);
    this.name = 'EncodedBodyError';
  }
}

const malformed = (message: string): EncodedBodyError => new EncodedBodyError(400, message);

export interface FrameHeader {
  windowSize: number;
  /** Frame_Content_Size when the header declares it. */
  contentSize: number | undefined;
  checksum: boolean;
}

/** A whole piece of a zstd frame, ready for a decoder. Skippable frames are consumed here and never produced. */
export type ZstdUnit =
  | { kind: 'header'; bytes: Buffer; frame: FrameHeader }
  | { kind: 'block'; bytes: Buffer; last: boolean; frame: FrameHeader }
  | { kind: 'checksum'; bytes: Buffer; frame: FrameHeader };

type State =
  | { at: 'frame' }
  | { at: 'skip'; left: number }
  | { at: 'block'; frame: FrameHeader }
  | { at: 'checksum'; frame: FrameHeader };

export class ZstdFrameWalker {
  /** Bytes received and not yet made into units, kept as they came until enough are there for the next unit. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Pending bytes the next step needs: joining pieces before then would copy a trickled block once per byte. */
  private need = 1;
  private state: State = { at: 'frame' };
  private received = 0;
  private frames = 0;
  private windowReserved = 0;
  private readonly bound: number;

  /**
   * `limit` is the largest decoded body allowed; the compressed body may not be larger either. `reserve` takes
   * bytes from the body budget: the decoder's window is memory a stalled upload would otherwise hold uncounted.
   */
  constructor(
    limit: number,
    private readonly reserve?: (bytes: number) => boolean,
  ) {
    this.bound = Math.min(limit, LARGEST_WINDOW);
  }

  /** The units completed by `chunk`, in order. Throws EncodedBodyError on the first thing refused. */
  push(chunk: Buffer): ZstdUnit[] {
    this.received += chunk.length;
    // A compressed body larger than the limit is refused as one with that Content-Length is; this also bounds
    // what skippable frames (which decode to nothing) may cost in a body sent without a length.
    if (this.received > this.bound) throw new EncodedBodyError(413, 'The compressed body passes the size limit.');
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.need) return [];
    const data = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    const units: ZstdUnit[] = [];
    let offset = 0;
    for (;;) {
      const used = this.step(data, offset, units);
      if (used === 0) break;
      offset += used;
    }
    this.pending = offset < data.length ? [data.subarray(offset)] : [];
    this.pendingBytes = data.length - offset;
    return units;
  }

  /** Call when the body is over: throws unless it ended exactly after a whole frame. */
  end(): void {
    if (this.state.at === 'skip' || this.state.at === 'block' || this.state.at === 'checksum') {
      throw malformed('The zstd body ends inside a frame.');
    }
    if (this.pendingBytes > 0) throw malformed('The zstd body ends inside a frame header.');
    if (this.frames === 0) throw malformed('The zstd body holds no frame.');
  }

  /** Consumes one unit (or part of a skippable frame) from `data` at `offset`; 0 when more bytes are needed. */
  private step(data: Buffer, offset: number, units: ZstdUnit[]): number {
    const available = data.length - offset;
    const state = this.state;
    this.need = 1;
    if (state.at === 'skip') {
      const used = Math.min(state.left, available);
      state.left -= used;
      if (state.left === 0) this.state = { at: 'frame' };
      return used;
    }
    if (state.at === 'checksum') {
      if (available < 4) return this.wait(4);
      units.push({ kind: 'checksum', bytes: data.subarray(offset, offset + 4), frame: state.frame });
      this.state = { at: 'frame' };
      return 4;
    }
    if (state.at === 'block') return this.block(data, offset, state.frame, units);
    return this.frameStart(data, offset, units);
  }

  private frameStart(data: Buffer, offset: number, units: ZstdUnit[]): number {
    const available = data.length - offset;
    if (available < 4) return this.wait(4);
    const magic = data.readUInt32LE(offset);
    if (magic >>> 4 === SKIPPABLE_MAGIC_HIGH) {
      if (available < 8) return this.wait(8);
      this.frames += 1;
      this.state = { at: 'skip', left: data.readUInt32LE(offset + 4) };
      return 8;
    }
    if (magic !== ZSTD_MAGIC) throw malformed('The body is not zstd: a frame does not start with its magic number.');
    if (available < 5) return this.wait(5);
    const descriptor = data[offset + 4]!;
    const contentSizeFlag = descriptor >> 6;
    const singleSegment = (descriptor & 0x20) !== 0;
    const dictionaryBytes = [0, 1, 2, 4][descriptor & 3]!;
    const contentSizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][contentSizeFlag]!;
    const length = 5 + (singleSegment ? 0 : 1) + dictionaryBytes + contentSizeBytes;
    if (available < length) return this.wait(length);
    if (descriptor & 0x08) throw malformed('A zstd frame header sets its reserved bit.');
    let at = offset + 5;
    let windowSize = 0;
    if (!singleSegment) {
      const windowDescriptor = data[at++]!;
      const base = 2 ** (10 + (windowDescriptor >> 3));
      windowSize = base + (base / 8) * (windowDescriptor & 7);
    }
    const dictionary = readLittleEndian(data, at, dictionaryBytes);
    at += dictionaryBytes;
    if (dictionary !== 0) throw malformed('A zstd frame needs a dictionary; none is known here.');
    let contentSize: number | undefined;
    if (contentSizeBytes > 0) {
      contentSize = readLittleEndian(data, at, contentSizeBytes) + (contentSizeBytes === 2 ? 256 : 0);
    }
    if (singleSegment) windowSize = contentSize!;
    if (contentSize !== undefined && contentSize > this.bound) {
      throw new EncodedBodyError(413, `A zstd frame declares ${contentSize} bytes, past the size limit.`);
    }
    if (windowSize > this.bound) {
      throw new EncodedBodyError(413, `A zstd frame asks for a ${windowSize}-byte window, past the size limit.`);
    }
    // One frame's window is alive at a time, so the largest so far is what is held.
    if (windowSize > this.windowReserved) {
      if (this.reserve && !this.reserve(windowSize - this.windowReserved)) {
        throw new EncodedBodyError(529, `The body budget cannot hold a zstd window of ${windowSize} bytes now.`);
      }
      this.windowReserved = windowSize;
    }
    const frame: FrameHeader = { windowSize, contentSize, checksum: (descriptor & 0x04) !== 0 };
    units.push({ kind: 'header', bytes: data.subarray(offset, offset + length), frame });
    this.frames += 1;
    this.state = { at: 'block', frame };
    return length;
  }

  /** Nothing consumed: the next step needs `bytes` bytes from where it stands. */
  private wait(bytes: number): 0 {
    this.need = bytes;
    return 0;
  }

  private block(data: Buffer, offset: number, frame: FrameHeader, units: ZstdUnit[]): number {
    const available = data.length - offset;
    if (available < 3) return this.wait(3);
    const header = data.readUIntLE(offset, 3);
    const last = (header & 1) === 1;
    const type = (header >> 1) & 3;
    const size = header >> 3;
    if (type === 3) throw malformed('A zstd block has the reserved block type.');
    if (size > Math.min(frame.windowSize, BLOCK_MAXIMUM)) {
      throw malformed(`A zstd block of ${size} bytes is larger than its frame allows.`);
    }
    const length = 3 + (type === 1 ? 1 : size);
    if (available < length) return this.wait(length);
    units.push({ kind: 'block', bytes: data.subarray(offset, offset + length), last, frame });
    if (last) this.state = frame.checksum ? { at: 'checksum', frame } : { at: 'frame' };
    return length;
  }
}

/** An unsigned little-endian integer of up to 8 bytes, exact up to 2^53 (larger ones are refused anyway). */
function readLittleEndian(data: Buffer, at: number, bytes: number): number {
  let value = 0;
  for (let i = bytes - 1; i >= 0; i--) value = value * 256 + data[at + i]!;
  return value;
}
