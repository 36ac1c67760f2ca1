import { describe, expect, it } from 'vitest';
import { parseArguments } from '../../main/core/openai/tool-params';

describe('parseArguments: a replayed tool call’s arguments string → tool_use input', () => {
  it('parses a JSON object, wraps any other JSON value, and keeps what does not parse as text', () => {
    expect(parseArguments('{"a":1}')).toEqual({ a: 1 });
    expect(parseArguments('[1]')).toEqual({ value: [1] });
    expect(parseArguments('{"a":')).toEqual({ _raw: '{"a":' });
    expect(parseArguments('  ')).toEqual({});
  });

  it('keeps arguments nested deeper than a body may be as text, not as a value the code after it recurses into', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(parseArguments(deep)).toEqual({ _raw: deep });
    const within = '{"a":'.repeat(100) + '1' + '}'.repeat(100);
    expect(parseArguments(within)).toEqual(JSON.parse(within));
  });
});
