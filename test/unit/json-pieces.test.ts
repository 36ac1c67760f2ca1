import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseJsonInPieces, type PieceOptions } from '../../main/core/server/json-pieces';
import { JsonDepthError, parseJsonYielding } from '../../main/core/server/json-yielding';
import { MAX_JSON_DEPTH } from '../../main/core/server/json-body';
import { randomDocuments } from '../helpers/json-documents';
import { CLAUDE_CODE_REQUEST } from '../helpers/fixtures';
import { seeded } from '../helpers/random';

/**
 * Piece sizes from one byte (every container entered, every value its own run) to a few KB (runs of many values,
 * arrays of objects taken by the guessed `},{"key"` cut), and strings handed to the yielding parser from 1 byte on.
 */
const SPLITS: PieceOptions[] = [
  { pieceBytes: 1, stringPieceBytes: 1 },
  { pieceBytes: 8, stringPieceBytes: 16 },
  { pieceBytes: 40, stringPieceBytes: 1 << 20 },
  { pieceBytes: 300, stringPieceBytes: 64 },
  { pieceBytes: 4096, stringPieceBytes: 1 << 20 },
];

/**
 * Valid: the same value as JSON.parse (key order, own `__proto__` keys, -0), without falling back to the yielding
 * parser. Invalid: the yielding parser's very error, by way of it.
 */
async function expectSameAsJsonParse(text: string, label: string, maxDepth = 10_000): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  let refusal: Error | undefined;
  let expected: unknown;
  try {
    expected = await parseJsonYielding(bytes, maxDepth, 0);
  } catch (error) {
    refusal = error as Error;
  }
  for (const split of SPLITS) {
    const where = `${label} (pieces of ${split.pieceBytes}, strings of ${split.stringPieceBytes})`;
    let fellBack = false;
    const parsing = parseJsonInPieces(bytes, maxDepth, { ...split, sliceMs: 0, onFallback: () => (fellBack = true) });
    if (refusal) {
      await expect(parsing, where).rejects.toThrow(refusal.message);
      await expect(parsing, where).rejects.toBeInstanceOf(refusal.constructor);
      expect(fellBack, where).toBe(true);
      continue;
    }
    const actual = await parsing;
    expect(fellBack, where).toBe(false);
    expect(JSON.stringify(actual), where).toBe(JSON.stringify(expected));
    expect(actual, where).toStrictEqual(expected);
  }
  // The reference reads the same bytes: a mutation that splits a surrogate pair reaches both as U+FFFD.
  if (!refusal && maxDepth === 10_000) {
    expect(JSON.stringify(expected), label).toBe(JSON.stringify(JSON.parse(bytes.toString('utf8'))));
  }
}

/** JSON with Python's separators (`, ` and `: `), as its json module writes by default. */
function spacedSeparators(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(spacedSeparators).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const members = Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${spacedSeparators(item)}`);
    return `{${members.join(', ')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Conversations shaped like request bodies: messages that all start with the same key, texts that hold the guessed
 * cut's bytes (`},{"role":`, escaped inside a string), and content blocks nested in messages that start with the
 * same key too, so that some guesses land on a nested `}` and must be refused.
 */
function conversation(seed: number): unknown {
  const random = seeded(seed);
  const int = (n: number) => Math.floor(random() * n);
  const texts = ['plain words ', '},{"role":"user"} ', '\\"},{"role": ', '— “quoted” → ', 'a\\\\', '\n\t', '😀'];
  const text = (): string => Array.from({ length: int(12) }, () => texts[int(texts.length)]).join('');
  const messages = Array.from({ length: 5 + int(40) }, (_, i) => ({
    role: i % 2 === 0 ? 'user' : 'assistant',
    content:
      int(3) === 0
        ? text()
        : Array.from({ length: int(4) }, () => ({ role: 'nested', type: 'text', text: text(), more: [{ role: 'x' }] })),
  }));
  return { model: 'claude-sonnet-4-6', max_tokens: 256, messages, system: [{ type: 'text', text: text() }] };
}

describe('parseJsonInPieces equals JSON.parse', () => {
  it('on 200 random documents, each also with random whitespace', async () => {
    const { value, spaced } = randomDocuments(8_001);
    for (let doc = 0; doc < 200; doc++) {
      const json = JSON.stringify(value(0));
      await expectSameAsJsonParse(json, `doc ${doc}`);
      await expectSameAsJsonParse(spaced(json), `doc ${doc} spaced`);
    }
  });

  it('on 1,000 mutations of valid documents: accepts and refuses what JSON.parse does, with its errors', async () => {
    const { value, mutate } = randomDocuments(8_002);
    for (let doc = 0; doc < 1000; doc++) {
      const json = mutate(JSON.stringify(value(0)));
      await expectSameAsJsonParse(json, `mutation ${doc}: ${JSON.stringify(json).slice(0, 200)}`);
    }
  });

  it('on conversations, compact and with spaced separators, and their mutations', async () => {
    const { mutate } = randomDocuments(8_003);
    for (let doc = 0; doc < 60; doc++) {
      const value = conversation(doc);
      await expectSameAsJsonParse(JSON.stringify(value), `conversation ${doc}`);
      await expectSameAsJsonParse(spacedSeparators(value), `conversation ${doc} spaced`);
      await expectSameAsJsonParse(mutate(JSON.stringify(value)), `conversation ${doc} mutated`);
    }
  });

  it('on backslash runs before quotes at every offset around the piece and scan edges', async () => {
    for (let run = 0; run <= 5; run++) {
      for (let pad = 0; pad < 44; pad++) {
        const text = `${'p'.repeat(pad)}${'\\'.repeat(run)}"${'q'.repeat(pad % 7)}`;
        const element = JSON.stringify({ role: 'user', content: text });
        await expectSameAsJsonParse(`[${element},${element},${element}]`, `run ${run}, pad ${pad}`);
        // The raw form: an even run leaves the quote closing the string, so the rest is out of place.
        const raw = `{"k":"${'p'.repeat(pad)}${'\\'.repeat(run)}"${'q'.repeat(pad % 7)}","m":[1,2]}`;
        await expectSameAsJsonParse(raw, `raw run ${run}, pad ${pad}`);
      }
    }
  });

  it('on hand-picked edge cases', async () => {
    const big = Array.from({ length: 12 }, (_, i) => i);
    const cases = [
      '{"a":1,"big":' + JSON.stringify(big) + ',"a":2,"b":3}',
      '{"__proto__":{"x":1},"big":' + JSON.stringify(big) + ',"__proto__":[2],"2":0,"1":1}',
      '{"big":[' + '{"role":"user","content":"é"},'.repeat(20) + '{"role":"user"}],"big":[]}',
      '{"k\\u0041y":' + JSON.stringify(big) + ',"\\"":[{"\\\\":1}]}',
      '{"bad\u0001key":' + JSON.stringify(big) + '}',
      '{"a":' + JSON.stringify(big) + '} x',
      '{"a":' + JSON.stringify(big) + '}  \n',
      '[' + '{"role":"user"},'.repeat(30) + '{"role":1}}]',
      '[' + '{"role":"user"},'.repeat(30) + '{"role":1},]',
      '{"messages":[' + '{"role":"user"},'.repeat(30) + '{"role":"user"}',
      '{"s":"' + 'x'.repeat(100) + '\\ud83d\\ude00 — \\n","t":"' + '—'.repeat(50) + '"}',
      '"' + 'long string with — and \\" '.repeat(20) + '"',
      '"\\x' + 'y'.repeat(40) + '"',
      '\ufeff{"a":[1,2,3]}',
      '',
      '   ',
      '[1e400, -0, 0.5e-3, 01]',
      '[1e400, -0, 0.5e-3, 1]',
      '{"a" 1}',
      '{"a":1 "b":2}',
      '[[[[[]]]], [[]], {"x": {"y": {}}}]',
    ];
    for (const text of cases) await expectSameAsJsonParse(text, JSON.stringify(text));
  });

  it('for the Claude Code fixture', async () => {
    await expectSameAsJsonParse(fs.readFileSync(CLAUDE_CODE_REQUEST, 'utf8'), 'fixture');
  });

  it('refuses nesting past the limit wherever it is found, as the yielding parser does', async () => {
    const arrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    const message = (levels: number) => `{"role":${arrays(levels)}}`;
    for (const levels of [MAX_JSON_DEPTH - 2, MAX_JSON_DEPTH - 1, MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1]) {
      await expectSameAsJsonParse(arrays(levels), `${levels} arrays`, MAX_JSON_DEPTH);
      // One deep message among shallow ones, at several places, so that some splits meet it only in a guessed
      // run (checked on the parsed run), others while scanning or on entering.
      const shallow = '{"role":"user","content":"some padding text"}';
      for (let at = 2; at < 12; at += 2) {
        const messages = Array.from({ length: 20 }, (_, i) => (i === at ? message(levels - 1) : shallow));
        await expectSameAsJsonParse(`[${messages.join(',')}]`, `messages nesting ${levels} at ${at}`, MAX_JSON_DEPTH);
      }
    }
    await expect(parseJsonInPieces(Buffer.from(arrays(MAX_JSON_DEPTH + 1)), MAX_JSON_DEPTH)).rejects.toBeInstanceOf(
      JsonDepthError,
    );
  });

  it('keeps "__proto__" an own key in a container it fills itself', async () => {
    const value = (await parseJsonInPieces(Buffer.from('{"__proto__":{"polluted":true},"b":[1,2,3,4,5,6]}'), 8, {
      pieceBytes: 1,
    })) as object;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect((value as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe('parseJsonInPieces gives the event loop back', () => {
  it('parses a large body over many turns, a string past the piece size included', async () => {
    const huge = 'x — "y"\n'.repeat(400_000);
    const body = JSON.stringify({
      model: 'm',
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
    let fellBack = false;
    const value = (await parseJsonInPieces(Buffer.from(body), 16, {
      sliceMs: 0,
      stringPieceBytes: 1 << 20,
      onFallback: () => (fellBack = true),
    })) as { big: string; messages: unknown[] };
    counting = false;
    expect(fellBack).toBe(false);
    expect(value.big).toBe(huge);
    expect(value.messages).toHaveLength(20_000);
    expect(JSON.stringify(value)).toBe(body);
    expect(turns).toBeGreaterThan(10);
  });
});
