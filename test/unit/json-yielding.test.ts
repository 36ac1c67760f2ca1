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
import { randomDocuments } from '../helpers/json-documents';
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
