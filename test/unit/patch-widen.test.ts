import { describe, expect, it } from 'vitest';
import type { Message, ToolDefinition } from '../../main/core/anthropic/types';
import { filesShown, wholeLineEdits } from '../../main/core/orchids/patch-widen';
import { typedTool } from '../../main/core/openai/typed-tools';
import { CODEX_APPLY_PATCH, CODEX_TOOLS } from '../helpers/client-tools';
import { translateTurn } from '../helpers/translated-turn';

/**
 * The agent's edits for a patch client (Codex's apply_patch) made on whole lines, in the file's order, where the
 * conversation shows the file whole: Codex's run of the agent's Read as a composed `cat -n | sed -n`.
 */
const TOOLS: ToolDefinition[] = [...CODEX_TOOLS, CODEX_APPLY_PATCH];
/** The Responses API's typed apply_patch, as the proxy declares it upstream. */
const TYPED_APPLY_PATCH = typedTool('apply_patch', {}, 'tools[0]');
const FILE = '/w/calc.ts';
const LINES = ['const a = 1;', 'const b = 2;', 'export const sum = a - b;', 'export const twice = a * 2;'];

/** The command the proxy composes for the agent's Read (shell-compose.ts), of `limit` lines from `offset`. */
const readCommand = (file: string, offset = 1, limit = 2000) =>
  `cat -n -- '${file}' | sed -n '${offset},${offset + limit - 1}p;${offset + limit - 1}q'`;
/** Codex 0.171's wrapper of a finished command around `output`. */
const codexRun = (output: string, code = 0) =>
  `Chunk ID: 8421c2\nWall time: 0.0000 seconds\nProcess exited with code ${code}\n` +
  `Original token count: 12\nOutput:\n${output}`;
const numbered = (lines: string[], from = 1) =>
  lines.map((line, i) => `${String(i + from).padStart(6)}\t${line}\n`).join('');

let ids = 0;
/** One assistant call to Codex's `tool` and the user message with its result. */
function exchange(tool: string, input: Record<string, unknown>, result: string): Message[] {
  const id = `call_read_${(ids += 1)}`;
  return [
    { role: 'assistant', content: [{ type: 'tool_use', id, name: tool, input }] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: result }] },
  ];
}
const read = (file = FILE, lines = LINES, offset = 1, limit = 2000) =>
  exchange('exec_command', { cmd: readCommand(file, offset, limit) }, codexRun(numbered(lines, offset)));
const ASK: Message = { role: 'user', content: 'Make sum add' };

const edit = (from: string, to: string) => ({ old_string: from, new_string: to });
/** An edit as wholeLineEdits takes and gives it. */
const lines = (from: string, to: string) => ({ old: from, new: to });
const patch = (...hunks: string[]) => ({
  input: `*** Begin Patch\n*** Update File: ${FILE}\n${hunks.join('')}*** End Patch\n`,
});
const hunk = (from: string[], to: string[]) =>
  `@@\n${from.map((line) => `-${line}\n`).join('')}${to.map((line) => `+${line}\n`).join('')}`;

/** The input Codex's apply_patch is sent for the agent's `name` call with `input`, after `history`. */
function sent(history: Message[], name: string, input: Record<string, unknown>) {
  const { inputs, uses } = translateTurn(
    TOOLS,
    [{ id: 'toolu_sim_w_0001', name, input: { file_path: FILE, ...input } }],
    {
      history: [ASK, ...history],
    },
  );
  expect(uses).toEqual(['apply_patch']);
  return inputs[0];
}

describe('wholeLineEdits: edits made on the lines they stand in', () => {
  it('widens a fragment that stands once in the file to the line holding it', () => {
    expect(wholeLineEdits(LINES, [lines('a - b', 'a + b')])).toEqual([
      lines('export const sum = a - b;', 'export const sum = a + b;'),
    ]);
  });

  it('widens a fragment over two lines to both, and keeps an old text ending in its newline whole', () => {
    expect(wholeLineEdits(LINES, [lines('2;\nexport', '3;\nexport')])).toEqual([
      lines('const b = 2;\nexport const sum = a - b;', 'const b = 3;\nexport const sum = a - b;'),
    ]);
    expect(wholeLineEdits(LINES, [lines('const b = 2;\n', '')])).toEqual([lines('const b = 2;\n', '')]);
  });

  it('folds fragments on one line, or on lines that touch, into one edit', () => {
    expect(wholeLineEdits(LINES, [lines('sum', 'total'), lines('a - b', 'a + b')])).toEqual([
      lines('export const sum = a - b;', 'export const total = a + b;'),
    ]);
  });

  it("puts a MultiEdit's edits in the file's order", () => {
    expect(wholeLineEdits(LINES, [lines('* 2', '* 3'), lines('= 1', '= 5')])).toEqual([
      lines('const a = 1;', 'const a = 5;'),
      lines('export const twice = a * 2;', 'export const twice = a * 3;'),
    ]);
  });

  it('does not widen a fragment that stands nowhere or more than once, or on text an earlier edit wrote', () => {
    expect(wholeLineEdits(LINES, [lines('a / b', 'a + b')])).toBeUndefined();
    expect(wholeLineEdits(LINES, [lines('const', 'let')])).toBeUndefined();
    expect(wholeLineEdits(LINES, [lines('a - b', 'a + b'), lines('a + b', 'b + a')])).toBeUndefined();
  });

  it('does not widen where the hunks would not give what the edits give', () => {
    // The newline the agent takes with the line joins it to the next; a hunk of whole lines cannot say that.
    expect(wholeLineEdits(LINES, [lines('const b = 2;\n', 'const b = 3;')])).toBeUndefined();
    // Emptying a line leaves it, empty; a hunk with no new line would remove it.
    expect(wholeLineEdits(LINES, [lines('const b = 2;', '')])).toBeUndefined();
    // Two fragments that overlap cannot both be made.
    expect(wholeLineEdits(LINES, [lines('sum = a', 'x'), lines('a - b', 'y')])).toBeUndefined();
  });

  it("does not widen where a later hunk's old lines stand in an earlier one's new lines", () => {
    const file = ['x = 1', 'y = 2', 'x = 1;'];
    expect(wholeLineEdits(file, [lines('y = 2', 'x = 1;\ny = 2'), lines('1;', '3;')])).toBeUndefined();
  });
});

describe('filesShown: the files a conversation shows whole and unchanged since', () => {
  it("is a whole file Codex's run of the composed Read printed", () => {
    expect(filesShown([ASK, ...read()])).toEqual(new Map([[FILE, LINES]]));
    // The path as the command quotes it: a quote inside closed around.
    const quoted = exchange('exec_command', { cmd: readCommand(`/w/it'\\''s.ts`) }, codexRun(numbered(LINES)));
    expect(filesShown(quoted)).toEqual(new Map([["/w/it's.ts", LINES]]));
  });

  it('is not a ranged read, a read that reached its limit, a failed run or output of another shape', () => {
    expect(filesShown([ASK, ...read(FILE, LINES.slice(1), 2)]).size).toBe(0);
    expect(filesShown([ASK, ...read(FILE, LINES, 1, 4)]).size).toBe(0);
    const cmd = readCommand(FILE);
    expect(filesShown(exchange('exec_command', { cmd }, codexRun(numbered(LINES), 1))).size).toBe(0);
    const cut = numbered(LINES).replace('     3\t', '…12 tokens truncated…');
    expect(filesShown(exchange('exec_command', { cmd }, codexRun(cut))).size).toBe(0);
    expect(filesShown(exchange('exec_command', { cmd }, numbered(LINES))).size).toBe(0);
    expect(filesShown(exchange('exec_command', { cmd }, codexRun(numbered(['a\r'])))).size).toBe(0);
  });

  it('forgets a file at any call after its read that may write, and knows it again from a later read', () => {
    const patched = exchange('apply_patch', patch(hunk(['x'], ['y'])), 'Exit code: 0\n…');
    expect(filesShown([...read(), ...patched]).size).toBe(0);
    expect(filesShown([...read(), ...exchange('exec_command', { cmd: 'npm test' }, codexRun(''))]).size).toBe(0);
    expect(filesShown([...read(), ...patched, ...read()])).toEqual(new Map([[FILE, LINES]]));
  });

  it('keeps a file over a composed search after its read, not over a read beside a call that may write', () => {
    const grep = exchange('exec_command', { cmd: `ls -la -- '/w'` }, codexRun('total 0\n'));
    expect(filesShown([...read(), ...grep])).toEqual(new Map([[FILE, LINES]]));
    const [call, result] = read();
    const write = { type: 'tool_use', id: 'call_w', name: 'apply_patch', input: patch(hunk(['x'], ['y'])) };
    const beside: Message = { role: 'assistant', content: [...(call!.content as object[]), write] as never };
    expect(filesShown([beside, result!]).size).toBe(0);
  });
});

/** opencode 1.18.33's `read` of `file` and its answer, `lines` from `from` of a file of `total` lines. */
function opencodeRead(lines: string[], { from = 1, total = lines.length, file = FILE } = {}): Message[] {
  const numbers = lines.map((line, i) => `${i + from}: ${line}`).join('\n');
  const end =
    from + lines.length - 1 === total
      ? `(End of file - total ${total} lines)`
      : `(File has more lines. Use 'offset' parameter to read beyond line ${from + lines.length - 1})`;
  const answer = `<path>${file}</path>\n<type>file</type>\n<content>\n${numbers}\n\n${end}\n</content>`;
  return exchange('read', { filePath: file }, answer);
}

describe("filesShown: opencode's read", () => {
  it('is the file when its answer shows every line and says the file ended', () => {
    expect(filesShown(opencodeRead(LINES))).toEqual(new Map([[FILE, LINES]]));
  });

  it('is not a read of some lines, a read with a cut line, or a total that does not match', () => {
    expect(filesShown(opencodeRead(LINES.slice(0, 2), { total: 4 })).size).toBe(0);
    expect(filesShown(opencodeRead(LINES.slice(2), { from: 3, total: 4 })).size).toBe(0);
    expect(filesShown(opencodeRead([...LINES, `${'x'.repeat(2000)}...`])).size).toBe(0);
    expect(filesShown(opencodeRead(LINES, { total: 5 })).size).toBe(0);
  });

  it('keeps the file over its own tools that cannot write, not over another or one with a key it lacks', () => {
    const grep = exchange('grep', { pattern: 'sum', path: '/w', include: '*.ts' }, 'Found 1 matches\n/w/calc.ts:');
    const glob = exchange('glob', { pattern: '**/*.ts', path: '/w' }, FILE);
    const fetched = exchange('webfetch', { url: 'https://example.test/', format: 'text' }, 'Example');
    const other = opencodeRead(LINES.slice(0, 1), { total: 9, file: '/w/other.ts' });
    expect(filesShown([...opencodeRead(LINES), ...grep, ...glob, ...fetched, ...other])).toEqual(
      new Map([[FILE, LINES]]),
    );
    const bash = exchange('bash', { command: 'npm test', description: 'Test' }, 'ok');
    const task = exchange('task', { description: 'Fix', prompt: 'Fix it', subagent_type: 'general' }, 'done');
    const writingGrep = exchange('grep', { pattern: 'sum', replacement: 'total' }, 'ok');
    const writingSkill = exchange('skill', { name: 'fix', arguments: 'write it' }, 'Skill loaded');
    for (const call of [bash, task, writingGrep, writingSkill]) {
      expect(filesShown([...opencodeRead(LINES), ...call]).size).toBe(0);
    }
  });

  it('keeps the file over a skill loaded and a to-do list written: neither writes a file', () => {
    const skill = exchange('skill', { name: 'fix' }, '<skill_content name="fix">\n# Skill: fix\n</skill_content>');
    const todos = exchange('todowrite', { todos: [{ content: 'Fix sum', status: 'pending' }] }, '[]');
    expect(filesShown([...opencodeRead(LINES), ...skill, ...todos])).toEqual(new Map([[FILE, LINES]]));
  });
});

/** Cline 3.0.65's `read_files` of `file` (in `range` when given) and its answer of `lines`, numbered from `from`. */
function clineRead(lines: string[], { from = 1, range = {}, file = FILE } = {}): Message[] {
  const width = String(from + lines.length - 1).length;
  const result = lines.map((line, i) => `${String(i + from).padStart(width)} | ${line}`).join('\n');
  const answer = JSON.stringify([{ query: file, result, success: true }]);
  return exchange('read_files', { files: [{ path: file, ...range }] }, answer);
}

describe("filesShown: Cline's read_files", () => {
  it('is the file when the whole file was read and every line is shown, numbered on from 1', () => {
    const ten = Array.from({ length: 10 }, (_, i) => `line ${i}`);
    expect(filesShown(clineRead(ten))).toEqual(new Map([[FILE, ten]]));
  });

  it('is not a read of a range, an answer cut short or noted as stopped, or a failed read', () => {
    expect(filesShown(clineRead(LINES.slice(2), { from: 3, range: { start_line: 3 } })).size).toBe(0);
    expect(filesShown(clineRead(LINES, { range: { end_line: 4 } })).size).toBe(0);
    const [call] = clineRead(LINES);
    const answer = (result: string, success = true) => ({
      role: 'user' as const,
      content: [
        {
          type: 'tool_result' as const,
          tool_use_id: (call!.content as Array<{ id: string }>)[0]!.id,
          content: JSON.stringify([{ query: FILE, result, success }]),
        },
      ],
    });
    expect(filesShown([call!, answer('1 | a\n\n...[truncated 27019 chars]...\n\n9 | b')]).size).toBe(0);
    expect(
      filesShown([call!, answer('1 | a\n2 | b\n\n[Showing lines 1-2 of 2010. Use start_line/end_line]')]).size,
    ).toBe(0);
    expect(filesShown([call!, answer('', false)]).size).toBe(0);
  });

  it('keeps the file over its own tools that cannot write, not over its commands, agents or teammates', () => {
    const search = exchange('search_codebase', { queries: ['a - b'] }, '[]');
    const ranged = exchange('read_files', { files: [{ path: '/w/other.ts', start_line: 2 }, { path: FILE }] }, '[]');
    const fetched = exchange('fetch_web_content', { requests: [{ url: 'https://example.test/', prompt: 'Gist' }] }, '');
    expect(filesShown([...clineRead(LINES), ...search, ...ranged, ...fetched])).toEqual(new Map([[FILE, LINES]]));
    const commands = exchange('run_commands', { commands: ['npm test'] }, '[]');
    const agent = exchange('spawn_agent', { systemPrompt: 'You fix', task: 'Fix it' }, 'done');
    const team = exchange('team_run_task', { agentId: 'a1', task: 'Fix it' }, 'started');
    const awaited = exchange('team_await_runs', {}, '[]');
    const message = exchange('team_send_message', { toAgentId: 'a1', subject: 'Go', body: 'Fix it' }, '{}');
    for (const call of [commands, agent, team, awaited, message]) {
      expect(filesShown([...clineRead(LINES), ...call]).size).toBe(0);
    }
  });

  it("keeps the file over a question to the user and the team tools that only report the team's state", () => {
    const question = exchange('ask_question', { question: 'Go on?', options: ['Yes', 'No'] }, 'Yes');
    const status = exchange('team_status', {}, '{"members":[]}');
    const runs = exchange('team_list_runs', { status: 'running', agentId: 'a1', includeCompleted: false }, '[]');
    const outcomes = exchange('team_list_outcomes', {}, '[]');
    const mailbox = exchange('team_read_mailbox', { unreadOnly: true }, '[]');
    expect(filesShown([...clineRead(LINES), ...question, ...status, ...runs, ...outcomes, ...mailbox])).toEqual(
      new Map([[FILE, LINES]]),
    );
  });

  it("knows no file read while a teammate's run goes on in the background, until every run is awaited", () => {
    const started = exchange('team_run_task', { agentId: 'a1', task: 'Fix it', runMode: 'async' }, 'queued');
    const runs = exchange('team_list_runs', {}, '[]');
    expect(filesShown([...started, ...clineRead(LINES), ...runs]).size).toBe(0);
    const one = exchange('team_await_runs', { runId: 'run_1' }, '{}');
    expect(filesShown([...started, ...one, ...clineRead(LINES)]).size).toBe(0);
    const all = exchange('team_await_runs', {}, '[]');
    expect(filesShown([...started, ...all, ...clineRead(LINES), ...runs])).toEqual(new Map([[FILE, LINES]]));
  });
});

describe("the agent's Edit on Codex's apply_patch after a read of the file", () => {
  it('goes as the whole line, where it went as the fragment, which Codex cannot find', () => {
    expect(sent(read(), 'Edit', edit('a - b', 'a + b'))).toEqual(
      patch(hunk(['export const sum = a - b;'], ['export const sum = a + b;'])),
    );
    expect(sent([], 'Edit', edit('a - b', 'a + b'))).toEqual(patch(hunk(['a - b'], ['a + b'])));
  });

  it("goes as one hunk a line, in the file's order, for a MultiEdit", () => {
    const edits = [edit('* 2', '* 3'), edit('sum', 'total'), edit('a - b', 'a + b')];
    expect(sent(read(), 'MultiEdit', { edits })).toEqual(
      patch(
        hunk(['export const sum = a - b;'], ['export const total = a + b;']),
        hunk(['export const twice = a * 2;'], ['export const twice = a * 3;']),
      ),
    );
  });

  it('goes as it was where the file is unknown, stale, partly read or the fragment is not once in it', () => {
    const asIs = patch(hunk(['a - b'], ['a + b']));
    const patched = exchange('apply_patch', patch(hunk(['x'], ['y'])), 'Exit code: 0\n…');
    expect(sent([...read(), ...patched], 'Edit', edit('a - b', 'a + b'))).toEqual(asIs);
    expect(sent(read('/w/other.ts'), 'Edit', edit('a - b', 'a + b'))).toEqual(asIs);
    expect(sent(read(FILE, LINES.slice(2), 3), 'Edit', edit('a - b', 'a + b'))).toEqual(asIs);
    expect(sent(read(FILE, [...LINES, 'const c = a - b;']), 'Edit', edit('a - b', 'a + b'))).toEqual(asIs);
  });

  it("goes as the whole line in the Responses API's typed apply_patch too", () => {
    const { inputs } = translateTurn(
      [...CODEX_TOOLS, TYPED_APPLY_PATCH],
      [{ id: 'toolu_sim_w_0001', name: 'Edit', input: { file_path: FILE, ...edit('a - b', 'a + b') } }],
      { history: [ASK, ...read()] },
    );
    expect(inputs).toEqual([
      { type: 'update_file', path: FILE, diff: hunk(['export const sum = a - b;'], ['export const sum = a + b;']) },
    ]);
  });

  it('widens only the first of two edits of the file in one turn: the second finds the file it changed', () => {
    const calls = [edit('a - b', 'a + b'), edit('a * 2', 'a * 4')].map((input, i) => ({
      id: `toolu_sim_w_000${i}`,
      name: 'Edit',
      input: { file_path: FILE, ...input },
    }));
    const { inputs } = translateTurn(TOOLS, calls, { history: [ASK, ...read()] });
    expect(inputs).toEqual([
      patch(hunk(['export const sum = a - b;'], ['export const sum = a + b;'])),
      patch(hunk(['a * 2'], ['a * 4'])),
    ]);
  });
});
