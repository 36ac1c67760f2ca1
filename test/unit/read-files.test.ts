import { describe, expect, it } from 'vitest';
import type { Message } from '../../main/core/anthropic/types';
import { CUT_WORDS, OUTDATED_READ } from '../../main/core/orchids/gen-b/read-files';
import { resultRewrites } from '../../main/core/orchids/gen-b/result-rewrites';
import { CODEX_TOOLS, CLINE_CLI_TOOLS } from '../helpers/client-tools';

/**
 * Cline CLI 3.0.65's `read_files` results, as the real one sent them back (captured through the simulator on `ws`
 * from test/integration/cline-cli.test.ts's kind of run: the agent's Read mapped to `read_files`), the folder
 * renamed `/w`.
 */
const W = '/w';
const CAPTURED = {
  whole:
    `[{"query":"${W}/notes.txt","result":"1 | Shopping: GRAPE-12.\\n2 | Remember MANGO-77.\\n` +
    `3 | Call PAPAYA-5.","success":true}]`,
  range: `[{"query":"${W}/notes.txt:2-2","result":"2 | Remember MANGO-77.","success":true}]`,
  missing:
    `[{"query":"${W}/missing.txt","result":"","error":"Error reading file: ENOENT: no such file or directory, ` +
    `statx '${W}/missing.txt'","success":false}]`,
  folder: `[{"query":"${W}","result":"","error":"Error reading file: Path is not a file: ${W}","success":false}]`,
  pastEnd: `[{"query":"${W}/notes.txt:10-11","result":"","success":true}]`,
  toEnd:
    `[{"query":"${W}/long.txt:8-EOF","result":" 8 |   line 8 | x\\t\\n 9 |   line 9 | x\\t\\n10 | \\n` +
    `11 |   line 11 | x\\t\\n12 |   line 12 | x\\t","success":true}]`,
};

/** Lines `from` to `to` of a file of `entry N` lines, as Cline numbers them: right-aligned to `width`. */
const clineLines = (from: number, to: number, width = 4): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `${String(from + i).padStart(width)} | entry ${from + i}`);

/**
 * A long read's result string, as Cline sent it for a Read from line 5 of a file of 2,010 `entry N` lines: 2,000
 * lines and its note, then the middle cut out to fit its 8,000 characters, mid-line on both sides. The whole lines
 * are written by the loop above; the cut's place and the partial lines are the ones captured.
 */
const LONG_READ =
  [...clineLines(5, 244), ' 24'].join('\n') +
  '\n\n...[truncated 27019 chars]...\n\n' +
  ['8 | entry 1788', ...clineLines(1789, 2004)].join('\n') +
  '\n\n[Showing lines 5-2004 of 2010. Use start_line/end_line to read other sections.]';
const longRead = (result: string): string =>
  JSON.stringify([{ query: `${W}/journal.log:5-EOF`, result, success: true }]);

/** The calls as Cline replays them: the agent's Read as the one `files` entry the proxy gave `read_files`. */
const CALLS: Record<keyof typeof CAPTURED, Record<string, unknown>> = {
  whole: { path: `${W}/notes.txt` },
  range: { path: `${W}/notes.txt`, start_line: 2, end_line: 2 },
  missing: { path: `${W}/missing.txt` },
  folder: { path: W },
  pastEnd: { path: `${W}/notes.txt`, start_line: 10, end_line: 11 },
  toEnd: { path: `${W}/long.txt`, start_line: 8 },
};

/** The result block the upstream is sent for `content`, answering `call` in a conversation on Cline's tools. */
function sent(
  call: Record<string, unknown>,
  content: unknown,
  extra: Record<string, unknown> = {},
  tools = CLINE_CLI_TOOLS,
): Record<string, unknown> {
  const messages = [
    { role: 'user', content: 'Read it.' },
    { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_r', name: 'read_files', input: { files: [call] } }] },
  ] as unknown as Message[];
  const block = { type: 'tool_result', tool_use_id: 'toolu_r', content, ...extra };
  const rewrite = resultRewrites(messages, tools)?.get('toolu_r');
  return rewrite ? rewrite(block) : block;
}

describe("Cline CLI's read_files result, given to the agent as its own Read gives it", () => {
  it('numbers a whole file’s lines as cat -n does', () => {
    expect(sent(CALLS.whole, CAPTURED.whole)).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_r',
      content: '     1\tShopping: GRAPE-12.\n     2\tRemember MANGO-77.\n     3\tCall PAPAYA-5.',
    });
  });

  it('gives a range’s lines under their own numbers, as Cline read them, not cut again', () => {
    expect(sent(CALLS.range, [{ type: 'text', text: CAPTURED.range }])['content']).toEqual([
      { type: 'text', text: '     2\tRemember MANGO-77.' },
    ]);
    expect(sent(CALLS.toEnd, CAPTURED.toEnd)['content']).toBe(
      '     8\t  line 8 | x\t\n     9\t  line 9 | x\t\n    10\t\n    11\t  line 11 | x\t\n    12\t  line 12 | x\t',
    );
    expect(sent(CALLS.pastEnd, CAPTURED.pastEnd)['content']).toBe(
      'No lines: the file is empty, or shorter than the requested offset.',
    );
  });

  it('gives a long read’s lines either side of Cline’s cut, and its page note, in the agent’s terms', () => {
    const call = { path: `${W}/journal.log`, start_line: 5 };
    const agentLines = (from: number, to: number): string[] =>
      Array.from({ length: to - from + 1 }, (_, i) => `${String(from + i).padStart(6)}\tentry ${from + i}`);
    expect(sent(call, longRead(LONG_READ))['content']).toBe(
      [
        ...agentLines(5, 244),
        `[Lines 245-1788 are not shown: ${CUT_WORDS}]`,
        ...agentLines(1789, 2004),
        '',
        '[Showing lines 5-2004 of 2010. Use offset and limit to read other sections.]',
      ].join('\n'),
    );
    // Cut inside one line: that line alone is missing. A page note with no cut: the lines and the note.
    const oneLine = [...clineLines(5, 6), '   7 | en\n\n...[truncated 9 chars]...\n\ntry 7', ...clineLines(8, 9)];

    expect(sent(call, longRead(oneLine.join('\n')))['content']).toBe(
      [...agentLines(5, 6), `[Line 7 is not shown: ${CUT_WORDS}]`, ...agentLines(8, 9)].join('\n'),
    );
    const note = (use: string): string => `\n\n[Showing lines 5-6 of 50004+ lines. Use ${use} to read other sections.]`;
    expect(sent(call, longRead(clineLines(5, 6).join('\n') + note('start_line/end_line')))['content']).toBe(
      agentLines(5, 6).join('\n') + note('offset and limit'),
    );
    // Lines that do not follow on either side of the cut, or the cut's mark twice: Cline's JSON as it was.
    for (const broken of [
      LONG_READ.replace(' 100 | entry 100\n', ''),
      LONG_READ.replace('1900 | entry 1900\n', ''),
      LONG_READ.replace('8 | entry 1788', '8 | entry 1788\n\n...[truncated 5 chars]...\n\n'),
    ])
      expect(sent(call, longRead(broken))['content']).toBe(longRead(broken));
  });

  it('says so of an earlier read Cline no longer shows, rather than giving its JSON', () => {
    // Cline 3.0.65 replaces only the `result` of each entry of its JSON, or the whole text when it is not JSON.
    const outdated = (query: string): string =>
      JSON.stringify([{ query, result: '[outdated - see the latest file content]', success: true }]);
    expect(sent(CALLS.whole, outdated(`${W}/notes.txt`))['content']).toBe(OUTDATED_READ);
    expect(sent(CALLS.range, [{ type: 'text', text: outdated(`${W}/notes.txt:2-2`) }])['content']).toEqual([
      { type: 'text', text: OUTDATED_READ },
    ]);
    expect(sent(CALLS.whole, '[outdated - see the latest file content]')['content']).toBe(OUTDATED_READ);
    // Another read's entry stays as Cline gave it.
    expect(sent(CALLS.whole, outdated(`${W}/other.txt`))['content']).toBe(outdated(`${W}/other.txt`));
  });

  it('makes a failed read an error, which Cline never flags, in Cline’s words', () => {
    expect(sent(CALLS.missing, CAPTURED.missing)).toEqual({
      type: 'tool_result',
      tool_use_id: 'toolu_r',
      content: `Error reading file: ENOENT: no such file or directory, statx '${W}/missing.txt'`,
      is_error: true,
    });
    expect(sent(CALLS.folder, CAPTURED.folder)).toMatchObject({
      content: `Error reading file: Path is not a file: ${W}`,
      is_error: true,
    });
  });

  it('leaves a result of another shape, another read’s, an error Cline flagged, or another client’s', () => {
    const rejected = { content: 'This tool call was rejected by the user', is_error: true };
    expect(sent(CALLS.whole, rejected.content, { is_error: true })).toMatchObject(rejected);
    // The lines do not follow on from the first asked, or the query names another range.
    expect(sent(CALLS.range, CAPTURED.whole)['content']).toBe(CAPTURED.whole);
    expect(sent(CALLS.whole, CAPTURED.range)['content']).toBe(CAPTURED.range);
    const two = CAPTURED.whole.replace(/\]$/, `,${CAPTURED.range.slice(1)}`);
    expect(sent(CALLS.whole, two)['content']).toBe(two);
    expect(sent(CALLS.whole, CAPTURED.whole, {}, CODEX_TOOLS)['content']).toBe(CAPTURED.whole);
  });
});
