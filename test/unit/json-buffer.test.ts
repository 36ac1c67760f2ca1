import { describe, expect, it } from 'vitest';
import { encodeJsonPieces, encodeJsonToBuffer, joinJsonPieces, quoteJson } from '../../main/core/util/json-buffer';
import { seeded } from '../helpers/random';

const SLICE = 16_384; // the encoder's slice length; boundaries are at its multiples

function expectIdentical(value: unknown, label = ''): void {
  const expected = Buffer.from(JSON.stringify(value));
  const actual = encodeJsonToBuffer(value);
  if (!actual.equals(expected)) {
    let at = 0;
    while (at < actual.length && actual[at] === expected[at]) at++;
    expect.fail(
      `${label}: differs at byte ${at} (lengths ${actual.length} vs ${expected.length}): ` +
        `${JSON.stringify(actual.subarray(Math.max(0, at - 8), at + 16).toString('latin1'))} vs ` +
        `${JSON.stringify(expected.subarray(Math.max(0, at - 8), at + 16).toString('latin1'))}`,
    );
  }
}

describe('encodeJsonToBuffer is byte-identical to Buffer.from(JSON.stringify(v))', () => {
  it.each([
    ['null', null],
    ['a number', -0],
    ['a string', 'café 🍵'],
    ['an empty object', {}],
    ['an empty array', []],
    ['non-finite numbers', { a: NaN, b: [Infinity, -Infinity] }],
    ['escapes', { '"k\\': '\u0000\u001f"\\/\u2028\u2029', lone: '\ud800x\udfff' }],
  ])('%s', (_name, value) => expectIdentical(value, _name));

  it('drops undefined, function and symbol members and nulls them in arrays', () => {
    expectIdentical({
      a: undefined,
      b: () => 1,
      c: Symbol('s'),
      d: 1,
      nested: { x: undefined, y: [undefined, () => 1, Symbol('t'), 2] },
    });
    const sparse: number[] = [];
    sparse[0] = 1;
    sparse[2] = 3; // index 1 stays a hole
    expectIdentical({ sparse, deep: { a: { b: { c: { d: [undefined] } } } } });
  });

  it('walks deeply nested arrays and objects', () => {
    let deep: unknown = 'é';
    for (let i = 0; i < 12; i++) deep = i % 2 ? [deep, i, { k: deep }] : { [`k${i}`]: deep, arr: [[i]] };
    expectIdentical(deep, 'deep');
  });

  it('honours toJSON at every depth', () => {
    const when = new Date(Date.UTC(2026, 0, 27, 12, 0, 0));
    const custom = { toJSON: () => ({ replaced: true, text: 'ü' }) };
    const toString = { toJSON: () => 'as string' };
    expectIdentical(when, 'top-level Date');
    expectIdentical(
      { when, custom, toString, list: [when, custom, toString], deep: { a: { b: { c: when } } } },
      'members',
    );
  });

  it('omits a member whose toJSON returns undefined, as JSON.stringify does', () => {
    const nothing = { toJSON: () => undefined };
    expectIdentical(
      { a: nothing, b: 1, list: [nothing], deep: { c: nothing, d: { e: nothing } } },
      'toJSON → undefined',
    );
  });

  it('passes the member key to toJSON, as JSON.stringify does', () => {
    const keyed = { toJSON: (key: string) => `key:${key}` };
    expectIdentical({ first: keyed, list: [keyed, keyed], nested: { inner: keyed } }, 'keyed toJSON');
  });

  it('unwraps boxed primitives', () => {
    expectIdentical(
      { s: new String('boxed é'), n: new Number(4), b: new Boolean(false), list: [new String('x')] },
      'boxed',
    );
  });
});

describe('long strings', () => {
  it('a surrogate pair straddling a slice boundary is encoded as JSON.stringify does', () => {
    const emoji = '🍵';
    for (const before of [SLICE - 1, 2 * SLICE - 1, 3 * SLICE - 1]) {
      const text = 'a'.repeat(before) + emoji + 'b'.repeat(100);
      expect(text.charCodeAt(before)).toBeGreaterThanOrEqual(0xd800); // the high half is the last of its slice
      expectIdentical(text, `top-level, pair at ${before}`);
      expectIdentical({ body: { messages: [{ content: text }] } }, `nested, pair at ${before}`);
    }
  });

  it('a string made only of astral characters, with odd and even offsets', () => {
    const astral = '😀🍵𝄞'.repeat(12_000); // 72,000 UTF-16 units: many boundaries, some inside pairs
    expectIdentical(astral, 'astral');
    expectIdentical('x' + astral, 'astral, shifted by one');
    expectIdentical({ a: astral, b: ['é' + astral] }, 'astral in containers');
  });

  it('lone surrogates at a boundary stay escaped', () => {
    expectIdentical('a'.repeat(SLICE - 1) + '\ud83c' + 'b', 'lone high at the end of a slice');
    expectIdentical('a'.repeat(SLICE) + '\udf75' + 'b', 'lone low at the start of a slice');
    expectIdentical('a'.repeat(SLICE - 1) + '\ud83c\ud83c\udf75', 'lone high then a pair');
  });

  it('long strings full of characters JSON must escape', () => {
    const text = '"\\\n\u0001é'.repeat(20_000);
    expectIdentical(text, 'escapes');
    expectIdentical([text, { t: text }], 'escapes in containers');
    // Only the escapes quoteJson replaces itself, across slice boundaries and with pairs cut at none.
    const common = '"\\\n\r\té🍵 '.repeat(20_000);
    expectIdentical(common, 'common escapes');
    expectIdentical([common, { t: common }], 'common escapes in containers');
  });
});

describe("quoteJson on short texts (the SSE frames' ids, models and deltas)", () => {
  it('writes every text as JSON.stringify does: escapes, control characters, surrogates paired or lone', () => {
    const texts = ['', 'Hello', 'line\nbreak "quoted" \\ back\tslash', 'em—dash ✓ 😀', '\u0000\u001f\u2028'];
    texts.push('\ud800 lone', '"', '\\', '\udc00', 'a\ud83d', '\ud83d\ude00x', '\u007f\u0080\u2029');
    // Either side of where the plain check gives way to the replacing path.
    texts.push('x'.repeat(255), 'x'.repeat(256), 'x'.repeat(5000));
    for (let code = 0; code < 0x80; code++) texts.push(`a${String.fromCharCode(code)}b`);
    for (const code of [0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfffe, 0xffff]) {
      texts.push(String.fromCharCode(code), `x${String.fromCharCode(code)}y`);
    }
    for (const text of texts) expect(quoteJson(text)).toBe(JSON.stringify(text));
  });
});

describe('quoteJson (the escaping by native string replacement)', () => {
  // Long enough to take the replacing path, and not: each text is tried at both lengths.
  const sized = (text: string): string[] => [text, text.repeat(Math.ceil(4096 / text.length))];
  it.each([
    ['plain ASCII', 'The quick brown fox. '],
    ['the escapes it replaces', 'a "quoted" \\path\\ and\nlines\r\n\tindented\\n'],
    ['backslash before a quote and a newline', '\\"\\\n\\'],
    ['two-byte text and pairs', 'café — 🍵 “ok” 日本語\n'],
    ['a rare control character', 'x\u0001y\u001f\b\f\u007f'],
    ['U+2028 and U+2029', 'a\u2028b\u2029c'],
    ['a lone high surrogate', 'abc\ud83c def'],
    ['a lone low surrogate', 'abc\udf75 def'],
  ])('%s: the same text as JSON.stringify', (_name, text) => {
    for (const t of sized(text)) expect(quoteJson(t)).toBe(JSON.stringify(t));
  });

  it('matches JSON.stringify on random texts mixing every kind of character it treats differently', () => {
    // Single code units, so pairs form and break at random: every escape class, lone and paired surrogates, U+2028.
    const units = [
      'a',
      ' ',
      '"',
      '\\',
      '\n',
      '\r',
      '\t',
      '\b',
      '\u0000',
      '\u001f',
      '\u007f',
      'é',
      '\u2028',
      '\ud83c',
      '\udf75',
    ];
    const random = seeded(2026);
    for (let round = 0; round < 300; round++) {
      const length = 200 + Math.floor(random() * 2000);
      let text = '';
      // Most texts draw from the common characters only, so the replacing path is taken as often as the other.
      const pool = round % 2 === 0 ? units.slice(0, 6) : units;
      for (let i = 0; i < length; i++) text += pool[Math.floor(random() * pool.length)];
      expect(quoteJson(text), `round ${round}`).toBe(JSON.stringify(text));
    }
  });
});

describe('fuzz', () => {
  it('300 random values, some with strings longer than 16,384 characters', () => {
    const random = seeded(97);
    const int = (n: number) => Math.floor(random() * n);
    const char = (): string => {
      switch (int(6)) {
        case 0:
          return String.fromCharCode(int(0x80));
        case 1:
          return String.fromCharCode(0x80 + int(0x780));
        case 2:
          return String.fromCharCode(0x800 + int(0xd000));
        case 3:
          return String.fromCodePoint(0x10000 + int(0xfffff));
        case 4:
          return int(10) === 0 ? String.fromCharCode(0xd800 + int(0x800)) : '"'; // rare lone surrogate
        default:
          return 'abc';
      }
    };
    const text = (): string => {
      const long = int(12) === 0;
      const length = long ? SLICE - 5 + int(3 * SLICE) : int(30);
      let out = '';
      while (out.length < length) out += char();
      return out;
    };
    const value = (depth: number): unknown => {
      const kind = int(depth > 6 ? 5 : 9);
      switch (kind) {
        case 0:
          return text();
        case 1:
          return int(2) ? random() * 1e9 : -int(1000);
        case 2:
          return [null, true, false, undefined, NaN][int(5)];
        case 3:
          return new Date(int(4_000_000_000_000));
        case 4: {
          // Decided now: toJSON runs once per serialisation and both must see the same result.
          const result = int(2) ? text() : undefined;
          return { toJSON: () => result };
        }
        case 5:
        case 6:
          return Array.from({ length: int(5) }, () => value(depth + 1));
        default: {
          const record: Record<string, unknown> = {};
          for (let i = int(6); i > 0; i--) record[text().slice(0, 20)] = value(depth + 1);
          if (int(4) === 0) record.skipped = undefined;
          return record;
        }
      }
    };
    for (let i = 0; i < 300; i++) {
      const v = value(0);
      // JSON.stringify has no text for a top-level undefined, so there is nothing to compare against; wrap it.
      expectIdentical(JSON.stringify(v) === undefined ? [v] : v, `value ${i}`);
    }
  });
});

describe('encodeJsonPieces and joinJsonPieces', () => {
  it('give the JSON.stringify bytes at any walk depth', () => {
    const long = 'é"\n🍵'.repeat(10_000);
    const value = { a: [{ b: { c: [long, { d: long }] } }, long], e: 1, f: { g: undefined } };
    const expected = Buffer.from(JSON.stringify(value));
    for (const depth of [0, 1, 2, 4, 6, 10]) {
      const pieces: string[] = [];
      encodeJsonPieces(value, depth, (piece) => pieces.push(piece));
      expect(joinJsonPieces(pieces).equals(expected), `depth ${depth}`).toBe(true);
    }
  });
});
