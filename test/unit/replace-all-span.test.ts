import { describe, expect, it } from 'vitest';
import type { Message } from '../../main/core/anthropic/types';
import { replaceAllAsOne } from '../../main/core/orchids/replace-all-span';
import { CLINE_CLI_TOOLS } from '../helpers/client-tools';
import { translateTurn } from '../helpers/translated-turn';

/**
 * The agent's Edit with `replace_all` on Cline CLI 3.0.65's one-occurrence `editor`: one replacement of the text from
 * the first occurrence to the last, where the conversation shows the file whole (Cline's `read_files` of it).
 */
const FILE = '/w/plum.txt';
const LINES = ['plum = 1', 'fig = 2', 'plum = 1', 'lime = 3', 'plum = 1', 'end'];
const all = (from: string, to: string) => ({ file_path: FILE, old_string: from, new_string: to, replace_all: true });

/** What the agent's own Edit with replace_all leaves: every occurrence, left to right, replaced. */
const agentEdit = (text: string, from: string, to: string) => text.split(from).join(to);
/** What Cline's editor leaves for `old_text`/`new_text`, or undefined where it refuses (found 0 or 2+ times). */
function clineEdit(text: string, from: string, to: string): string | undefined {
  return text.split(from).length - 1 === 1 ? text.replace(from, () => to) : undefined;
}

describe('replaceAllAsOne: an Edit with replace_all as one replacement Cline makes', () => {
  it('spans the first occurrence to the last, which stands once, and leaves the file as replace_all does', () => {
    const span = replaceAllAsOne(LINES, all('plum = 1', 'sloe = 1'));
    expect(span).toEqual({
      file_path: FILE,
      old_string: 'plum = 1\nfig = 2\nplum = 1\nlime = 3\nplum = 1',
      new_string: 'sloe = 1\nfig = 2\nsloe = 1\nlime = 3\nsloe = 1',
    });
    for (const text of [LINES.join('\n'), `${LINES.join('\n')}\n`]) {
      const made = clineEdit(text, span!['old_string'] as string, span!['new_string'] as string);
      expect(made).toBe(agentEdit(text, 'plum = 1', 'sloe = 1'));
    }
  });

  it('replaces occurrences left to right without overlap, as the agent’s Edit does, and takes "true" too', () => {
    const lines = ['aaaa', 'x', 'aaa'];
    const span = replaceAllAsOne(lines, { ...all('aa', 'b'), replace_all: 'true' });
    const text = lines.join('\n');
    expect(clineEdit(text, span!['old_string'] as string, span!['new_string'] as string)).toBe('bb\nx\nba');
    expect(agentEdit(text, 'aa', 'b')).toBe('bb\nx\nba');
  });

  it('leaves the edit as it was where one replacement could be wrong or is not needed', () => {
    // Found once or not at all: it goes as it is (Cline replaces the one, or says it is not there).
    expect(replaceAllAsOne(LINES, all('fig = 2', 'fig = 3'))).toBeUndefined();
    expect(replaceAllAsOne(LINES, all('pear', 'quince'))).toBeUndefined();
    // No replace_all, an empty old text, no strings.
    expect(replaceAllAsOne(LINES, { ...all('plum = 1', 'sloe = 1'), replace_all: false })).toBeUndefined();
    expect(replaceAllAsOne(LINES, all('', 'x'))).toBeUndefined();
    expect(
      replaceAllAsOne(LINES, { file_path: FILE, old_string: 1, new_string: 2, replace_all: true }),
    ).toBeUndefined();
    // The read does not show whether the file ends in a newline: an old text that may take it is left alone.
    expect(replaceAllAsOne(['x', 'x'], all('x\n', 'y\n'))).toBeUndefined();
    expect(replaceAllAsOne(['x', 'x', 'z'], all('x\n', 'y\n'))).toEqual({
      file_path: FILE,
      old_string: 'x\nx\n',
      new_string: 'y\ny\n',
    });
  });
});

/** Cline 3.0.65's `read_files` of `file` and its answer of `lines`, numbered as Cline numbers them. */
function clineRead(lines: string[], id: string, file = FILE): Message[] {
  const width = String(lines.length).length;
  const result = lines.map((line, i) => `${String(i + 1).padStart(width)} | ${line}`).join('\n');
  const answer = JSON.stringify([{ query: file, result, success: true }]);
  return [
    { role: 'assistant', content: [{ type: 'tool_use', id, name: 'read_files', input: { files: [{ path: file }] } }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: answer }] },
  ];
}

/** The input Cline's `editor` is sent for the agent's Edit with `input`, after `history`. */
function sent(history: Message[], input: Record<string, unknown>) {
  const { inputs, uses } = translateTurn(CLINE_CLI_TOOLS, [{ id: 'toolu_sim_all_0001', name: 'Edit', input }], {
    history: [{ role: 'user', content: 'Rename the plums' }, ...history],
  });
  expect(uses).toEqual(['editor']);
  return inputs[0];
}

describe("the agent's Edit with replace_all sent to Cline's editor", () => {
  const spanned = {
    path: FILE,
    old_text: 'plum = 1\nfig = 2\nplum = 1\nlime = 3\nplum = 1',
    new_text: 'sloe = 1\nfig = 2\nsloe = 1\nlime = 3\nsloe = 1',
  };

  it('goes as one span after Cline read the whole file', () => {
    expect(sent(clineRead(LINES, 'toolu_r1'), all('plum = 1', 'sloe = 1'))).toEqual(spanned);
  });

  it('goes as it was where the file is not known as it is now', () => {
    const plain = { path: FILE, old_text: 'plum = 1', new_text: 'sloe = 1' };
    expect(sent([], all('plum = 1', 'sloe = 1'))).toEqual(plain);
    // A call that may write came after the read: the file may have changed.
    const write: Message[] = [
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_c1', name: 'run_commands', input: { commands: ['x'] } }],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_c1', content: 'ok' }] },
    ];
    expect(sent([...clineRead(LINES, 'toolu_r2'), ...write], all('plum = 1', 'sloe = 1'))).toEqual(plain);
    // Another file's read.
    expect(sent(clineRead(LINES, 'toolu_r3', '/w/other.txt'), all('plum = 1', 'sloe = 1'))).toEqual(plain);
  });
});
