import { Transform, type TransformCallback } from 'node:stream';
import vm from 'node:vm';
import { Decompress } from 'fzstd';
import { TimeSlices } from '../util/time-slices';
import { EncodedBodyError, ZstdFrameWalker, type ZstdUnit } from './zstd-frames';

/**
 * zstd request bodies on a runtime whose zlib has no zstd (Node 20): the pure-JavaScript fzstd, fed only frames
 * that zstd-frames.ts has walked and accepted, one header or block at a time. Decoding runs on the event loop, so
 * it is done in slices of a few milliseconds, each in its own turn, and other clients are served in between.
 */

/** How long one slice of decoding may hold the event loop before the rest waits for the next turn. */
const SLICE_MS = 4;

/**
 * fzstd's work inside one compressed block follows the sequence count and lengths the block declares, not its
 * 128 KB output: a crafted 20-byte block runs its copy loops for about a minute (98,000 sequences of 131 KB each),
 * and no header check can see that without decoding the block. A real block took at most 2-6 ms warm and 22 ms
 * cold on this 2-core machine under load, so a block still running after this long is hostile and is stopped. The
 * limit is wall time (the only kind `vm` offers), hence the wide margin: a starved process must not fail real
 * bodies. A hostile request still holds the event loop this long, once, before its 400.
 */
export const BLOCK_TIME_LIMIT_MS = 500;

/**
 * fzstd shifts its whole window along for every block it decodes (and allocates and zeroes one per frame), so a
 * block costs as much as its window, whatever it holds: 4-byte blocks of one byte each with a 32 MB window cost
 * 1.75 ms apiece, and a 1 MB body of them ~7 minutes of CPU. The work of a body is therefore bounded, in window
 * bytes, by that of the costliest body within the limit: every block full (limit / 128 KB of them) in a window as
 * large as the limit, plus this many blocks for short ones and frame starts.
 */
const WORK_SLACK_BLOCKS = 64;
/** At most 4,000 blocks' worth of input, walked in well under a slice. */
const WALK_PIECE_BYTES = 16 * 1024;
const BLOCK_MAXIMUM = 128 * 1024;

/**
 * Stopping code that is running needs the isolate's own interrupt: `vm`'s timeout is the one Node exposes on the
 * main thread. The context is made on first use (a runtime with zlib's zstd never needs it); each slice runs
 * `work()` in it with a timeout, at about 60 µs a call.
 */
let sandbox: { context: vm.Context; script: vm.Script } | undefined;

function runWithTimeLimit(work: () => void, ms: number): void {
  sandbox ??= { context: vm.createContext({ work: undefined }), script: new vm.Script('work()') };
  const { context, script } = sandbox;
  context.work = work;
  try {
    script.runInContext(context, { timeout: ms });
  } finally {
    context.work = undefined;
  }
}

/** Both zstd paths walk the body the same way (zstd-frames.ts); a body that ends mid-frame is refused either way. */
abstract class WalkedZstd extends Transform {
  protected readonly walker: ZstdFrameWalker;

  constructor(limit: number, reserve?: (bytes: number) => boolean) {
    super();
    this.walker = new ZstdFrameWalker(limit, reserve);
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.walker.end();
    } catch (error) {
      return callback(error as Error);
    }
    callback();
  }
}

export class FzstdDecoder extends WalkedZstd {
  private decoder: Decompress | undefined;
  private frameBytes = 0;
  private totalBytes = 0;
  private windowWork = 0;
  private readonly windowWorkLimit: number;
  private readonly slices = new TimeSlices(SLICE_MS);

  constructor(
    private readonly limit: number,
    reserve?: (bytes: number) => boolean,
  ) {
    super(limit, reserve);
    this.windowWorkLimit = Math.max(limit, BLOCK_MAXIMUM) * (Math.ceil(limit / BLOCK_MAXIMUM) + WORK_SLACK_BLOCKS);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.walkFrom(chunk, 0, callback);
  }

  /**
   * Walks `chunk` a piece at a time, decoding each piece's units before walking on: a large chunk of tiny blocks
   * (a 1 MB one holds 250,000) would otherwise be walked in one go, for ~100 ms.
   */
  private walkFrom(chunk: Buffer, at: number, callback: TransformCallback): void {
    if (at >= chunk.length) return callback();
    let units: ZstdUnit[];
    try {
      units = this.walker.push(chunk.subarray(at, at + WALK_PIECE_BYTES));
    } catch (error) {
      return callback(error as Error);
    }
    const walkOn = (error?: Error | null): void =>
      error ? callback(error) : this.walkFrom(chunk, at + WALK_PIECE_BYTES, callback);
    if (units.length === 0) walkOn();
    else this.decodeFrom(units, 0, walkOn);
  }

  /**
   * Feeds `units` to fzstd in slices (util/time-slices.ts: a few milliseconds each, large bodies taking turns),
   * each slice under the time limit that stops a hostile block. A slice already used up (by this body's earlier
   * chunks: a socket read can hand over several in one turn) waits for the next turn before decoding anything.
   */
  private decodeFrom(units: ZstdUnit[], from: number, callback: TransformCallback, freshSlice = false): void {
    if (this.destroyed) return;
    if (!freshSlice && this.slices.due()) {
      void this.slices.pause().then(() => this.decodeFrom(units, from, callback, true));
      return;
    }
    let next = from;
    try {
      runWithTimeLimit(() => {
        do this.feed(units[next++]!);
        while (next < units.length && !this.destroyed && !this.slices.due());
      }, SLICE_MS + BLOCK_TIME_LIMIT_MS);
    } catch (error) {
      if (!this.destroyed) callback(refusal(error));
      return;
    }
    if (next < units.length) void this.slices.pause().then(() => this.decodeFrom(units, next, callback, true));
    else callback();
  }

  /** Each frame gets its own fzstd decoder, told where the frame ends so it never holds a frame's last block back. */
  private feed(unit: ZstdUnit): void {
    if (unit.kind !== 'checksum') this.windowWork += unit.frame.windowSize;
    if (this.windowWork > this.windowWorkLimit) {
      throw new EncodedBodyError(
        413,
        `The zstd body needs more decoding work than any body within the size limit: too many blocks or frames ` +
          `for its ${unit.frame.windowSize}-byte window.`,
      );
    }
    if (unit.kind === 'header') {
      this.decoder = new Decompress((data) => this.output(data));
      this.frameBytes = 0;
    }
    const endsFrame = unit.kind === 'checksum' || (unit.kind === 'block' && unit.last && !unit.frame.checksum);
    this.decoder!.push(unit.bytes, endsFrame);
    if (!endsFrame) return;
    this.decoder = undefined;
    const declared = unit.frame.contentSize;
    if (declared !== undefined && declared !== this.frameBytes) {
      throw new EncodedBodyError(400, `A zstd frame declares ${declared} bytes but holds ${this.frameBytes}.`);
    }
  }

  private output(data: Uint8Array): void {
    // The reader may give up (a 413, a client gone) mid-slice: what is decoded after that goes nowhere.
    if (data.length === 0 || this.destroyed) return;
    this.frameBytes += data.length;
    this.totalBytes += data.length;
    if (this.totalBytes > this.limit) throw new EncodedBodyError(413, 'The decoded body passes the size limit.');
    // fzstd hands out a fresh array per block and only copies from it afterwards, so it can be used without a copy.
    this.push(Buffer.from(data.buffer, data.byteOffset, data.length));
  }
}

function refusal(error: unknown): Error {
  if (error instanceof EncodedBodyError) return error;
  if ((error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
    return new EncodedBodyError(
      400,
      `A zstd block was still decoding after ${BLOCK_TIME_LIMIT_MS} ms; no valid block needs a fraction of that.`,
    );
  }
  // fzstd throws plain errors (with a numeric code) for data it cannot decode.
  return new EncodedBodyError(400, `The zstd data is corrupt: ${(error as Error).message}`);
}

/** On a runtime with zlib's zstd: the same walk, passing the accepted bytes on to zlib's decoder unchanged. */
export class ZstdFrameCheck extends WalkedZstd {
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      for (const unit of this.walker.push(chunk)) this.push(unit.bytes);
    } catch (error) {
      return callback(error as Error);
    }
    callback();
  }
}
