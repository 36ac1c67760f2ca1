import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JsonDepthError, JsonSyntaxError, parseJsonYielding } from '../../main/core/server/json-yielding';
import {
  BodyError,
  decodeJson,
  decodeJsonBody,
  MAX_JSON_DEPTH,
  YIELDING_PARSE_BYTES,
} from '../../main/core/server/json-body';
import { seeded } from '../helpers/random';
import { CLAUDE_CODE_REQUEST } from '../helpers/fixtures';

/** Both accept with byte-equal serialisations (key order, own "__proto__" keys, -0 aside), or both refuse. */
async function expectSameAsJsonParse(text: string, label: string): Promise<void> {
  // The reference reads the same bytes: a mutation that splits a surrogate pair reaches both as U+FFFD.
  const bytes = Buffer.from(text, 'utf8');
  let expected: unknown;
  let refused = false;
  try {
    expected = JSON.parse(bytes.toString('utf8'));
  } catch {
    refused = true;
  }
  const parsing = parseJsonYielding(bytes, 10_000, 0);
  if (refused) {
    await expect(parsing, label).rejects.toBeInstanceOf(JsonSyntaxError);
    return;
  }
  const actual = await parsing;
  expect(JSON.stringify(actual), label).toBe(JSON.stringify(expected));
  expect(actual, label).toStrictEqual(expected);
}

function randomDocuments(seed: number) {
  const random = seeded(seed);
  const int = (n: number) => Math.floor(random() * n);
  const char = (): string => {
    switch (int(5)) {
      case 0:
        return String.fromCharCode(0x20 + int(0x5f)); // printable ASCII, including " and \
      case 1:
        return String.fromCharCode(int(0x20)); // control characters (escaped by JSON.stringify)
      case 2:
        return String.fromCharCode(0x80 + int(0x80));
      case 3:
        return '—';
      default:
        return String.fromCodePoint(0x10000 + int(0x10ffff - 0x10000));
    }
  };
  const text = (max: number): string => Array.from({ length: int(max) }, char).join('');
  const key = (): string => (int(15) === 0 ? '__proto__' : int(10) === 0 ? 'dup' : text(6));
  const number = (): number => [0, -0, 1e21, 1e-7, -123.456, 2 ** 53 + 2, Number.MAX_VALUE, int(1e6)][int(8)]!;
  const value = (depth: number): unknown => {
    const kind = depth > 4 ? int(4) : int(6);
    if (kind === 0) return text(30);
    if (kind === 1) return int(3) === 0 ? null : int(2) === 0;
    if (kind === 2) return number();
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
  /** JSON text with random whitespace between tokens and, sometimes, a duplicate key spliced in. */
  const spaced = (json: string): string => {
    let out = '';
    let inString = false;
    for (let i = 0; i < json.length; i++) {
      const ch = json[i]!;
      out += ch;
      if (ch === '"' && !escaped(json, i)) inString = !inString;
      if (!inString && int(6) === 0) out += [' ', '\n', '\t', '\r', '  '][int(5)];
    }
    return out;
  };
  const SIGNIFICANT = ['{', '}', '[', ']', ',', ':', '"', '\\', '-', '.', 'e', '0', '1', 't', 'n', ' ', '\x01', 'é'];
  const mutate = (json: string): string => {
    const at = int(json.length + 1);
    switch (int(4)) {
      case 0:
        return json.slice(0, at) + json.slice(at + 1); // a character lost
      case 1:
        return json.slice(0, at) + SIGNIFICANT[int(SIGNIFICANT.length)] + json.slice(at); // one inserted
      case 2:
        return json.slice(0, at); // cut short
      default:
        return json.slice(0, at) + SIGNIFICANT[int(SIGNIFICANT.length)] + json.slice(at + 1); // one replaced
    }
  };
  return { value, spaced, mutate, int };
}

function escaped(text: string, index: number): boolean {
  let count = 0;
  while (index - count - 1 >= 0 && text[index - count - 1] === '\\') count++;
  return count % 2 === 1;
}

describe('parseJsonYielding equals JSON.parse', () => {
  it('on 300 random documents, each with random whitespace', async () => {
    const { value, spaced } = randomDocuments(7_001);
    for (let doc = 0; doc < 300; doc++) {
      const json = JSON.stringify(value(0));
      await expectSameAsJsonParse(json, `doc ${doc}`);
      await expectSameAsJsonParse(spaced(json), `doc ${doc} spaced`);
    }
  });

  it('on 2,000 mutations of valid documents: accepts and refuses exactly what JSON.parse does', async () => {
    const { value, mutate } = randomDocuments(7_002);
    for (let doc = 0; doc < 2000; doc++) {
      const json = mutate(JSON.stringify(value(0)));
      await expectSameAsJsonParse(json, `mutation ${doc}: ${JSON.stringify(json).slice(0, 200)}`);
    }
  });

  it('on hand-picked edge cases', async () => {
    const cases = [
      '0',
      '-0',
      '1e400',
      '-1.5E+3',
      '"\\ud800"',
      '"\\u00e9é\\n"',
      '{"__proto__":{"x":1},"a":[]}',
      '{"a":1,"a":2}',
      '[]',
      '{}',
      ' [ 1 , { } , [ ] ] ',
      '01',
      '1.',
      '.5',
      '+1',
      '-',
      '1e',
      'tru',
      'nul',
      '[1,]',
      '{"a":1,}',
      '{"a" 1}',
      '{1:2}',
      '"a\tb"',
      '"\\x"',
      '"abc',
      '[1] [2]',
      '\ufeff[]',
      '',
      '   ',
    ];
    for (const text of cases) await expectSameAsJsonParse(text, JSON.stringify(text));
  });

  it('for the Claude Code fixture', async () => {
    await expectSameAsJsonParse(fs.readFileSync(CLAUDE_CODE_REQUEST, 'utf8'), 'fixture');
  });

  it('keeps "__proto__" an own key instead of setting the prototype', async () => {
    const value = (await parseJsonYielding(Buffer.from('{"__proto__":{"polluted":true}}'), 8)) as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect((value as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe('parseJsonYielding gives the event loop back', () => {
  it('parses a large body over many turns of the event loop, strings that straddle a pause included', async () => {
    const huge = 'x'.repeat(3 << 20);
    const body = JSON.stringify({
      messages: Array.from({ length: 20_000 }, (_, i) => ({ role: 'user', content: `turn ${i} — é` })),
      big: huge,
    });
    let turns = 0;
    let counting = true;
    const count = (): void => {
      turns += 1;
      if (counting) setImmediate(count);
    };
    setImmediate(count);
    const value = (await parseJsonYielding(Buffer.from(body), 16, 0)) as { big: string; messages: unknown[] };
    counting = false;
    expect(value.big).toBe(huge);
    expect(value.messages).toHaveLength(20_000);
    expect(JSON.stringify(value)).toBe(body);
    expect(turns).toBeGreaterThan(10);
  });

  it('refuses nesting past the limit, counting containers as the fast path does', async () => {
    const arrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    await expect(parseJsonYielding(Buffer.from(arrays(MAX_JSON_DEPTH)), MAX_JSON_DEPTH)).resolves.toBeDefined();
    await expect(parseJsonYielding(Buffer.from(arrays(MAX_JSON_DEPTH + 1)), MAX_JSON_DEPTH)).rejects.toBeInstanceOf(
      JsonDepthError,
    );
  });
});

describe('decodeJsonBody', () => {
  it('takes the yielding path from its threshold on, with the same result and the same 400s', async () => {
    const filler = 'a — b '.repeat(YIELDING_PARSE_BYTES / 4);
    const body = Buffer.from(JSON.stringify({ model: 'm', text: filler }), 'utf8');
    expect(body.length).toBeGreaterThanOrEqual(YIELDING_PARSE_BYTES);
    expect(await decodeJsonBody(body)).toEqual({ model: 'm', text: filler });
    const broken = Buffer.concat([body.subarray(0, body.length - 1)]);
    await expect(decodeJsonBody(broken)).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/^The request body is not valid JSON: /),
    });
    const deep = Buffer.from(`{"pad":"${'p'.repeat(YIELDING_PARSE_BYTES)}","d":${'['.repeat(200)}${']'.repeat(200)}}`);
    await expect(decodeJsonBody(deep)).rejects.toMatchObject({
      status: 400,
      message: `The request body is nested more than ${MAX_JSON_DEPTH} levels deep.`,
    });
    await expect(decodeJsonBody(Buffer.concat([body, Buffer.from([0xff])]))).rejects.toBeInstanceOf(BodyError);
  });

  it('decodes text dense in short non-ASCII runs the plain way, with the same result', () => {
    const text = JSON.stringify({ text: 'a—'.repeat(20_000) });
    expect(decodeJson(Buffer.from(text, 'utf8'))).toEqual(JSON.parse(text));
  });
});
