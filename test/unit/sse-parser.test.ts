import { describe, expect, it } from 'vitest';
import { SseParser } from '../../main/core/orchids/sse-parser';
import { finish, renderSse, text, thinking, toolCall, type SimStep } from '../sim/steps';

interface Parsed {
  events: unknown[];
  raws: string[];
  malformed: string[];
}

function newParser(): { parser: SseParser; out: Parsed } {
  const out: Parsed = { events: [], raws: [], malformed: [] };
  const parser = new SseParser({
    onJson: (value, raw) => {
      out.events.push(value);
      out.raws.push(raw);
    },
    onMalformed: (raw) => out.malformed.push(raw),
  });
  return { parser, out };
}

/** Feeds the chunks in order, then ends the stream. */
function parseChunks(chunks: Array<string | Buffer>): Parsed {
  const { parser, out } = newParser();
  for (const chunk of chunks) parser.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
  parser.end();
  return out;
}

const parse = (wire: string): Parsed => parseChunks([wire]);

/** A wire fragment and the payloads a correct reader must get out of it. */
interface Piece {
  step: SimStep;
  values: unknown[];
}
const fromSteps = (steps: SimStep[]): Piece[] =>
  steps.map((step) => ({ step, values: 'data' in step ? [step.data] : [] }));
const raw = (wire: string, ...values: unknown[]): Piece => ({ step: { raw: wire }, values });

/**
 * A realistic turn (protocol 2.3) with the rough edges upstreams produce: keep-alives, ignored fields, a payload
 * spread over two `data:` lines, CRLF and lone-CR framing, and non-ASCII text of 2, 3 and 4 UTF-8 bytes per character.
 */
const SCRIPT: Piece[] = [
  raw(': keep-alive\n\n'),
  raw('data: {"type":"connected"}\n\n', { type: 'connected' }),
  ...fromSteps(thinking('Let me look… 🤔', { signature: 'sig_01' })),
  ...fromSteps(text('读取文件 — “ä.ts” 👀', { chunks: 4 })),
  raw('event: model\r\nid: 17\r\ndata: {"type":"model",\r\ndata: "event":{"type":"text-end","id":"9"}}\r\n\r\n', {
    type: 'model',
    event: { type: 'text-end', id: '9' },
  }),
  ...fromSteps(toolCall({ id: 'toolu_01', name: 'Read', input: { file_path: '/x/ä.ts' }, chunks: 3 })),
  raw('retry: 3000\rdata:{"type":"model","event":{"type":"tokens-used","inputTokens":1234,"outputTokens":56}}\r\r', {
    type: 'model',
    event: { type: 'tokens-used', inputTokens: 1234, outputTokens: 56 },
  }),
  raw(': ping\r\n\r\n'),
  ...fromSteps(finish('tool-calls', { inputTokens: 1234, outputTokens: 56 })),
];
const STREAM = Buffer.from(renderSse(SCRIPT.map((piece) => piece.step)), 'utf8');
const EXPECTED = SCRIPT.flatMap((piece) => piece.values);

describe('SseParser on a realistic stream', () => {
  it('reads every payload of the stream in order, and nothing else', () => {
    const out = parseChunks([STREAM]);
    expect(out.events).toEqual(EXPECTED);
    expect(out.malformed).toEqual([]);
    // Guard on the fixture itself: the split tests below only mean something if it holds multi-byte characters.
    expect(STREAM.length).toBeGreaterThan(STREAM.toString('utf8').length);
  });

  it('gives the same events wherever the stream is cut in two', () => {
    for (let offset = 0; offset <= STREAM.length; offset++) {
      const out = parseChunks([STREAM.subarray(0, offset), STREAM.subarray(offset)]);
      if (out.malformed.length > 0 || out.events.length !== EXPECTED.length) {
        throw new Error(`split at byte ${offset}: ${JSON.stringify(out)}`);
      }
      expect(out.events).toEqual(EXPECTED);
    }
  });

  it('gives the same events when fed one byte at a time', () => {
    const chunks: Buffer[] = [];
    for (let i = 0; i < STREAM.length; i++) chunks.push(STREAM.subarray(i, i + 1));
    const out = parseChunks(chunks);
    expect(out.events).toEqual(EXPECTED);
    expect(out.malformed).toEqual([]);
  });

  it('delivers each event as soon as its blank line arrives, not at the end', () => {
    const { parser, out } = newParser();
    parser.push(Buffer.from('data: {"n":1}\n\ndata: {"n":2}\n'));
    expect(out.events).toEqual([{ n: 1 }]);
    parser.push(Buffer.from('\n'));
    expect(out.events).toEqual([{ n: 1 }, { n: 2 }]);
  });
});

describe('SseParser with multi-byte UTF-8 split across chunks', () => {
  const cases = [
    ['emoji (4 bytes)', '👋🏽 hi'],
    ['CJK (3 bytes)', '世界你好'],
    ['em-dash and curly quotes (3 bytes)', 'a — “b”'],
    ['Latin-1 range (2 bytes)', 'Grüße'],
  ] as const;
  for (const [label, value] of cases) {
    it(`keeps ${label} intact at every split point`, () => {
      const wire = Buffer.from(`data: ${JSON.stringify({ t: value })}\n\n`, 'utf8');
      for (let offset = 0; offset <= wire.length; offset++) {
        const out = parseChunks([wire.subarray(0, offset), wire.subarray(offset)]);
        expect(out.events, `split at ${offset}`).toEqual([{ t: value }]);
      }
    });
  }

  it('keeps a character intact when each of its bytes arrives in a separate chunk', () => {
    const wire = Buffer.from('data: {"t":"😀"}\n\n', 'utf8');
    const chunks = Array.from(wire, (byte) => Buffer.from([byte]));
    expect(parseChunks(chunks).events).toEqual([{ t: '😀' }]);
  });
});

describe('SseParser line endings', () => {
  const body = (eol: string) => `data: {"n":1}${eol}${eol}data: {"n":2}${eol}${eol}`;

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['lone CR', '\r'],
  ])('splits events on %s', (_label, eol) => {
    const out = parse(body(eol));
    expect(out.events).toEqual([{ n: 1 }, { n: 2 }]);
    expect(out.malformed).toEqual([]);
  });

  it('accepts a mix of line endings within one stream', () => {
    expect(parse('data: {"n":1}\r\n\ndata: {"n":2}\r\rdata: {"n":3}\n\r\n').events).toEqual([
      { n: 1 },
      { n: 2 },
      { n: 3 },
    ]);
  });

  it('treats a CRLF split between chunks as one line ending, not a line plus a blank line', () => {
    // If the LF were read as a second, empty line, `{"a":` would be dispatched alone and fail to parse.
    const out = parseChunks(['data: {"a":\r', '\ndata: 1}\r', '\n\r', '\n']);
    expect(out.events).toEqual([{ a: 1 }]);
    expect(out.malformed).toEqual([]);
  });

  it('does not swallow the first byte of a chunk after a lone CR unless it is LF', () => {
    expect(parseChunks(['data: {"n":1}\r\r', 'data: {"n":2}\r\r']).events).toEqual([{ n: 1 }, { n: 2 }]);
  });
});

describe('SseParser and a byte-order mark', () => {
  const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
  it('ignores a UTF-8 BOM at the start of the stream, even when it arrives a byte at a time', () => {
    const wire = Buffer.concat([BOM, Buffer.from('data: {"a":1}\n\ndata: {"b":2}\n\n')]);
    expect(parseChunks([wire]).events).toEqual([{ a: 1 }, { b: 2 }]);
    expect(parseChunks([...wire].map((byte) => Buffer.from([byte]))).events).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('reads a stream shorter than a BOM', () => {
    expect(parseChunks(['d']).events).toEqual([]);
    expect(parseChunks(['{}']).events).toEqual([]);
  });
});

describe('SseParser fields', () => {
  it('joins several data lines of one event with newlines into one payload', () => {
    const out = parse('data: {\ndata:   "a": 1,\ndata:   "b": [1, 2]\ndata: }\n\n');
    expect(out.events).toEqual([{ a: 1, b: [1, 2] }]);
    expect(out.raws).toEqual(['{\n  "a": 1,\n  "b": [1, 2]\n}']);
  });

  it('ignores comments and the event, id and retry fields', () => {
    const out = parse(': keep-alive\n\nevent: model\nid: 42\nretry: 1000\ndata: {"a":1}\n\n:\n\n: trailing comment\n');
    expect(out.events).toEqual([{ a: 1 }]);
    expect(out.malformed).toEqual([]);
  });

  it('ignores a field whose name merely starts with "data"', () => {
    expect(parse('database: {"x":1}\ndataX:{"x":2}\ndata: {"a":1}\n\n').events).toEqual([{ a: 1 }]);
  });

  it('accepts data: without a space and strips exactly one space when present', () => {
    const out = parse('data:{"a":1}\n\ndata: {"b":2}\n\ndata:  "two spaces"\n\n');
    expect(out.events).toEqual([{ a: 1 }, { b: 2 }, 'two spaces']);
    expect(out.raws).toEqual(['{"a":1}', '{"b":2}', ' "two spaces"']);
  });

  it('yields one event per JSON line when the blank lines between data lines are missing', () => {
    const { parser, out } = newParser();
    parser.push(Buffer.from('data: {"n":1}\ndata: {"n":2}\ndata: {"n":3}\n'));
    // The first two are complete the moment the next object begins; only the last waits for a terminator.
    expect(out.events).toEqual([{ n: 1 }, { n: 2 }]);
    parser.end();
    expect(out.events).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect(out.malformed).toEqual([]);
  });

  it('still joins a multi-line payload that is followed by an event with no blank line', () => {
    const out = parse('data: {"a":\ndata: {"b":1}}\ndata: {"c":2}\n\n');
    expect(out.events).toEqual([{ a: { b: 1 } }, { c: 2 }]);
  });
});

describe('SseParser robustness', () => {
  it('reports malformed JSON through onMalformed, skips it, and keeps parsing', () => {
    const out = parse('data: {"a":1}\n\ndata: {oops\n\ndata: not json\n\ndata: {"b":2}\n\n');
    expect(out.events).toEqual([{ a: 1 }, { b: 2 }]);
    expect(out.malformed).toEqual(['{oops', 'not json']);
  });

  it('isolates a malformed line among data lines that lack blank lines between them', () => {
    const out = parse('data: {"a":1}\ndata: nope\ndata: {"b":2}\n\n');
    expect(out.events).toEqual([{ a: 1 }, { b: 2 }]);
    expect(out.malformed).toEqual(['nope']);
  });

  it('works without an onMalformed handler', () => {
    const events: unknown[] = [];
    const parser = new SseParser({ onJson: (value) => events.push(value) });
    parser.push(Buffer.from('data: {bad\n\ndata: {"ok":true}\n\n'));
    parser.end();
    expect(events).toEqual([{ ok: true }]);
  });

  it('ignores [DONE] and empty data silently', () => {
    const out = parse('data: [DONE]\n\ndata: \n\ndata:\n\ndata\n\n');
    expect(out.events).toEqual([]);
    expect(out.malformed).toEqual([]);
  });

  it('ignores a [DONE] that follows a data line without a blank line', () => {
    const out = parse('data: {"a":1}\ndata: [DONE]\n\n');
    expect(out.events).toEqual([{ a: 1 }]);
    expect(out.malformed).toEqual([]);
  });

  it('delivers a final event that has no trailing newline when the stream ends', () => {
    const { parser, out } = newParser();
    parser.push(Buffer.from('data: {"n":1}\n\ndata: {"last":true}'));
    expect(out.events).toEqual([{ n: 1 }]);
    parser.end();
    expect(out.events).toEqual([{ n: 1 }, { last: true }]);
  });

  it.each([
    ['LF', 'data: {"last":true}\n'],
    ['CR', 'data: {"last":true}\r'],
    ['CRLF', 'data: {"last":true}\r\n'],
  ])('delivers a final event ended by %s but no blank line when the stream ends', (_label, wire) => {
    const { parser, out } = newParser();
    parser.push(Buffer.from(wire));
    expect(out.events).toEqual([]);
    parser.end();
    expect(out.events).toEqual([{ last: true }]);
  });

  it('ends an empty stream, or one of only comments, without events', () => {
    expect(parseChunks([]).events).toEqual([]);
    expect(parse(': keep-alive\n\n: keep-alive').events).toEqual([]);
  });

  it('tolerates empty chunks anywhere, including between CR and LF', () => {
    const out = parseChunks(['', 'data: {"a":\r', '', '\ndata: 1}\r\n', '', '\r\n']);
    expect(out.events).toEqual([{ a: 1 }]);
  });
});
