import { randomUUID } from 'node:crypto';

/**
 * Claude Code sends the same tool list, about 50 KB of its 76 KB turn, byte for byte with every request. Parsing
 * those bytes again each time was a third of the proxy's CPU on such a turn, so a body whose top-level `tools` value
 * repeats bytes seen before gets the value parsed from them then, and only the rest of the body is parsed.
 *
 * Why it is exact: the remembered bytes are swapped for a string token no client can know (a per-process UUID)
 * and the rest is parsed. The bytes before the swap are unchanged, so the parser reaches the token in the state it
 * would have reached the array in. If the result's own `tools` is that token, the array stood exactly there as the
 * value of the top-level `tools` that JSON.parse keeps (the last one): a complete JSON value is self-delimiting, so
 * the original bytes held the remembered array there and nothing else changed. Anywhere else (inside a string, a
 * nested `tools`, an earlier duplicate key) the result's `tools` is not the token, or the text does not parse, and
 * the whole body is parsed as usual.
 *
 * The reused value is shared by every request that repeats it, so it is deeply frozen: code that tried to change
 * one request's tools would throw rather than change every later request's.
 */
export class ReusedTools {
  private readonly entries: Array<{ bytes: Buffer; value: unknown }> = [];
  private readonly token = `orchids-reused-tools-${randomUUID()}`;
  private readonly tokenBytes = Buffer.from(JSON.stringify(this.token));
  /** Lists that did not match their own JSON.stringify in a row, and how many bodies to skip before trying again. */
  private misses = 0;
  private skipping = 0;

  constructor(
    /** Parses JSON text given as UTF-8 bytes, as the caller would parse the whole body. */
    private readonly parse: (bytes: Buffer) => unknown,
    private readonly capacity = 8,
    /** A smaller tool list is parsed along with its body: the lookup would cost about as much as it saves. */
    private readonly minBytes = 2048,
  ) {}

  /** The body parsed with a remembered `tools` value reused, or undefined when no remembered value is in it. */
  decode(body: Buffer): unknown {
    if (this.entries.length === 0 || body.length < this.minBytes) return undefined;
    let at = body.indexOf(MEMBER);
    for (let seen = 0; at !== -1 && seen < MAX_CANDIDATES; seen++) {
      const start = at + MEMBER.length - 1; // the array's opening bracket
      for (let i = 0; i < this.entries.length; i++) {
        const entry = this.entries[i]!;
        const end = start + entry.bytes.length;
        if (end > body.length || body.compare(entry.bytes, 0, entry.bytes.length, start, end) !== 0) continue;
        let rest: unknown;
        try {
          rest = this.parse(Buffer.concat([body.subarray(0, start), this.tokenBytes, body.subarray(end)]));
        } catch {
          return undefined; // the bytes stood where the swap broke the text: the whole body decides
        }
        if (!isRecord(rest) || rest['tools'] !== this.token) return undefined;
        rest['tools'] = entry.value;
        if (i !== this.entries.length - 1) this.entries.push(...this.entries.splice(i, 1));
        return rest;
      }
      at = body.indexOf(MEMBER, at + 1);
    }
    return undefined;
  }

  /**
   * After a body was parsed in full: remember its `tools`, when it is a list written the way JSON.stringify writes
   * it (what JavaScript clients send). Other bodies are left alone, so they pay one search and nothing more.
   *
   * A client that writes compact JSON escaped otherwise (`\u00e9` for `é`, say) would pay a stringify of its whole
   * list on every request and never match; after each such miss the next 2, 4, … 64 lists are not tried, so it pays
   * that on at most one request in 64. One match starts over.
   */
  learn(body: Buffer, value: unknown): void {
    if (body.length < this.minBytes || !isRecord(value) || !Array.isArray(value['tools'])) return;
    let at = body.indexOf(MEMBER);
    if (at === -1) return;
    if (this.skipping > 0) {
      this.skipping--;
      return;
    }
    const bytes = Buffer.from(JSON.stringify(value['tools']));
    if (bytes.length < this.minBytes) return;
    for (let seen = 0; at !== -1 && seen < MAX_CANDIDATES; seen++) {
      const start = at + MEMBER.length - 1;
      const end = start + bytes.length;
      if (end <= body.length && body.compare(bytes, 0, bytes.length, start, end) === 0) {
        // Parsed from the bytes themselves, not the body's value: reuse must give what parsing these bytes gives.
        this.entries.push({ bytes, value: deepFreeze(this.parse(bytes)) });
        if (this.entries.length > this.capacity) this.entries.shift();
        this.misses = 0;
        return;
      }
      at = body.indexOf(MEMBER, at + 1);
    }
    this.misses = Math.min(this.misses + 1, MAX_BACKOFF_DOUBLINGS);
    this.skipping = 2 ** this.misses;
  }
}

const MEMBER = Buffer.from('"tools":[');
/** A body names `"tools":[` once at its top level; nested ones (a tool's own input) are rare. */
const MAX_CANDIDATES = 8;
/** 2^6: a list written otherwise is stringified on at most one body in 64 once it has missed six times running. */
const MAX_BACKOFF_DOUBLINGS = 6;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
