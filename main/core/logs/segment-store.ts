import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { timeStamp } from './debug-trace';

export interface Retention {
  maxCount: number;
  maxBytes: number;
  maxAgeMs: number;
}

/**
 * Debug records on disk: append-only segment files of one JSON line per record, each with an index file beside it
 * (`name offset length time` per line). A burst of a thousand records is one write, where a file per record cost
 * the kernel an open, a write and a close each and capped the rate at 25 a second. The index of every retained
 * record is kept in memory (about a hundred bytes each), so a record is found by its name, the one the history row
 * keeps; the index file is only read at start, so its lines are written at most once a second (and when a segment
 * is closed), always after the data they point to, and a start reads the records past the last indexed one from
 * the data itself. Retention drops records oldest first, exactly to the limits; a segment's file goes once none of
 * its records is retained. Records from before segments (one `.json` file each) are still read and pruned.
 */

/** A new segment is started past this size, so retention can give disk space back in pieces of about this much. */
const SEGMENT_BYTES = 8 * 1024 * 1024;
const DATA = '.ndjson';
const INDEX = '.idx';
const LEGACY = '.json';
/**
 * DECISION: the index is written at most this often rather than with every batch. Each write is a hop through the
 * thread pool (26–31 µs of CPU for a 1 KB index line batch on this machine, 40% of an append), and the index is
 * only read at start, where the records it does not list yet are found in the data (`readTail`), so a crash loses
 * no record that reached the data file.
 */
const INDEX_EVERY_MS = 1000;

interface Segment {
  base: string;
  size: number;
  live: number;
  /** Index lines of records already in the data file, not yet in the index file. */
  pendingIndex: string;
  indexedAt: number;
  data?: fs.promises.FileHandle;
  index?: fs.promises.FileHandle;
}

interface Entry {
  name: string;
  /** undefined: a record from before segments, in a file of its own named `name`. */
  segment: Segment | undefined;
  offset: number;
  length: number;
  at: number;
}

export class SegmentStore {
  private entries: Entry[] = [];
  /** Entries before this position have been pruned (shifting a large array on every prune would be quadratic). */
  private head = 0;
  private readonly byName = new Map<string, Entry>();
  private readonly segments = new Map<string, Segment>();
  private current: Segment | undefined;
  private liveBytes = 0;
  private loading: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    private readonly now: () => number,
  ) {}

  get count(): number {
    return this.entries.length - this.head;
  }

  get bytes(): number {
    return this.liveBytes;
  }

  /** Reads what earlier runs left (never wipes it). Idempotent; the first append or read calls it. */
  load(): Promise<void> {
    this.loading ??= this.loadOnce();
    return this.loading;
  }

  /** Appends records in one write; `lines` end with a newline and hold no other. */
  async append(records: ReadonlyArray<{ name: string; line: string }>): Promise<void> {
    if (records.length === 0) return;
    await this.load();
    const segment = await this.writable();
    const at = this.now();
    let total = 0;
    const lengths = records.map(({ line }) => {
      const length = Buffer.byteLength(line);
      total += length;
      return length;
    });
    // One buffer, encoded in place, for one write: no joined copy of the batch as text.
    const data = Buffer.allocUnsafe(total);
    const added: Entry[] = [];
    let offset = segment.size;
    let filled = 0;
    let index = '';
    for (let i = 0; i < records.length; i++) {
      const { name, line } = records[i]!;
      const length = lengths[i]!;
      filled += data.write(line, filled);
      added.push({ name, segment, offset, length, at });
      index += `${name}\t${offset}\t${length}\t${at}\n`;
      offset += length;
    }
    try {
      await writeAll(segment.data!, data);
    } catch (error) {
      // Part of the batch may be on disk: the next batch starts a new segment, so no offset is ever wrong.
      if (this.current === segment) await this.close().catch(() => undefined);
      throw error;
    }
    segment.size = offset;
    for (const entry of added) this.add(entry);
    // Only now: an index line never points past the data.
    segment.pendingIndex += index;
    if (at - segment.indexedAt >= INDEX_EVERY_MS) await this.writeIndex(segment);
  }

  /** A record's line (without its newline), or undefined when it is not retained. */
  async read(name: string): Promise<string | undefined> {
    await this.load();
    const entry = this.byName.get(name);
    if (!entry) return undefined;
    try {
      if (!entry.segment) return await fs.promises.readFile(path.join(this.dir, entry.name), 'utf8');
      const handle = await fs.promises.open(path.join(this.dir, entry.segment.base + DATA), 'r');
      try {
        const buffer = Buffer.allocUnsafe(entry.length);
        const { bytesRead } = await handle.read(buffer, 0, entry.length, entry.offset);
        return buffer.toString('utf8', 0, bytesRead).trimEnd();
      } finally {
        await handle.close();
      }
    } catch {
      return undefined; // pruned meanwhile, or the folder was removed
    }
  }

  /** Drops the oldest records until every limit holds, and the files no retained record needs. */
  async prune({ maxCount, maxBytes, maxAgeMs }: Retention): Promise<void> {
    await this.load();
    const oldestAllowed = this.now() - maxAgeMs;
    const emptied: Segment[] = [];
    while (this.head < this.entries.length) {
      const entry = this.entries[this.head]!;
      if (this.count <= maxCount && this.liveBytes <= maxBytes && entry.at >= oldestAllowed) break;
      this.head += 1;
      this.byName.delete(entry.name);
      this.liveBytes -= entry.length;
      if (!entry.segment) await fs.promises.rm(path.join(this.dir, entry.name), { force: true });
      else if (--entry.segment.live === 0) emptied.push(entry.segment);
    }
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    for (const segment of [...emptied, ...this.orphans()]) await this.remove(segment);
  }

  async close(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    if (current) await this.writeIndex(current);
    await current?.data?.close();
    await current?.index?.close();
  }

  /**
   * The index lines waiting, in one write. DECISION: a failed index write is not a lost record (the records are in
   * the data file, in memory now and found from the data at the next start), so it is not thrown; the segment is
   * closed instead, so no later line follows one the failure may have cut short.
   */
  private async writeIndex(segment: Segment): Promise<void> {
    const lines = segment.pendingIndex;
    segment.pendingIndex = '';
    segment.indexedAt = this.now();
    if (lines === '' || !segment.index) return;
    try {
      await writeAll(segment.index, Buffer.from(lines));
    } catch {
      if (this.current === segment) await this.close().catch(() => undefined);
    }
  }

  private add(entry: Entry): void {
    const previous = this.byName.get(entry.name);
    // A name written twice: the newer one is read; the older still counts until pruned.
    if (previous) previous.name = '';
    this.byName.set(entry.name, entry);
    this.entries.push(entry);
    this.liveBytes += entry.length;
    if (entry.segment) entry.segment.live += 1;
  }

  /** The segment to append to: a new one at start and whenever the current one is full. */
  private async writable(): Promise<Segment> {
    if (this.current && this.current.size < SEGMENT_BYTES) return this.current;
    await this.close();
    await fs.promises.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const base = `${timeStamp(this.now())}-${randomBytes(4).toString('hex')}`;
    const segment: Segment = { base, size: 0, live: 0, pendingIndex: '', indexedAt: this.now() };
    segment.data = await fs.promises.open(path.join(this.dir, base + DATA), 'a', 0o600);
    segment.index = await fs.promises.open(path.join(this.dir, base + INDEX), 'a', 0o600);
    this.segments.set(base, segment);
    this.current = segment;
    return segment;
  }

  /** Segments with no retained record that are not being written: left by a crash before their index line. */
  private orphans(): Segment[] {
    return [...this.segments.values()].filter((segment) => segment.live === 0 && segment !== this.current);
  }

  private async remove(segment: Segment): Promise<void> {
    if (segment === this.current) await this.close();
    this.segments.delete(segment.base);
    await fs.promises.rm(path.join(this.dir, segment.base + DATA), { force: true });
    await fs.promises.rm(path.join(this.dir, segment.base + INDEX), { force: true });
  }

  private async loadOnce(): Promise<void> {
    let names: string[];
    try {
      names = (await fs.promises.readdir(this.dir)).sort();
    } catch {
      return; // no folder yet: nothing was ever written
    }
    const found: Entry[] = [];
    for (const name of names) {
      const full = path.join(this.dir, name);
      try {
        if (name.endsWith(DATA)) {
          const base = name.slice(0, -DATA.length);
          const { size, mtimeMs } = await fs.promises.stat(full);
          const segment: Segment = { base, size, live: 0, pendingIndex: '', indexedAt: 0 };
          this.segments.set(base, segment);
          const indexed = await readIndex(path.join(this.dir, base + INDEX), segment);
          const last = indexed[indexed.length - 1];
          found.push(...indexed, ...(await readTail(full, segment, last ? last.offset + last.length : 0, mtimeMs)));
        } else if (name.endsWith(LEGACY)) {
          const stat = await fs.promises.stat(full);
          found.push({ name, segment: undefined, offset: 0, length: stat.size, at: stat.mtimeMs });
        }
      } catch {
        // vanished meanwhile
      }
    }
    found.sort((a, b) => a.at - b.at);
    for (const entry of found) this.add(entry);
  }
}

/** Appends the whole buffer (the file is open for appending: each write lands at its end). */
async function writeAll(handle: fs.promises.FileHandle, buffer: Buffer): Promise<void> {
  for (let done = 0; done < buffer.length;) {
    const { bytesWritten } = await handle.write(buffer, done, buffer.length - done);
    if (bytesWritten <= 0) throw new Error('the debug log file took no bytes');
    done += bytesWritten;
  }
}

/** A record line's start, as record-line.ts writes it: the name is its third member. */
const RECORD_NAME = /^\{"version":\d+,"requestId":"[^"\\]*","file":"([\w.-]+\.json)"/;

/**
 * The records a segment holds past its last indexed one (their index lines were still waiting when the app
 * stopped without closing it), each named by its `file` member, which every record line has near its start. A line
 * cut short (no newline) is left out. Their time is the data file's last change, which errs toward keeping them.
 */
async function readTail(file: string, segment: Segment, from: number, at: number): Promise<Entry[]> {
  if (from >= segment.size) return [];
  const handle = await fs.promises.open(file, 'r');
  let tail: Buffer;
  try {
    tail = Buffer.allocUnsafe(segment.size - from);
    const { bytesRead } = await handle.read(tail, 0, tail.length, from);
    tail = tail.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
  const entries: Entry[] = [];
  for (let start = 0, end = tail.indexOf(0x0a); end >= 0; start = end + 1, end = tail.indexOf(0x0a, start)) {
    const length = end + 1 - start;
    const name = RECORD_NAME.exec(tail.toString('utf8', start, Math.min(end, start + 512)))?.[1];
    if (name) entries.push({ name, segment, offset: from + start, length, at });
  }
  return entries;
}

/** The entries an index file lists, keeping only those whose bytes are all in the data file. */
async function readIndex(file: string, segment: Segment): Promise<Entry[]> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch {
    return [];
  }
  const entries: Entry[] = [];
  const lines = text.split('\n');
  lines.pop(); // after the last newline: empty, or a line a crash cut short
  for (const line of lines) {
    const [name, offset, length, at] = line.split('\t');
    const entry = { name: name!, segment, offset: Number(offset), length: Number(length), at: Number(at) };
    if (!name || !(entry.offset >= 0) || !(entry.length > 0) || !(entry.at > 0)) continue;
    if (entry.offset + entry.length > segment.size) continue;
    entries.push(entry);
  }
  return entries;
}
