/**
 * A large upstream body (megabytes) written into one Buffer, sized from the client's body up front.
 *
 * Why not many small Buffers joined at the end: a 31 MB body made ~2,000 Buffers of 16 KB, each its own malloc
 * below glibc's mmap threshold, then a 31 MB `Buffer.concat` (~30 ms in one go, and the body held twice
 * meanwhile). Thousands of mid-size blocks freed at different times fragment the C heap, and glibc kept
 * 150–250 MB of it after a burst of such bodies. One block of several megabytes is mmapped on its own, so it goes
 * back to the OS whole when it is freed. Capacity beyond what is written costs address space only: pages never
 * touched are never resident.
 */
export class ByteWriter {
  private buffer: Buffer;
  private used = 0;
  /** Short pieces (punctuation, keys, short strings) gathered into one string, so each costs no native call. */
  private run = '';

  constructor(capacityHint: number) {
    this.buffer = Buffer.allocUnsafe(Math.max(MIN_CAPACITY, Math.ceil(capacityHint)));
  }

  /** Bytes written so far. */
  offset(): number {
    this.flushRun();
    return this.used;
  }

  /** Appends `text` as UTF-8. Pieces must not split a surrogate pair (JSON.stringify's output never does). */
  text(text: string): void {
    if (text.length < RUN_CHARS) {
      this.run += text;
      if (this.run.length >= RUN_CHARS) this.flushRun();
      return;
    }
    this.flushRun();
    this.writeString(text);
  }

  bytes(bytes: Uint8Array): void {
    this.flushRun();
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  /** Appends a copy of bytes already written, [start, end): for a part the body holds twice. */
  repeat(start: number, end: number): void {
    this.flushRun();
    this.reserve(end - start);
    this.buffer.copyWithin(this.used, start, end);
    this.used += end - start;
  }

  /** Drops the last `count` bytes written. */
  unwrite(count: number): void {
    this.flushRun();
    this.used = Math.max(0, this.used - count);
  }

  /** What was written, as a view of the one Buffer (no copy). */
  finish(): Buffer {
    this.flushRun();
    return this.buffer.subarray(0, this.used);
  }

  private flushRun(): void {
    if (this.run.length === 0) return;
    const run = this.run;
    this.run = '';
    this.writeString(run);
  }

  private writeString(text: string): void {
    // A UTF-16 code unit is at most three UTF-8 bytes; only near the end is the exact size worth working out.
    const room = this.buffer.length - this.used;
    if (text.length * 3 > room) this.reserve(Buffer.byteLength(text));
    this.used += this.buffer.write(text, this.used, 'utf8');
  }

  private reserve(bytes: number): void {
    const needed = this.used + bytes;
    if (needed <= this.buffer.length) return;
    // The hint was short (a body whose upstream form is longer than the client's): grow by half, so a long tail
    // of small misses costs a few copies, not one each.
    const grown = Buffer.allocUnsafe(Math.max(needed, Math.ceil(this.buffer.length * 1.5)));
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}

const MIN_CAPACITY = 64 * 1024;
const RUN_CHARS = 8 * 1024;

/**
 * A capacity for the upstream form of a client body of `clientBytes`: that form holds the same text plus a few
 * fields and per-entry keys. One that needs more still fits (the writer grows); room never written is never
 * touched, so it is never resident.
 */
export const upstreamCapacity = (clientBytes: number): number => Math.ceil(clientBytes * 1.25) + 1024 * 1024;
