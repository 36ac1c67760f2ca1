import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { BodyError, MAX_JSON_DEPTH, decodeJson } from '../../main/core/server/json-body';
import { ReusedTools } from '../../main/core/util/json-reused-tools';
import { CLAUDE_CODE_REQUEST } from '../helpers/fixtures';

const parse = (bytes: Buffer): unknown => JSON.parse(bytes.toString('utf8'));
const filler = 'x'.repeat(3000);
const TOOLS = [
  { name: 'Read', description: `Reads a file — ${filler}`, input_schema: { type: 'object', properties: {} } },
  { name: 'Bash', description: 'Runs a command', input_schema: { type: 'object' } },
];
const toolsJson = JSON.stringify(TOOLS);

/** A compact body with the tools at its top level, as a JavaScript client writes it. */
const body = (text: string): Buffer => Buffer.from(text, 'utf8');
const turn = (content: string): Buffer =>
  body(`{"model":"m","messages":[{"role":"user","content":${JSON.stringify(content)}}],"tools":${toolsJson}}`);

function expectSame(actual: unknown, bytes: Buffer): void {
  const expected = parse(bytes);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  expect(actual).toStrictEqual(expected);
}

function learned(): ReusedTools {
  const reused = new ReusedTools(parse);
  const first = turn('first');
  reused.learn(first, parse(first));
  return reused;
}

describe('ReusedTools', () => {
  it('reuses a repeated tool list: the same value, parsed once, frozen and shared', () => {
    const reused = learned();
    const second = turn('second — with more text');
    const a = reused.decode(second) as { tools: unknown };
    expectSame(a, second);
    const b = reused.decode(turn('third')) as { tools: unknown };
    expect(b.tools).toBe(a.tools);
    expect(Object.isFrozen(a.tools)).toBe(true);
    expect(() => {
      (a.tools as Array<{ name: string }>)[0]!.name = 'Changed';
    }).toThrow(TypeError);
  });

  it('does nothing before it has learned, or for a different tool list', () => {
    expect(new ReusedTools(parse).decode(turn('x'))).toBeUndefined();
    const other = body(`{"model":"m","tools":${JSON.stringify([{ name: 'Other', description: filler }])}}`);
    expect(learned().decode(other)).toBeUndefined();
  });

  it('does not learn a body written with spaces (the bytes never repeat JSON.stringify)', () => {
    const reused = new ReusedTools(parse);
    const pretty = body(JSON.stringify({ model: 'm', tools: TOOLS }, null, 1));
    reused.learn(pretty, parse(pretty));
    expect(reused.decode(pretty)).toBeUndefined();
  });

  it('stops stringifying the list of a client that escapes otherwise, and learns again after a match', () => {
    // Compact, but `é` written as \u00e9: JSON.stringify of the parsed list never equals these bytes.
    const escaped = body(`{"model":"m","tools":${toolsJson.replaceAll('é', '\\u00e9').replaceAll('—', '\\u2014')}}`);
    expect(escaped.includes('\\u2014')).toBe(true);
    const reused = new ReusedTools(parse);
    const stringify = vi.spyOn(JSON, 'stringify');
    try {
      let tries = 0;
      for (let i = 0; i < 200; i++) {
        stringify.mockClear();
        reused.learn(escaped, parse(escaped));
        tries += stringify.mock.calls.length;
      }
      // Tried on bodies 1, 4, 9, 18, 35, 68, 133 and 198: eight of 200, one in 65 once backed off fully.
      expect(tries).toBe(8);
    } finally {
      stringify.mockRestore();
    }
    expect(reused.decode(escaped)).toBeUndefined();
    // A JavaScript client's list is learned on the first body the back-off lets through.
    let learnedAfter = 0;
    for (let i = 1; i <= 70 && learnedAfter === 0; i++) {
      const first = turn(`js ${i}`);
      reused.learn(first, parse(first));
      if (reused.decode(turn('next')) !== undefined) learnedAfter = i;
    }
    expect(learnedAfter).toBeGreaterThan(1);
    expect(learnedAfter).toBeLessThanOrEqual(65);
  });

  it('falls back where the same bytes are not the top-level tools', () => {
    const reused = learned();
    const cases = [
      // Nested under another key.
      `{"model":"m","input":{"tools":${toolsJson}}}`,
      // An earlier duplicate: JSON.parse keeps the last one, which differs.
      `{"tools":${toolsJson},"model":"m","tools":[{"name":"Last"}],"pad":"${filler}"}`,
      // Inside a key whose escaped quote precedes the same characters.
      `{"a\\"tools":${toolsJson},"model":"m"}`,
    ];
    for (const text of cases) expect(reused.decode(body(text)), text).toBeUndefined();
  });

  it('reuses the last of duplicate keys when that is the repeated one', () => {
    const reused = learned();
    const text = body(`{"tools":[{"name":"First"}],"model":"m","tools":${toolsJson}}`);
    expectSame(reused.decode(text), text);
  });

  it('leaves invalid JSON elsewhere in the body to the full parse', () => {
    const reused = learned();
    expect(reused.decode(body(`{"model":m,"tools":${toolsJson}}`))).toBeUndefined();
  });
});

describe('decodeJson with a repeated tool list', () => {
  it('still refuses a body nested too deep outside its reused tools', () => {
    const buffer = fs.readFileSync(CLAUDE_CODE_REQUEST);
    decodeJson(buffer); // learns the fixture's tools
    const text = buffer.toString('utf8');
    const deep = `${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`;
    const nested = Buffer.from(`{"deep":${deep},${text.slice(1)}`, 'utf8');
    expect(() => decodeJson(nested)).toThrow(BodyError);
  });

  it('gives the Claude Code turn exactly as JSON.parse does, the first time and every later time', () => {
    const buffer = fs.readFileSync(CLAUDE_CODE_REQUEST);
    const first = decodeJson(buffer) as { tools: unknown };
    const second = decodeJson(buffer) as { tools: unknown };
    const third = decodeJson(buffer) as { tools: unknown };
    expectSame(first, buffer);
    expectSame(second, buffer);
    expect(third.tools).toBe(second.tools); // reused, not parsed again
  });
});
