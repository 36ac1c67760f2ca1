import { describe, expect, it } from 'vitest';
import type { Message } from '../../main/core/anthropic/types';
import { replaceAllAsOne } from '../../main/core/orchids/replace-all-span';
import { CLINE_CLI_TOOLS, claudeCodeTools } from '../helpers/client-tools';
import { translateTurn, type TurnCall } from '../helpers/translated-turn';

/**
 * The agent's Edit with `replace_all` on Cline CLI 3.0.65's one-occurrence `editor`: one replacement of the text from
 * the first occurrence to the last, where the conversation shows the file whole (Cline's `read_files` of it).
 */
const FILE = '/w/plum.txt';
const LINES = ['plum = 1', 'fig = 2', 'plum = 1', 'lime = 3', 'plum = 1', 'end'];
const all = (from: string, to: string) => ({ file_path: FILE, old_string: from, new_string: to, replace_all: true });

/** The Edit `input` as Cline's editor is sent it after a read of `lines`, or undefined where it goes as it was. */
function asOne(lines: readonly string[], input: Record<string, unknown>) {
  const [sent] = replaceAllAsOne(lines, [input]);
  return sent === input ? undefined : sent;
}

/** What the agent's own Edit with replace_all leaves: every occurrence, left to right, replaced. */
const agentEdit = (text: string, from: string, to: string) => text.split(from).join(to);
/** What Cline's editor leaves for `old_text`/`new_text`, or undefined where it refuses (found 0 or 2+ times). */
function clineEdit(text: string, from: string, to: string): string | undefined {
  return text.split(from).length - 1 === 1 ? text.replace(from, () => to) : undefined;
}

describe('replaceAllAsOne: an Edit with replace_all as one replacement Cline makes', () => {
  it('spans the first occurrence to the last, which stands once, and leaves the file as replace_all does', () => {
    const span = asOne(LINES, all('plum = 1', 'sloe = 1'));
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
    const span = asOne(lines, { ...all('aa', 'b'), replace_all: 'true' });
    const text = lines.join('\n');
    expect(clineEdit(text, span!['old_string'] as string, span!['new_string'] as string)).toBe('bb\nx\nba');
    expect(agentEdit(text, 'aa', 'b')).toBe('bb\nx\nba');
  });

  it('leaves the edit as it was where one replacement could be wrong or is not needed', () => {
    // Found once or not at all: it goes as it is (Cline replaces the one, or says it is not there).
    expect(asOne(LINES, all('fig = 2', 'fig = 3'))).toBeUndefined();
    expect(asOne(LINES, all('pear', 'quince'))).toBeUndefined();
    // No replace_all, an empty old text, no strings.
    expect(asOne(LINES, { ...all('plum = 1', 'sloe = 1'), replace_all: false })).toBeUndefined();
    expect(asOne(LINES, all('', 'x'))).toBeUndefined();
    expect(asOne(LINES, { file_path: FILE, old_string: 1, new_string: 2, replace_all: true })).toBeUndefined();
    // The read does not show whether the file ends in a newline: an old text that may take it is left alone.
    expect(asOne(['x', 'x'], all('x\n', 'y\n'))).toBeUndefined();
    expect(asOne(['x', 'x', 'z'], all('x\n', 'y\n'))).toEqual({
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

/** What Cline's editor leaves after running `calls` in order, a refused one leaving the file as it was. */
const clineRuns = (text: string, calls: Array<Record<string, unknown>>) =>
  calls.reduce(
    (file, call) => clineEdit(file, call['old_string'] as string, call['new_string'] as string) ?? file,
    text,
  );
/** What the agent's own MultiEdit of `edits` leaves (each edit found as it requires). */
const agentMultiEdit = (text: string, edits: Array<Record<string, unknown>>) =>
  edits.reduce((file, edit) => {
    const [from, to] = [edit['old_string'] as string, edit['new_string'] as string];
    return edit['replace_all'] === true ? agentEdit(file, from, to) : file.replace(from, () => to);
  }, text);
const one = (from: string, to: string) => ({ file_path: FILE, old_string: from, new_string: to });

describe("replaceAllAsOne: a MultiEdit's edits, split one Edit each, on the file as the edits before left it", () => {
  // The first edit writes one more plum, after the last one the file shows; the third changes a line inside the span.
  const EDITS = [one('lime = 3', 'plum = 1'), all('plum = 1', 'sloe = 1'), one('fig = 2', 'fig = 5')];

  it('spans each replace_all on the file as the edits before it left it, and ends as the MultiEdit leaves it', () => {
    const sent = replaceAllAsOne(LINES, EDITS);
    expect(sent[0]).toBe(EDITS[0]);
    expect(sent[1]).toEqual({
      file_path: FILE,
      old_string: 'plum = 1\nfig = 2\nplum = 1\nplum = 1\nplum = 1',
      new_string: 'sloe = 1\nfig = 2\nsloe = 1\nsloe = 1\nsloe = 1',
    });
    expect(sent[2]).toBe(EDITS[2]);
    for (const text of [LINES.join('\n'), `${LINES.join('\n')}\n`]) {
      expect(clineRuns(text, sent)).toBe(agentMultiEdit(text, EDITS));
      expect(clineRuns(text, sent)).toContain('sloe = 1\nfig = 5\nsloe = 1\nsloe = 1\nsloe = 1\nend');
    }
  });

  it('spans a replace_all of what an earlier replace_all wrote, and one after an edit Cline refuses', () => {
    const edits = [all('plum', 'sloe'), one('pear = 9', 'x'), all('sloe = 1', 'damson = 1')];
    const sent = replaceAllAsOne(LINES, edits);
    expect(sent[2]?.['old_string']).toBe('sloe = 1\nfig = 2\nsloe = 1\nlime = 3\nsloe = 1');
    const text = LINES.join('\n');
    expect(clineRuns(text, sent)).toBe(agentEdit(agentEdit(text, 'plum', 'sloe'), 'sloe = 1', 'damson = 1'));
  });

  it('leaves the later edits as they were from the first call whose outcome the read does not tell', () => {
    // 'end\n' stands once if the file ends in a newline and not at all if not: the file is unknown after it.
    expect(replaceAllAsOne(LINES, [one('end\n', 'fin\n'), EDITS[1]!])[1]).toBe(EDITS[1]);
    // Cline writes a carriage return in the file's line ends; an empty old text is no replacement.
    expect(replaceAllAsOne(LINES, [one('fig = 2', 'fig\r\n= 2'), EDITS[1]!])[1]).toBe(EDITS[1]);
    expect(replaceAllAsOne(LINES, [one('', 'x'), EDITS[1]!])[1]).toBe(EDITS[1]);
    // A replace_all of a text found once goes as it was, and the edits after it find it made.
    const fig = replaceAllAsOne(LINES, [all('fig = 2', 'plum = 1'), EDITS[1]!]);
    expect(fig[1]?.['old_string']).toBe('plum = 1\nplum = 1\nplum = 1\nlime = 3\nplum = 1');
  });
});

describe("the agent's MultiEdit with replace_all sent to Cline's editor", () => {
  const edits = [
    { old_string: 'lime = 3', new_string: 'plum = 1' },
    { old_string: 'plum = 1', new_string: 'sloe = 1', replace_all: true },
  ];
  const multiCall = { id: 'toolu_sim_multi_0002', name: 'MultiEdit', input: { file_path: FILE, edits } };
  const turn = (tools: typeof CLINE_CLI_TOOLS, history: Message[], calls: TurnCall[] = [multiCall]) =>
    translateTurn(tools, calls, { history: [{ role: 'user', content: 'Rename the plums' }, ...history] });

  it('goes as one editor call an edit, the replace_all one as a span of the file as the first edit left it', () => {
    const { uses, inputs } = turn(CLINE_CLI_TOOLS, clineRead(LINES, 'toolu_r4'));
    expect(uses).toEqual(['editor', 'editor']);
    expect(inputs).toEqual([
      { path: FILE, old_text: 'lime = 3', new_text: 'plum = 1' },
      {
        path: FILE,
        old_text: 'plum = 1\nfig = 2\nplum = 1\nplum = 1\nplum = 1',
        new_text: 'sloe = 1\nfig = 2\nsloe = 1\nsloe = 1\nsloe = 1',
      },
    ]);
  });

  it('goes as it was unread, and an Edit with replace_all after it in the same turn finds the file unknown', () => {
    const plain = { path: FILE, old_text: 'plum = 1', new_text: 'sloe = 1' };
    expect(turn(CLINE_CLI_TOOLS, []).inputs[1]).toEqual(plain);
    const edit = { id: 'toolu_sim_all_0003', name: 'Edit', input: all('plum = 1', 'sloe = 1') };
    expect(turn(CLINE_CLI_TOOLS, clineRead(LINES, 'toolu_r5'), [multiCall, edit]).inputs[2]).toEqual(plain);
  });

  it("keeps the switch on a client whose Edit has it (Claude Code's)", () => {
    const { uses, inputs } = turn(claudeCodeTools(), clineRead(LINES, 'toolu_r6'));
    expect(uses).toEqual(['Edit', 'Edit']);
    expect(inputs[1]).toEqual(all('plum = 1', 'sloe = 1'));
  });
});
