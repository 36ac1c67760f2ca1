import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../main/core/anthropic/types';
import { clientToolSchema } from '../../main/core/orchids/client-tools';
import { GREP_CANNOT, composedReadRange } from '../../main/core/orchids/shell-compose';
import { inputRepairMayApply, repairToolInput, resolveClientToolName } from '../../main/core/orchids/tool-mapping';
import { claudeCodeTools } from '../helpers/client-tools';
import { tempDir } from '../helpers/temp-dir';

/** Codex CLI 0.171's tools as its Responses request declares them: a shell and a patch, nothing that reads. */
const CODEX: ToolDefinition[] = [
  {
    name: 'exec_command',
    input_schema: {
      type: 'object',
      properties: { cmd: { type: 'string' }, workdir: { type: 'string' }, yield_time_ms: { type: 'number' } },
      required: ['cmd'],
      additionalProperties: false,
    },
  },
  {
    name: 'apply_patch',
    input_schema: { type: 'object', properties: { input: { type: 'string' } }, required: ['input'] },
  },
];
/** Cline CLI 3's shell takes a list of commands. */
const CLINE_3: ToolDefinition[] = [
  {
    name: 'run_commands',
    input_schema: {
      type: 'object',
      properties: { commands: { type: 'array', items: { type: 'string' } } },
      required: ['commands'],
    },
  },
];

/** The static ripgrep the pinned Codex CLI ships (the opencode tests borrow it too); this machine has none on PATH. */
const RIPGREP_DIR = path.resolve(
  __dirname,
  '../../node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/codex-path',
);

/** What the client is given for an agent call: the tool it lands on and the input it is given. */
function mapped(tools: ToolDefinition[], upstreamName: string, input: Record<string, unknown>) {
  const name = resolveClientToolName(upstreamName, tools, input);
  if (name === undefined) return undefined;
  return { name, input: repairToolInput(input, clientToolSchema(name, tools), { upstreamName, clientName: name }) };
}

function commandFor(upstreamName: string, input: Record<string, unknown>): string {
  const call = mapped(CODEX, upstreamName, input);
  expect(call?.name).toBe('exec_command');
  return String(call!.input['cmd']);
}

/** Runs a composed command the way Codex does on Linux: by a POSIX shell, in the work folder. */
function run(command: string, cwd: string, withRipgrep: boolean): string {
  const PATH = withRipgrep ? `${RIPGREP_DIR}${path.delimiter}${process.env.PATH}` : '/usr/bin:/bin';
  try {
    return execFileSync('/bin/sh', ['-c', command], {
      cwd,
      env: { PATH },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
  } catch (error) {
    // grep and ripgrep exit 1 when nothing matched: that is an answer, not a failure.
    return String((error as { stdout?: string }).stdout ?? '');
  }
}

function workFolder(): string {
  const work = tempDir('orchids-shell-compose-');
  fs.mkdirSync(path.join(work, 'src', 'deep'), { recursive: true });
  fs.writeFileSync(path.join(work, 'notes.txt'), ['one', 'two', 'three', 'four', 'five'].join('\n') + '\n');
  fs.writeFileSync(path.join(work, 'src', 'a.ts'), 'export const a = 1; // TODO tidy\n');
  fs.writeFileSync(path.join(work, 'src', 'deep', 'b.ts'), 'export const b = 2;\n// todo: more\n');
  fs.writeFileSync(path.join(work, 'src', 'c.js'), '// TODO in js\n');
  return work;
}

describe("the agent's reads, lists and searches as a command, for a client whose only such tool is a shell", () => {
  it("reads numbered lines from the agent's offset for its limit, and the start of a file without them", () => {
    const work = workFolder();
    expect(run(commandFor('Read', { file_path: 'notes.txt', offset: 2, limit: 2 }), work, false)).toBe(
      '     2\ttwo\n     3\tthree\n',
    );
    // Generation B's agent also names the path `path`, and models send numbers as strings.
    expect(run(commandFor('Read', { path: 'notes.txt', limit: '1' }), work, false)).toBe('     1\tone\n');
    expect(run(commandFor('Read', { file_path: path.join(work, 'notes.txt') }), work, false)).toContain('5\tfive');
  });

  it('lists a folder, and the working folder when the agent names none', () => {
    const work = workFolder();
    expect(run(commandFor('LS', { path: 'src' }), work, false)).toMatch(/ a\.ts\n[\s\S]* deep\n/);
    expect(run(commandFor('LS', {}), work, false)).toContain(' notes.txt');
  });

  it.each([true, false])('finds files by pattern (ripgrep on PATH: %s)', (withRipgrep) => {
    const work = workFolder();
    const found = (input: Record<string, unknown>) =>
      run(commandFor('Glob', input), work, withRipgrep).trim().split('\n').sort();
    expect(found({ pattern: '**/*.ts' })).toEqual(['./src/a.ts', './src/deep/b.ts']);
    expect(found({ pattern: '**/*.ts', path: 'src/deep/' })).toEqual(['src/deep/b.ts']);
    expect(found({ pattern: '*.js', path: 'src' })).toEqual(['src/c.js']);
  });

  it.each([true, false])('searches file contents the way the agent asked (ripgrep on PATH: %s)', (withRipgrep) => {
    const work = workFolder();
    const search = (input: Record<string, unknown>) => run(commandFor('Grep', input), work, withRipgrep);
    // File names by default, as the agent's Grep answers.
    expect(search({ pattern: 'TODO', path: 'src' }).trim().split('\n').sort()).toEqual(['src/a.ts', 'src/c.js']);
    expect(search({ pattern: 'todo', path: 'src', '-i': true }).trim().split('\n').sort()).toEqual([
      'src/a.ts',
      'src/c.js',
      'src/deep/b.ts',
    ]);
    expect(search({ pattern: 'TODO', path: 'src', glob: '*.ts', output_mode: 'content' })).toBe(
      'src/a.ts:1:export const a = 1; // TODO tidy\n',
    );
    expect(search({ pattern: 'const b', path: 'src/deep', output_mode: 'content', '-A': 1 })).toBe(
      'src/deep/b.ts:1:export const b = 2;\nsrc/deep/b.ts-2-// todo: more\n',
    );
    expect(search({ pattern: '-', path: 'notes.txt' })).toBe('');
    expect(search({ pattern: 'o', path: '.', glob: '*.txt', output_mode: 'content', head_limit: 2 })).toBe(
      './notes.txt:1:one\n./notes.txt:2:two\n',
    );
  });

  it.each([true, false])("reads ripgrep's shorthands as ripgrep does (ripgrep on PATH: %s)", (withRipgrep) => {
    const work = workFolder();
    fs.writeFileSync(path.join(work, 'fruit.txt'), 'plum-42\nplum-x\nPlum_7 ripe\nback\\d\n');
    const lines = (pattern: string, more: Record<string, unknown> = {}) =>
      run(
        commandFor('Grep', { pattern, path: 'fruit.txt', output_mode: 'content', '-n': false, ...more }),
        work,
        withRipgrep,
      );
    // grep -E reads `\d` as `d` and `[\d_]` as a backslash, `d` or `_`: translated, they find what ripgrep finds.
    expect(lines('plum-\\d+')).toBe('plum-42\n');
    expect(lines('[\\d_]\\d')).toBe('plum-42\nPlum_7 ripe\n');
    expect(lines('^\\w+-\\D$')).toBe('plum-x\n');
    expect(lines('\\s\\w+$')).toBe('Plum_7 ripe\n');
    expect(lines('\\\\d')).toBe('back\\d\n');
    expect(lines('(?i)^plum\\W\\d', { head_limit: 5 })).toBe('plum-42\n');
    expect(lines('(?:_|-)\\d+?', { '-i': true })).toBe('plum-42\nPlum_7 ripe\n');
  });

  it('reads every path and pattern as a literal word: nothing in them runs', () => {
    const work = workFolder();
    const hostile = "x'; touch pwned; echo '";
    for (const [tool, input] of [
      ['Read', { file_path: hostile }],
      ['LS', { path: `$(touch pwned)` }],
      ['Glob', { pattern: '`touch pwned`' }],
      ['Grep', { pattern: hostile, path: '"; touch pwned; "' }],
    ] as const) {
      run(commandFor(tool, input), work, false);
      run(commandFor(tool, input), work, true);
    }
    expect(fs.existsSync(path.join(work, 'pwned'))).toBe(false);
    fs.writeFileSync(path.join(work, hostile), 'it is read all the same\n');
    expect(run(commandFor('Read', { file_path: hostile }), work, false)).toBe('     1\tit is read all the same\n');
  });

  it("gives the command under the key each client's shell takes: Claude Code's command, Cline CLI 3's list", () => {
    expect(mapped(claudeCodeTools(), 'Grep', { pattern: 'x' })).toEqual({
      name: 'Bash',
      input: { command: expect.stringContaining("-e 'x' -- '.'") },
    });
    expect(mapped(CLINE_3, 'LS', { path: 'src' })).toEqual({
      name: 'run_commands',
      input: { commands: ["ls -la -- 'src'"] },
    });
  });

  it('composes nothing without what the command needs, or for a client with a tool of its own for it', () => {
    // A Read without a path has no command: Codex's closed schema keeps none of it, and Codex refuses the call.
    expect(mapped(CODEX, 'Read', { offset: 3 })).toEqual({ name: 'exec_command', input: {} });
    const withRead: ToolDefinition[] = [
      ...CODEX,
      { name: 'read_file', input_schema: { type: 'object', properties: { path: { type: 'string' } } } },
    ];
    expect(mapped(withRead, 'Read', { file_path: 'a' })).toEqual({ name: 'read_file', input: { path: 'a' } });
    expect(mapped(CODEX, 'TodoWrite', { todos: [] })).toBeUndefined();
  });

  it('holds such a call until its input is whole: half a command cannot be streamed', () => {
    expect(inputRepairMayApply('Grep', 'exec_command', CODEX)).toBe(true);
    expect(inputRepairMayApply('Read', 'run_commands', CLINE_3)).toBe(true);
  });
});

/** Runs a composed command by `shell` and keeps what a failure tells: its exit status and its stderr. */
function runFailing(shell: string, command: string, cwd: string, withRipgrep: boolean) {
  const PATH = withRipgrep ? `${RIPGREP_DIR}${path.delimiter}${process.env.PATH}` : '/usr/bin:/bin';
  const run = spawnSync(shell, ['-c', command], {
    cwd,
    // No home, and no stdin: bash would otherwise read the machine's ~/.bashrc into stderr.
    env: { PATH, HOME: cwd },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe('a composed command that cannot read what it was given fails, whatever the pipe ends with', () => {
  // dash is Debian's and Ubuntu's `sh`, bash the shell Codex and pi run; neither's `|` exits with `cat`'s status.
  const shells = ['/bin/sh', '/bin/bash'].flatMap((shell) => [true, false].map((rg) => [shell, rg] as const));

  it.each(shells)(
    "a Read of a missing file, or a folder, in %s (ripgrep: %s): cat's complaint, though the pipe exits 0",
    (shell, rg) => {
      const work = workFolder();
      // The pipe exits with sed's 0; the complaint is what the result rewrite reads (shell-output.test.ts).
      expect(runFailing(shell, commandFor('Read', { file_path: 'gone.txt' }), work, rg)).toEqual({
        status: 0,
        stdout: '',
        stderr: 'cat: gone.txt: No such file or directory\n',
      });
      expect(runFailing(shell, commandFor('Read', { file_path: 'src', limit: 3 }), work, rg)).toEqual({
        status: 0,
        stdout: '',
        stderr: 'cat: src: Is a directory\n',
      });
      expect(runFailing(shell, commandFor('Read', { file_path: 'notes.txt', offset: 5 }), work, rg)).toEqual({
        status: 0,
        stdout: '     5\tfive\n',
        stderr: '',
      });
    },
  );

  it.each(shells)('a Glob, or a Grep cut short by head, of a missing folder in %s (ripgrep: %s)', (shell, rg) => {
    const work = workFolder();
    const missing = { status: 1, stdout: '', stderr: 'Path does not exist.\n' };
    expect(runFailing(shell, commandFor('Glob', { pattern: '*.ts', path: 'gone' }), work, rg)).toEqual(missing);
    expect(runFailing(shell, commandFor('Grep', { pattern: 'x', path: 'gone', head_limit: 3 }), work, rg)).toEqual(
      missing,
    );
    expect(runFailing(shell, commandFor('Grep', { pattern: 'TODO', path: 'src', head_limit: 1 }), work, rg)).toEqual(
      expect.objectContaining({ status: 0, stdout: expect.stringMatching(/^src\/[ac]\.[tj]s\n$/) }),
    );
  });

  it.each(shells)('a Glob, or a Grep cut short by head, leaves no variable set in %s (ripgrep: %s)', (shell, rg) => {
    const work = workFolder();
    // What a client that keeps one shell for its commands would be left with: the variables `set` lists after the
    // command and not before, but the shell's own record of the last command (bash's `_` and PIPESTATUS).
    const names = (file: string): Set<string> =>
      new Set(
        [...fs.readFileSync(path.join(work, file), 'utf8').matchAll(/^([A-Za-z_]\w*)=/gm)]
          .map(([, name]) => name!)
          .filter((name) => name !== '_' && name !== 'PIPESTATUS'),
      );
    for (const command of [
      commandFor('Glob', { pattern: '*.ts', path: 'src' }),
      commandFor('Grep', { pattern: 'TODO', path: 'src', head_limit: 1 }),
    ]) {
      const ran = runFailing(shell, `set > vars-before; ${command}\nset > vars-after`, work, rg);
      expect(ran).toEqual(expect.objectContaining({ status: 0, stdout: expect.stringMatching(/^src\//) }));
      const before = names('vars-before');
      expect([...names('vars-after')].filter((name) => !before.has(name))).toEqual([]);
    }
  });

  it.each(shells)(
    'a Grep of a pattern its search cannot read, cut short by head or not, in %s (ripgrep: %s)',
    (shell, rg) => {
      const work = workFolder();
      // A pattern neither ripgrep nor grep reads: each says why, and the search fails with its status 2.
      for (const head_limit of [undefined, 3]) {
        const bad = runFailing(shell, commandFor('Grep', { pattern: 'const (', path: 'src', head_limit }), work, rg);
        expect(bad).toEqual({ status: 2, stdout: '', stderr: expect.stringMatching(/.+/) });
      }
      // A glob ripgrep cannot read fails as well (`find -path` reads the brace as itself, finding nothing).
      const glob = runFailing(shell, commandFor('Glob', { pattern: '{a,b', path: 'src' }), work, rg);
      expect(glob).toEqual(
        rg ? { status: 2, stdout: '', stderr: expect.stringContaining('{a,b') } : { status: 0, stdout: '', stderr: '' },
      );
      // A search head cuts short is an answer, grep killed by SIGPIPE (141) and ripgrep stopping with 0 alike.
      fs.writeFileSync(path.join(work, 'many.txt'), 'plum 1\n'.repeat(200_000));
      const cut = commandFor('Grep', { pattern: 'plum \\d', path: 'many.txt', output_mode: 'content', head_limit: 1 });
      expect(runFailing(shell, cut, work, rg)).toEqual({ status: 0, stdout: '1:plum 1\n', stderr: '' });
      // `\p{Lu}` only ripgrep reads; without it, the search says so rather than come back with nothing.
      const upper = commandFor('Grep', { pattern: '\\p{Lu}{4}', path: 'src', glob: '*.ts', output_mode: 'content' });
      expect(runFailing(shell, upper, work, rg)).toEqual(
        rg
          ? { status: 0, stdout: 'src/a.ts:1:export const a = 1; // TODO tidy\n', stderr: '' }
          : {
              status: 2,
              stdout: '',
              stderr: `${GREP_CANNOT} the escape \\p; ripgrep (rg) is needed for it.\n`,
            },
      );
    },
  );

  it('keeps the file and lines of a Read composed either way: before the test and since', () => {
    const since = commandFor('Read', { file_path: "it's.txt", offset: 3, limit: 2 });
    const before = `cat -n -- 'it'\\''s.txt' | sed -n '3,4p;4q'`;
    for (const command of [since, before])
      expect(composedReadRange(command)).toEqual({ path: "it's.txt", first: 3, last: 4 });
  });
});
