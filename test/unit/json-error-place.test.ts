import { describe, expect, it } from 'vitest';
import { BodyError, decodeJson, decodeJsonBody, YIELDING_PARSE_BYTES } from '../../main/core/server/json-body';

/** Obviously fake; shaped like what a person pastes by mistake. */
const SECRET = 'sk-ant-FAKE-not-a-real-key-0000';

const PREFIX = 'The request body is not valid JSON: ';

/** Each broken body, and where it broke and what was expected there, as the 400 says it. */
const CASES: Array<[string, string]> = [
  [`{"key":"${SECRET}" x}`, "expected ',' or '}' at line 1, column 42 (byte 41)"],
  [`{"a":${SECRET}}`, 'expected a value at line 1, column 6 (byte 5)'],
  [`[1,${SECRET}]`, 'expected a value at line 1, column 4 (byte 3)'],
  [`{"a":1,}`, 'expected a property name in double quotes at line 1, column 8 (byte 7)'],
  [`{'${SECRET}':1}`, "expected a property name in double quotes or '}' at line 1, column 2 (byte 1)"],
  [`{"a" "${SECRET}"}`, "expected ':' after the property name at line 1, column 6 (byte 5)"],
  [`{"a":1`, "expected ',' or '}', but the body ends at line 1, column 7 (byte 6)"],
  [`[1 2]`, "expected ',' or ']' at line 1, column 4 (byte 3)"],
  [`{"a":1}${SECRET}`, 'expected nothing more after the JSON value at line 1, column 8 (byte 7)'],
  [`{\n  "é": "é",\n  "b": ${SECRET}\n}`, 'expected a value at line 3, column 8 (byte 23)'],
  [`{"a":"${SECRET}`, 'a string starts here and is not closed before the body ends at line 1, column 6 (byte 5)'],
  [`{"a":"${SECRET}\\q"}`, 'an invalid escape in a string at line 1, column 38 (byte 37)'],
  [`{"a":"${SECRET}\\u12G4"}`, 'an invalid escape in a string at line 1, column 38 (byte 37)'],
  [`{"a":"x\ty"}`, 'a control character (U+0009) in a string: escape it at line 1, column 8 (byte 7)'],
  [`{"a":1.}`, 'expected a digit at line 1, column 8 (byte 7)'],
  [`{"a":-`, 'expected a digit, but the body ends at line 1, column 7 (byte 6)'],
];

function smallPathError(text: string): BodyError {
  try {
    decodeJson(Buffer.from(text, 'utf8'));
  } catch (error) {
    expect(error).toBeInstanceOf(BodyError);
    return error as BodyError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

describe('a body that is not JSON is refused with where it broke, quoting none of it', () => {
  it.each(CASES)('%j', (text, where) => {
    expect(() => JSON.parse(text), 'the reference refuses it too').toThrow();
    const error = smallPathError(text);
    expect(error.status).toBe(400);
    expect(error.message).toBe(`${PREFIX}${where}.`);
    expect(error.message).not.toContain(SECRET.slice(0, 6));
  });

  it.each(CASES)('the same on the large-body path, its place moved by the lines put before it: %j', async (text) => {
    const lines = YIELDING_PARSE_BYTES;
    const shifted = smallPathError(text).message.replace(
      /line (\d+), column (\d+) \(byte (\d+)\)/,
      (_, line: string, column: string, byte: string) =>
        `line ${Number(line) + lines}, column ${column} (byte ${Number(byte) + lines})`,
    );
    const large = Buffer.from('\n'.repeat(lines) + text, 'utf8');
    await expect(decodeJsonBody(large)).rejects.toMatchObject({ status: 400, message: shifted });
  });
});
