import fs from 'node:fs';
import { isAscii } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import {
  BodyError,
  MAX_JSON_DEPTH,
  YIELDING_PARSE_BYTES,
  decodeJson,
  decodeJsonBody,
} from '../../main/core/server/json-body';
import { seeded } from '../helpers/random';
import { CLAUDE_CODE_REQUEST } from '../helpers/fixtures';

const FIXTURE = CLAUDE_CODE_REQUEST;

function bodyError(buffer: Buffer): BodyError {
  try {
    decodeJson(buffer);
  } catch (error) {
    expect(error).toBeInstanceOf(BodyError);
    return error as BodyError;
  }
  throw new Error('expected a BodyError');
}

/** The reference: what decodeJson promises to be equal to. */
const reference = (buffer: Buffer): unknown => JSON.parse(buffer.toString());

function expectSameAsReference(buffer: Buffer, label: string): void {
  const expected = reference(buffer);
  const actual = decodeJson(buffer);
  // Byte-equal serialisations also catch key order, and a lost own "__proto__" key.
  expect(JSON.stringify(actual), label).toBe(JSON.stringify(expected));
  expect(actual, label).toStrictEqual(expected);
}

describe('decodeJson equals JSON.parse(buffer.toString())', () => {
  it('for the Claude Code fixture (non-ASCII, the fast path)', () => {
    const buffer = fs.readFileSync(FIXTURE);
    expect(isAscii(buffer)).toBe(false);
    expectSameAsReference(buffer, 'fixture');
  });

  it('for hand-picked mixes of raw UTF-8 and escapes', () => {
    const cases = [
      '{"a":"plain ascii"}',
      '{"é":"café — naïve 中文 🍵"}',
      '{"k":"\\u00e9 and é"}', // a latin1 escape beside raw UTF-8: the exact path
      '{"k":"\\u4e2d and é"}', // a non-latin1 escape beside raw UTF-8: the fast path
      '{"k":"\\ud83c\\udf75 and 🍵", "\\u00ff": "ÿ"}',
      '["\\\\u00e9 is a literal backslash-u", "é"]',
      '{"ctl":"\\u0000\\u001f\\"\\\\/","€":[1,-0,2.5e-3,true,false,null,"\u0080\u00ff"]}',
      '{"2":"b","1":"a","é":"x","b":"y"}',
      '{"k":"\\\\é","k2":"\\\\\\\\é"}', // escaped backslashes right before raw UTF-8
      '{"k":"\\u2014—\\n—"}', // escapes and raw characters side by side
    ];
    for (const text of cases) expectSameAsReference(Buffer.from(text, 'utf8'), text);
  });

  it('keeps an own "__proto__" key in an object whose other keys are non-ASCII', () => {
    const buffer = Buffer.from('{"é":1,"__proto__":{"polluted":true},"nested":{"ü":2,"__proto__":[1]}}', 'utf8');
    const value = decodeJson(buffer) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect((value as { polluted?: unknown }).polluted).toBeUndefined();
    expectSameAsReference(buffer, '__proto__');
  });

  it('for 400 random documents mixing ASCII, latin1, BMP and astral text in keys and values', () => {
    const random = seeded(20_240_601);
    const int = (n: number) => Math.floor(random() * n);
    const char = (): string => {
      switch (int(5)) {
        case 0:
          return String.fromCharCode(0x20 + int(0x5f)); // printable ASCII, including " and \
        case 1:
          return String.fromCharCode(int(0x20)); // control characters
        case 2:
          return String.fromCharCode(0x80 + int(0x80)); // latin1 supplement: the bytes the fast path rewrites
        case 3: {
          const code = 0x100 + int(0xfffe - 0x100);
          return code >= 0xd800 && code < 0xe000 ? '—' : String.fromCharCode(code); // BMP
        }
        default:
          return String.fromCodePoint(0x10000 + int(0x10ffff - 0x10000)); // astral: a surrogate pair
      }
    };
    const text = (max: number): string => Array.from({ length: int(max) }, char).join('');
    const key = (): string => (int(20) === 0 ? '__proto__' : text(8));
    const value = (depth: number): unknown => {
      const kind = depth > 4 ? int(4) : int(6);
      if (kind === 0) return text(40);
      if (kind === 1) return int(3) === 0 ? null : int(2) === 0 ? random() * 1e6 - 5e5 : int(2) === 0;
      if (kind === 2) return int(1_000_000);
      if (kind === 3) return text(3);
      if (kind === 4) return Array.from({ length: int(6) }, () => value(depth + 1));
      const record: Record<string, unknown> = {};
      for (let i = int(6); i > 0; i--)
        Object.defineProperty(record, key(), {
          value: value(depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return record;
    };
    /**
     * Rewrites some non-ASCII characters (all inside strings) as \u escapes; `latin1` decides whether \u0080-\u00ff
     * may appear.
     */
    const escapeSome = (json: string, latin1: boolean): string => {
      let out = '';
      for (const ch of json) {
        const code = ch.codePointAt(0)!;
        const eligible = code >= 0x80 && (latin1 || code > 0xff);
        if (eligible && int(3) === 0) {
          for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
        } else out += ch;
      }
      return out;
    };

    for (let doc = 0; doc < 400; doc++) {
      const json = JSON.stringify(value(0));
      const variants = [json, escapeSome(json, false), escapeSome(json, true)];
      for (const [v, variant] of variants.entries())
        expectSameAsReference(Buffer.from(variant, 'utf8'), `doc ${doc} variant ${v}`);
    }
  });
});

describe('decodeJson refuses bad bodies with 400', () => {
  it.each([
    ['a lone continuation byte', [0x22, 0x80, 0x22]],
    ['a truncated sequence', [0x22, 0xe2, 0x82, 0x22]],
    ['an overlong encoding', [0x22, 0xc0, 0xaf, 0x22]],
    ['an encoded surrogate', [0x22, 0xed, 0xa0, 0x80, 0x22]],
    ['latin1 text', [...Buffer.from('{"k":"caf'), 0xe9, ...Buffer.from('"}')]],
  ])('invalid UTF-8: %s', (_name, bytes) => {
    const error = bodyError(Buffer.from(bytes));
    expect(error.status).toBe(400);
    expect(error.message).toBe('The request body is not valid UTF-8.');
  });

  it.each(['', ' ', '\r\n\t'])('empty or blank: %j is named as empty, not as JSON cut short', (text) => {
    const error = bodyError(Buffer.from(text, 'utf8'));
    expect(error.status).toBe(400);
    expect(error.message).toBe('The request body is empty: send a JSON object.');
  });

  it('a large body of nothing but whitespace is named as empty too, on the large-body path', async () => {
    const blank = Buffer.alloc(YIELDING_PARSE_BYTES + 10, ' ');
    blank[100] = 0x0a;
    const error = await decodeJsonBody(blank).then(
      () => undefined,
      (caught: unknown) => caught as BodyError,
    );
    expect(error).toBeInstanceOf(BodyError);
    expect(error!.message).toBe('The request body is empty: send a JSON object.');
    // Something other than whitespace in it is still a syntax error, with its place.
    blank[200] = 0x78;
    await expect(decodeJsonBody(blank)).rejects.toThrow(/^The request body is not valid JSON: /);
  });

  it.each(['not json', '{"a":1', '{"a":1}x', '[1,]', "{'a':1}", '{"é":}', '{"a":é}', '{"k":"\\é"}', '{"k":"\\\\\\é"}'])(
    'not JSON: %j',
    (text) => {
      expect(() => JSON.parse(text), 'the reference refuses it too').toThrow();
      const error = bodyError(Buffer.from(text, 'utf8'));
      expect(error.status).toBe(400);
      expect(error.message).toMatch(/^The request body is not valid JSON: /);
    },
  );
});

describe('decodeJson depth limit', () => {
  const arrays = (levels: number, leaf = '1') => '['.repeat(levels) + leaf + ']'.repeat(levels);
  const objects = (levels: number, leaf = '"é"') => '{"a":'.repeat(levels) + leaf + '}'.repeat(levels);

  it(`accepts ${MAX_JSON_DEPTH - 1} and ${MAX_JSON_DEPTH} levels of arrays and of objects`, () => {
    for (const levels of [MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH]) {
      expectSameAsReference(Buffer.from(arrays(levels)), `${levels} arrays`);
      expectSameAsReference(Buffer.from(objects(levels), 'utf8'), `${levels} objects`);
    }
  });

  it(`refuses ${MAX_JSON_DEPTH + 1} levels and far deeper, on both paths`, () => {
    for (const text of [
      arrays(MAX_JSON_DEPTH + 1),
      objects(MAX_JSON_DEPTH + 1),
      arrays(MAX_JSON_DEPTH + 1, '"é"'),
      arrays(100_000),
      `{"ok":[${arrays(MAX_JSON_DEPTH)}]}`,
    ]) {
      const error = bodyError(Buffer.from(text, 'utf8'));
      expect(error.status).toBe(400);
      expect(error.message).toBe(`The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`);
    }
  });
});
