import fs from 'node:fs';
import path from 'node:path';
import { CLAUDE_CODE_REQUEST } from './fixtures';

/**
 * zstd test data: fixtures made by the zstd CLI (test/fixtures/zstd/README.md) and hand-built frames for what no
 * encoder writes (hostile headers, blocks that never end). Field layout: RFC 8878 §3.1.1.
 */
export const ZSTD_FIXTURES = path.resolve(__dirname, '../fixtures/zstd');
export const zstdFixture = (name: string): Buffer => fs.readFileSync(path.join(ZSTD_FIXTURES, name));
/** The plain text the claude-code-*.zst fixtures hold. */
export const claudeCodeJson = (): Buffer => fs.readFileSync(CLAUDE_CODE_REQUEST);

const MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

function littleEndian(value: number, bytes: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < bytes; i++) {
    out.push(Math.floor(value / 256 ** i) % 256);
  }
  return out;
}

interface HeaderFields {
  /** Window_Descriptor byte (exponent << 3 | mantissa); omitted makes the frame single-segment. */
  window?: number;
  contentSize?: number;
  /** 0, 2, 4 or 8: bytes of Frame_Content_Size (1 when single-segment and 0 given). */
  contentSizeBytes?: 0 | 1 | 2 | 4 | 8;
  dictionary?: number;
  checksum?: boolean;
  reservedBit?: boolean;
}

export function frameHeader(fields: HeaderFields): Buffer {
  const singleSegment = fields.window === undefined;
  const sizeBytes = fields.contentSizeBytes ?? (fields.contentSize === undefined ? 0 : 4);
  const flag = { 0: 0, 1: 0, 2: 1, 4: 2, 8: 3 }[sizeBytes];
  const dictionaryBytes = fields.dictionary === undefined ? 0 : 4;
  const descriptor =
    (flag << 6) |
    (singleSegment ? 0x20 : 0) |
    (fields.reservedBit ? 0x08 : 0) |
    (fields.checksum ? 0x04 : 0) |
    (dictionaryBytes ? 3 : 0);
  const size = (fields.contentSize ?? 0) - (sizeBytes === 2 ? 256 : 0);
  return Buffer.from([
    ...MAGIC,
    descriptor,
    ...(singleSegment ? [] : [fields.window!]),
    ...(dictionaryBytes ? littleEndian(fields.dictionary!, 4) : []),
    ...littleEndian(size, singleSegment && sizeBytes === 0 ? 1 : sizeBytes),
  ]);
}

const blockHeader = (type: number, size: number, last: boolean): number[] =>
  littleEndian((last ? 1 : 0) | (type << 1) | (size << 3), 3);

export const rawBlock = (content: Buffer, last = true): Buffer =>
  Buffer.concat([Buffer.from(blockHeader(0, content.length, last)), content]);

export const rleBlock = (byte: number, size: number, last = true): Buffer =>
  Buffer.from([...blockHeader(1, size, last), byte]);

export const blockOfType = (type: number, size: number, content: Buffer): Buffer =>
  Buffer.concat([Buffer.from(blockHeader(type, size, true)), content]);

/**
 * A compressed block of 11 bytes declaring `sequences` sequences, each with the longest literal and match lengths
 * (RLE-coded tables): valid enough for fzstd to run its copy loops for every one of them.
 */
export function sequenceBomb(sequences: number): Buffer {
  const count = sequences < 128 ? [sequences] : [255, ...littleEndian(sequences - 0x7f00, 2)];
  const content = Buffer.from([0x00, ...count, 0x54, 35, 0, 52, 0xff, 0xff, 0x01]);
  return Buffer.concat([
    frameHeader({ contentSize: 100, contentSizeBytes: 1 }),
    blockOfType(2, content.length, content),
  ]);
}

/** A skippable frame (magic 0x184D2A5n) holding `payload`. */
export const skippableFrame = (payload: Buffer, variant = 0): Buffer =>
  Buffer.concat([Buffer.from([0x50 + variant, 0x2a, 0x4d, 0x18, ...littleEndian(payload.length, 4)]), payload]);
