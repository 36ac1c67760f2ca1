import { describe, expect, it } from 'vitest';
import { parseFrame } from '../../main/core/upstream/ws/frame-parse';

const head = '{"type":"model","event":{"data":{"type":"text-delta",';

describe('parseFrame', () => {
  it('gives what JSON.parse gives, for delta frames in the server spelling and every near miss', () => {
    const frames = [
      `${head}"id":"1","delta":"Hello from the Orchids simulator."}}}`,
      `${head}"delta":"Let me look."}}}`,
      `${head}"delta":""}}}`,
      `${head}"id":"","delta":" "}}}`,
      `${head}"id":"1","delta":"ünïcödé — 🍵 <tag> {braces} [1,2]"}}}`,
      '{"type":"model","event":{"data":{"type":"reasoning-delta","delta":"Need to read the file."}}}',
      '{"type":"model","event":{"data":{"type":"reasoning-delta","id":"r1","delta":"x"}}}',
      // Escapes in either string: the text between the quotes is not the string.
      `${head}"id":"1","delta":"line\\nbreak \\"quoted\\" \\\\ \\u00e9"}}}`,
      `${head}"id":"a\\"b","delta":"x"}}}`,
      // Other members, another order, spacing, a longer tail: all through JSON.parse.
      `${head}"id":"1","delta":"x","providerMetadata":{}}}}`,
      `${head}"delta":"x","id":"1"}}}`,
      `${head} "delta":"x"}}}`,
      `${head}"delta":"x"},"timestamp":1}}`,
      '{"type":"model","event":{"data":{"type":"text-end","id":"1"}}}',
      '{"type":"model","event":{"data":{"type":"finish","stop_reason":"stop","usage":{"input_tokens":12}}}}',
      '{"type":"error","data":{"code":"bad_request","message":"boom"}}',
    ];
    for (const raw of frames) expect(parseFrame(raw), raw).toStrictEqual(JSON.parse(raw));
  });

  it('throws where JSON.parse throws: a raw control character, an unclosed string, text after the frame', () => {
    const frames = [
      `${head}"delta":"tab\there"}}}`,
      `${head}"id":"1\n","delta":"x"}}}`,
      `${head}"delta":"x}}}`,
      `${head}"delta":"x"}}}}`,
      `${head}"delta":"x"}}} trailing`,
      'not json',
    ];
    for (const raw of frames) {
      expect(() => JSON.parse(raw), raw).toThrow(SyntaxError);
      expect(() => parseFrame(raw), raw).toThrow(SyntaxError);
    }
  });
});
