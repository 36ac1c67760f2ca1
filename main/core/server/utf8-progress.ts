import { isUtf8 } from 'node:buffer';

/**
 * UTF-8 validation of a buffer as it fills: each call checks the bytes added since the last one, up to the last
 * whole character (a character cut by a chunk boundary waits for its next bytes). Pieces cut between characters
 * are each valid exactly when the whole is, so the verdict is the same as one `isUtf8` of the whole body.
 */
export class Utf8Progress {
  private checked = 0;
  private valid = true;

  /** `bytes[0, end)` have arrived. */
  advance(bytes: Buffer, end: number): void {
    if (!this.valid) return;
    const upTo = wholeCharactersEnd(bytes, this.checked, end);
    if (upTo === this.checked) return;
    this.valid = isUtf8(bytes.subarray(this.checked, upTo));
    this.checked = upTo;
  }

  /** Whether all of `body` (the same bytes `advance` saw, now complete) is valid UTF-8. */
  complete(body: Buffer): boolean {
    if (!this.valid) return false;
    return this.checked === body.length || isUtf8(body.subarray(this.checked));
  }
}

/** Where the last character that ends before `end` ends: before a lead byte whose continuation bytes are missing. */
function wholeCharactersEnd(bytes: Buffer, from: number, end: number): number {
  let lead = end - 1;
  while (lead > from && end - lead < 4 && (bytes[lead]! & 0xc0) === 0x80) lead--;
  if (lead < from) return end;
  const byte = bytes[lead]!;
  const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
  return end - lead < length ? lead : end;
}
