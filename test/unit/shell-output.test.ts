import { describe, expect, it } from 'vitest';
import type { Message, MessagesRequest, ToolDefinition } from '../../main/core/anthropic/types';
import { buildGenBBody } from '../../main/core/orchids/gen-b/request-builder';
import { composedShellCalls, unwrapShellResult } from '../../main/core/orchids/gen-b/shell-output';
import { composeShellCommand, composedCommandTool } from '../../main/core/orchids/shell-compose';
import { CLINE_CLI_TOOLS, CODEX_TOOLS } from '../helpers/client-tools';

/** What Codex CLI 0.171 answered a composed Read with (captured from test/integration/codex-cli.test.ts). */
const wrapped = (code: number, output: string): string =>
  `Chunk ID: 8421c2\nWall time: 0.0000 seconds\nProcess exited with code ${code}\n` +
  `Original token count: 9\nOutput:\n${output}`;

const composed = (tool: string, input: Record<string, unknown>): string =>
  composeShellCommand(input, tool, 'exec_command')!['command'] as string;

describe('the commands the proxy composes, told from the agent’s own', () => {
  it.each([
    ['Read', { file_path: "it's here/b.txt", offset: 2, limit: 5 }],
    ['Read', { file_path: 'docs/plan.txt' }],
    ['LS', { path: 'src/' }],
    ['Glob', { pattern: '**/*.ts', path: "a 'b'" }],
    ['Grep', { pattern: 'plan is', path: '.' }],
    [
      'Grep',
      { pattern: "a;b'c", glob: '*.ts', type: 'js', output_mode: 'content', '-i': true, '-C': 2, head_limit: 5 },
    ],
    // grep -E cannot read `\p{Lu}`: its branch says so instead of searching.
    ['Grep', { pattern: '\\p{Lu}\\d', head_limit: 3 }],
  ])('recognises a composed %s', (tool, input) => {
    expect(composedCommandTool(composed(tool, input))).toBe(tool);
  });

  // The shapes landed commits wrote before (a conversation begun then still holds them), and halves of them no
  // commit wrote, with the searches of 'x' in '.' and of '*.ts' in 'src'.
  const test = "[ -e '.' ] || { echo 'Path does not exist.' >&2; false; } && ";
  const grep = "if command -v rg >/dev/null 2>&1; then rg -l -e 'x' -- '.'; else grep -r -E -l -e 'x' -- '.'; fi";
  const glob =
    "if command -v rg >/dev/null 2>&1; then rg --files --glob '*.ts' -- 'src'; else find 'src' \\( -name .git " +
    "-o -name node_modules \\) -prune -o -type f -path 'src/*.ts' -print; fi";
  const inVariable = (search: string, lines: number): string =>
    `${test}{ search_status=$( { { ${search}; echo $? >&3; } | head -n ${lines} >&4; } 3>&1 ); ` +
    '[ "$search_status" != 2 ] || (exit 2); } 4>&1';

  it.each([
    ['Grep', `{ ${grep}; } | head -n 3`, '9398cc5'],
    ['Glob', `{ ${glob}; } | head -n 500`, '9398cc5'],
    ['Grep', `${test}{ ${grep}; } | head -n 3`, '881e459'],
    ['Glob', `${test}{ ${glob}; } | head -n 500`, '881e459'],
    ['Grep', inVariable(grep, 3), 'db3c7f0'],
    ['Glob', inVariable(glob, 500), 'db3c7f0'],
  ])('recognises a %s cut short by head as composed before: %s (%s)', (tool, command) => {
    expect(composedCommandTool(command)).toBe(tool);
  });

  it.each([
    `${test}{ ${grep}`,
    `${grep}; } | head -n 3`,
    `${test}{ search_status=$( { { ${grep}`,
    `${grep}; echo $? >&3; } | head -n 3 >&4; } 3>&1 ); [ "$search_status" != 2 ] || (exit 2); } 4>&1`,
    `{ ${glob}; } | head -n 3`,
  ])('leaves half of a composed search, which no commit wrote: %s', (command) => {
    expect(composedCommandTool(command)).toBeUndefined();
  });

  it.each([
    'cat -n -- docs/plan.txt',
    "cat -n -- 'docs/plan.txt' | sed -n '1,20p'",
    "cat -n -- 'a' | sed -n '1,20p;21q'",
    "ls -la -- 'src' && rm -rf 'src'",
    'ls -la',
    'echo hi',
    "rg -l -e 'x' -- '.'",
  ])('leaves a command the agent wrote: %s', (command) => {
    expect(composedCommandTool(command)).toBeUndefined();
  });
});

describe("Codex's exec wrapper around a composed command's output", () => {
  it('gives the output alone, as the agent’s Read does', () => {
    expect(unwrapShellResult(wrapped(0, '     2\tThe plan is here.\n'), 'Read', false)).toEqual({
      content: '     2\tThe plan is here.',
      isError: false,
    });
    expect(unwrapShellResult([{ type: 'text', text: wrapped(0, 'a.ts\nb.ts\n') }], 'Glob', false)).toEqual({
      content: [{ type: 'text', text: 'a.ts\nb.ts' }],
      isError: false,
    });
  });

  it('keeps a failure an error, in the command’s words', () => {
    expect(unwrapShellResult(wrapped(2, "ls: cannot access 'nope': No such file or directory\n"), 'LS', false)).toEqual(
      {
        content: "ls: cannot access 'nope': No such file or directory",
        isError: true,
      },
    );
    expect(unwrapShellResult(wrapped(127, ''), 'LS', false)).toEqual({
      content: 'The command exited with code 127.',
      isError: true,
    });
  });

  it("makes a Read of a file cat could not read an error, though sed's exit is 0", () => {
    // A missing file in the agent's Read's words; any other complaint in cat's.
    expect(unwrapShellResult(wrapped(0, 'cat: docs/gone.txt: No such file or directory\n'), 'Read', false)).toEqual({
      content: 'File does not exist.',
      isError: true,
    });
    expect(unwrapShellResult(wrapped(0, 'cat: docs: Is a directory\n'), 'Read', true)).toEqual({
      content: 'cat: docs: Is a directory',
      isError: true,
    });
    // The file's own line that says the same is numbered, and stays what it is.
    expect(unwrapShellResult(wrapped(0, '     1\tcat: x: No such file\n'), 'Read', false)).toEqual({
      content: '     1\tcat: x: No such file',
      isError: false,
    });
    expect(unwrapShellResult(wrapped(0, 'cat: notes\n'), 'Grep', false)).toEqual({
      content: 'cat: notes',
      isError: false,
    });
  });

  it('says a search found nothing where rg and grep exit 1 without output', () => {
    expect(unwrapShellResult(wrapped(1, ''), 'Grep', false)).toEqual({ content: 'No matches found.', isError: false });
    expect(unwrapShellResult(wrapped(0, ''), 'Glob', false)).toEqual({ content: 'No files found.', isError: false });
  });

  it('leaves anything that is not the wrapper exactly', () => {
    const running = 'Chunk ID: 1a\nWall time: 10.0 seconds\nProcess running with session ID 7\nOutput:\n';
    for (const text of [running, 'plain text', `Note\n${wrapped(0, 'x')}`, wrapped(0, 'x').replace('Output:\n', '')]) {
      expect(unwrapShellResult(text, 'Read', false)).toBeUndefined();
    }
    expect(
      unwrapShellResult(
        [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b' },
        ],
        'Read',
        false,
      ),
    ).toBeUndefined();
  });
});

/** Claude Code 2.1.332's Bash results, as the real one sent them (captured through the simulator on `ws`). */
describe("Claude Code's Bash result of a composed command", () => {
  const notes = '\n\n<system-reminder>\nThe task list is empty.\n</system-reminder>';

  it('says a search found nothing, not an error, where Bash says `Exit code 1`', () => {
    expect(unwrapShellResult('Exit code 1', 'Grep', true)).toEqual({ content: 'No matches found.', isError: false });
    expect(unwrapShellResult([{ type: 'text', text: `Exit code 1${notes}` }], 'Grep', true)).toEqual({
      content: [{ type: 'text', text: `No matches found.${notes}` }],
      isError: false,
    });
    expect(unwrapShellResult('(Bash completed with no output)', 'Glob', false)).toEqual({
      content: 'No files found.',
      isError: false,
    });
  });

  it("keeps a failure an error, in the command's words alone", () => {
    const ls = "Exit code 2\nls: cannot access '/w/nope': No such file or directory";
    expect(unwrapShellResult(ls, 'LS', true)).toEqual({
      content: "ls: cannot access '/w/nope': No such file or directory",
      isError: true,
    });
    expect(unwrapShellResult('Exit code 2', 'Grep', true)).toEqual({
      content: 'The command exited with code 2.',
      isError: true,
    });
  });

  it('leaves a result with output, and one whose flag and words disagree', () => {
    for (const [text, flagged] of [
      ['/w/ledger.txt', false],
      ['Exit code 1', false],
      ['(Bash completed with no output)', true],
      ['Error: the command was interrupted', true],
    ] as const) {
      expect(unwrapShellResult(text, 'Grep', flagged)).toBeUndefined();
    }
  });
});

describe('Generation B’s body for a Codex conversation', () => {
  const readCommand = composed('Read', { file_path: 'docs/plan.txt', offset: 2 });
  const messages = [
    { role: 'user', content: 'Read the plan, then run the check.' },
    {
      role: 'assistant',
      content: [
        { type: 'tool_use', id: 'call_read', name: 'exec_command', input: { cmd: readCommand } },
        { type: 'tool_use', id: 'call_bash', name: 'exec_command', input: { cmd: 'npm test' } },
        { type: 'tool_use', id: 'call_miss', name: 'exec_command', input: { cmd: composed('LS', { path: 'x' }) } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'call_read', content: wrapped(0, '     2\tThe plan.\n') },
        { type: 'tool_result', tool_use_id: 'call_bash', content: wrapped(1, 'FAIL\n') },
        { type: 'tool_result', tool_use_id: 'call_miss', content: wrapped(2, 'ls: no x\n') },
      ],
    },
  ] as unknown as Message[];
  const request = { model: 'm', max_tokens: 1, messages, tools: CODEX_TOOLS } as MessagesRequest;
  const body = buildGenBBody(request, { upstreamModel: 'm', thinkingMode: 'enabled' });

  it('reads no calls from the conversation of a client whose own tools read and search', () => {
    const own = ['Read', 'LS', 'Glob', 'Grep', 'Bash'].map((name) => ({ name, input_schema: { type: 'object' } }));
    expect(composedShellCalls(messages, own as ToolDefinition[])).toBeUndefined();
    expect(composedShellCalls(messages, CODEX_TOOLS)?.get('call_miss')).toBe('LS');
  });

  it("sends a composed call's output alone, and the agent's own command with Codex's wrapper", () => {
    expect(body.messages[2]?.content).toEqual([
      { content: '     2\tThe plan.', tool_use_id: 'call_read', type: 'tool_result' },
      { content: wrapped(1, 'FAIL\n'), tool_use_id: 'call_bash', type: 'tool_result' },
      { content: 'ls: no x', is_error: true, tool_use_id: 'call_miss', type: 'tool_result' },
    ]);
    expect(body.messages[2]?.ToolResults?.[2]).toEqual({ ToolUseID: 'call_miss', Content: 'ls: no x', IsError: true });
  });
});

/** Cline CLI 3.0.65's run_commands results, as the real one sent them (captured through the simulator on `ws`). */
describe("Cline CLI's run_commands result of a composed command", () => {
  const runs = (result: string, success: boolean, error?: string): string =>
    JSON.stringify([{ query: "ls -la -- '/w/nope'", result, ...(error ? { error } : {}), success }]);

  it('gives the output alone, and a search that found nothing in the words of the agent’s own tools', () => {
    expect(unwrapShellResult(runs('a.ts\nb.ts\n', true), 'Glob', false)).toEqual({
      content: 'a.ts\nb.ts',
      isError: false,
    });
    expect(unwrapShellResult(runs('', true), 'Glob', false)).toEqual({ content: 'No files found.', isError: false });
    expect(unwrapShellResult(runs('[Command exited with code 1]', false, 'x'), 'Grep', false)).toEqual({
      content: 'No matches found.',
      isError: false,
    });
  });

  it('makes a failed run an error, which Cline never flags, in the command’s words', () => {
    const failed = "[Command exited with code 2]\n\n[stderr]\nls: cannot access '/w/nope': No such file or directory\n";
    expect(unwrapShellResult(runs(failed, false, 'Command exited with code 2'), 'LS', false)).toEqual({
      content: "ls: cannot access '/w/nope': No such file or directory",
      isError: true,
    });
  });

  it('finds a composed command in run_commands’ list of one', () => {
    const command = composed('LS', { path: '/w/nope' });
    const call = { type: 'tool_use', id: 'call_ls', name: 'run_commands', input: { commands: [command] } };
    const both = { ...call, id: 'call_two', input: { commands: [command, command] } };
    const messages = [{ role: 'assistant', content: [call, both] }] as unknown as Message[];
    expect([...composedShellCalls(messages, CLINE_CLI_TOOLS)!]).toEqual([['call_ls', 'LS']]);
  });

  it('leaves two runs, or a shape it does not know', () => {
    const two = JSON.stringify([
      { query: 'a', result: '', success: true },
      { query: 'b', result: '', success: true },
    ]);
    for (const text of [two, runs('Killed', false), '[{"query":"a","result":""}]', '[{not json']) {
      expect(unwrapShellResult(text, 'LS', false)).toBeUndefined();
    }
  });
});

/** pi 0.73.1's bash results, as the real one sent them (pi-tools.test.ts), flagged on the Messages API only. */
describe("pi's bash result of a composed command", () => {
  it('says a search found nothing, not an error, where pi says the command exited with code 1', () => {
    for (const flagged of [true, false]) {
      expect(unwrapShellResult('(no output)\n\nCommand exited with code 1', 'Grep', flagged)).toEqual({
        content: 'No matches found.',
        isError: false,
      });
    }
    expect(unwrapShellResult([{ type: 'text', text: '(no output)' }], 'Glob', false)).toEqual({
      content: [{ type: 'text', text: 'No files found.' }],
      isError: false,
    });
  });

  it("makes a failure an error, flagged or not, in the command's words alone", () => {
    const ls = "ls: cannot access '/w/gone': No such file or directory";
    for (const flagged of [true, false]) {
      expect(unwrapShellResult(`${ls}\n\n\nCommand exited with code 2`, 'LS', flagged)).toEqual({
        content: ls,
        isError: true,
      });
    }
  });

  it("makes a Read that could not read its file an error, in the agent's Read's words or cat's", () => {
    // The composed pipe exits with sed's 0 whatever cat said, and pi's success is the output alone.
    expect(unwrapShellResult('cat: docs/gone.txt: No such file or directory', 'Read', false)).toEqual({
      content: 'File does not exist.',
      isError: true,
    });
    for (const flagged of [true, false])
      expect(unwrapShellResult(wrapped(0, 'cat: docs/gone.txt: No such file or directory\n'), 'Read', flagged)).toEqual(
        { content: 'File does not exist.', isError: true },
      );
    expect(unwrapShellResult('cat: docs: Is a directory', 'Read', false)).toEqual({
      content: 'cat: docs: Is a directory',
      isError: true,
    });
    expect(unwrapShellResult('     1\tcat: x', 'Read', false)).toBeUndefined();
    expect(unwrapShellResult('cat: notes.md', 'Grep', false)).toBeUndefined();
  });

  it('leaves output that only holds the words, and a time-out', () => {
    for (const text of ['log: Command exited with code 1', 'Command exited with code 1\nretry', 'Command aborted']) {
      expect(unwrapShellResult(text, 'Grep', true)).toBeUndefined();
    }
  });
});
