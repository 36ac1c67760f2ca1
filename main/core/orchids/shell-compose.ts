/**
 * The agent's file-reading tools as one shell command, for a client whose only tool that can look at files is its
 * shell. Codex CLI declares `exec_command` and `apply_patch` and nothing that reads, lists or searches; Generation
 * B's agent is shown no client tools and reads with its own `Read`, `LS`, `Glob` and `Grep`. Without this each
 * such call reaches Codex as a line of text saying the tool is missing, and the turn ends there.
 *
 * The command is written for a POSIX shell (the one Codex runs commands in on Linux and macOS): every value the
 * agent chose is a single-quoted word, so nothing in a path or pattern is read as shell syntax. Searches use
 * ripgrep where the machine has it (the agent's Grep and Glob are ripgrep's options under other names) and
 * `grep`/`find` where it does not. The command only reads, and the client runs it as it runs any other: under its
 * own approval rules.
 */
import type { ToolDefinition } from '../anthropic/types';
import type { JsonObject } from './client-tools';
import { rustRegexToEre } from './grep-ere';
import { switchedOn, wholeNumber } from './tool-input-coercion';
import { canonicalToolName, resolveClientToolName } from './tool-names';

/** The agent tools a shell can stand in for: each only looks at files. */
const SHELL_COMPOSED = new Set(['Read', 'LS', 'Glob', 'Grep']);

/** How many lines the agent's Read returns when it names no limit (Claude Code's Read, whose parameters it has). */
export const READ_DEFAULT_LINES = 2000;
/** What the agent's Read says of a file that is not there, and what a Glob or Grep says of such a folder. */
export const MISSING_FILE = 'File does not exist.';
export const MISSING_PATH = 'Path does not exist.';
/** How a Grep grep -E cannot run begins its complaint. */
export const GREP_CANNOT = 'grep -E cannot run this pattern: it has';
/** How many paths a Glob lists at most: a pattern that matches a whole tree must not flood the conversation. */
const GLOB_MAX_PATHS = 500;

/** Whether a call from `upstreamName` to the client's `clientName` becomes a shell command. */
export function composesShellCommand(upstreamName: string, clientName: string): boolean {
  const source = canonicalToolName(upstreamName);
  return source !== undefined && SHELL_COMPOSED.has(source) && canonicalToolName(clientName) === 'Bash';
}

/** Whether any of the agent's file-looking tools reaches one of `declared` as a shell command. */
export function shellStandsIn(declared: ToolDefinition[] | undefined): boolean {
  for (const agentTool of SHELL_COMPOSED) {
    const clientName = resolveClientToolName(agentTool, declared);
    if (clientName !== undefined && composesShellCommand(agentTool, clientName)) return true;
  }
  return false;
}

/**
 * `{ command }` for the client's shell tool (the caller then renames `command` to the key the client's schema has,
 * such as Codex's `cmd`), or undefined when the call is not one a shell stands in for or lacks what it needs.
 */
export function composeShellCommand(
  input: JsonObject,
  upstreamName: string,
  clientName: string,
): JsonObject | undefined {
  if (!composesShellCommand(upstreamName, clientName)) return undefined;
  let command: string | undefined;
  switch (canonicalToolName(upstreamName)) {
    case 'Read':
      command = readCommand(input);
      break;
    case 'LS':
      command = `ls -la -- ${quote(text(input['path']) ?? '.')}`;
      break;
    case 'Glob':
      command = globCommand(input);
      break;
    case 'Grep':
      command = grepCommand(input);
      break;
  }
  return command === undefined ? undefined : { command };
}

/** One word as quote() writes it: single quotes around anything, each `'` inside written `'\\''`. */
const WORD = String.raw`'[^']*(?:'\\''[^']*)*'`;
const RG_OR = String.raw`if command -v rg >/dev/null 2>&1; then `;
const escaped = (words: string): string => words.replaceAll('.', String.raw`\.`);
/**
 * A composed Read's command: its file's quoted word, its first and last line. (For a short while the proxy tested the
 * file first in an `if`; no release carried it, so only this shape is read back.)
 */
const READ_SHAPE = new RegExp(String.raw`^cat -n -- (${WORD}) \| sed -n '(\d+),(\d+)p;\3q'$`);
/** The test a piped Glob or Grep begins with, so a missing folder fails though `head` exits 0. */
const PATH_TEST = String.raw`\[ -e ${WORD} \] \|\| \{ echo '${escaped(MISSING_PATH)}' >&2; false; \} && `;
/** A Glob's search: ripgrep's list of files, else `find`'s. */
const GLOB_SEARCH =
  String.raw`${RG_OR}rg --files --glob ${WORD} -- ${WORD}; ` +
  String.raw`else find ${WORD} \\\( -name \.git -o -name node_modules \\\) -prune -o -type f -path ${WORD} -print; fi`;
/** A Grep's search before grep -E was given a pattern it reads, and since (which may say grep -E cannot). */
const GREP_WITH = (fallback: string): string => String.raw`${RG_OR}rg .*-e ${WORD} -- ${WORD}; else ${fallback}; fi`;
const GREP_SEARCH_GREP = GREP_WITH(String.raw`grep -r -E .*-e ${WORD} -- ${WORD}`);
const GREP_SEARCH = GREP_WITH(String.raw`(?:grep -r -E .*-e ${WORD} -- ${WORD}|echo ${WORD} >&2; \(exit 2\))`);
/**
 * A search through `head` (throughHead) as each landed commit wrote it, kept while a conversation may still hold it:
 * its opening, what stands between the search and head's number of lines, and its end.
 */
interface Headed {
  open: string;
  close: string;
  end: string;
}
const HEAD_CLOSE = String.raw`; echo \$\? >&3; \} \| head -n `;
/** Since the status is compared where it is read, leaving no variable set in a shell the client keeps. */
const HEADED: Headed = {
  open: String.raw`${PATH_TEST}\{ \[ "\$\( \{ \{ `,
  close: HEAD_CLOSE,
  end: String.raw` >&4; \} 3>&1 \)" != 2 \] \|\| \(exit 2\); \} 4>&1`,
};
/** db3c7f0: the status kept in `search_status`, which stayed set after the command. */
const HEADED_IN_VARIABLE: Headed = {
  open: String.raw`${PATH_TEST}\{ search_status=\$\( \{ \{ `,
  close: HEAD_CLOSE,
  end: String.raw` >&4; \} 3>&1 \); \[ "\$search_status" != 2 \] \|\| \(exit 2\); \} 4>&1`,
};
/** 9398cc5 to db3c7f0: exiting with head's 0 whatever the search said (the folder tested first since 881e459). */
const HEADED_PLAIN: Headed = { open: String.raw`(?:${PATH_TEST})?\{ `, close: String.raw`; \} \| head -n `, end: '' };
const headed = ({ open, close, end }: Headed, search: string, lines: string): string =>
  `${open}${search}${close}${lines}${end}`;
/**
 * The commands above, whole: what the proxy wrote, told from a command the agent wrote itself in its Bash. Each
 * alternative is a shape a landed commit emitted, and no other: not half of one, nor one's search in another's
 * wrapping.
 */
const COMPOSED: ReadonlyArray<readonly [ComposedTool, RegExp]> = [
  ['Read', READ_SHAPE],
  ['LS', new RegExp(String.raw`^ls -la -- ${WORD}$`)],
  [
    'Glob',
    new RegExp(
      `^(?:${[HEADED, HEADED_IN_VARIABLE, HEADED_PLAIN]
        .map((shape) => headed(shape, GLOB_SEARCH, String(GLOB_MAX_PATHS)))
        .join('|')})$`,
    ),
  ],
  [
    'Grep',
    new RegExp(
      `^(?:${[
        GREP_SEARCH,
        headed(HEADED, GREP_SEARCH, String.raw`\d+`),
        headed(HEADED_IN_VARIABLE, GREP_SEARCH, String.raw`\d+`),
        headed(HEADED_PLAIN, GREP_SEARCH_GREP, String.raw`\d+`),
      ].join('|')})$`,
    ),
  ],
];

export type ComposedTool = 'Read' | 'LS' | 'Glob' | 'Grep';

/**
 * Which of the agent's tools a shell command was composed for, or undefined for any other command: the command the
 * client replays in its call is matched whole against the shapes above, since nothing else in the call survives
 * (Codex's `exec_command` is closed to keys it does not declare).
 */
export function composedCommandTool(command: string): ComposedTool | undefined {
  return COMPOSED.find(([, shape]) => shape.test(command))?.[0];
}

/** The file and lines (`first` to `last`, from 1) a composed Read prints, or undefined for another command. */
export function composedReadRange(command: string): { path: string; first: number; last: number } | undefined {
  const match = READ_SHAPE.exec(command);
  if (!match) return undefined;
  const path = match[1]!.slice(1, -1).replaceAll(`'\\''`, "'");
  return { path, first: Number(match[2]), last: Number(match[3]) };
}

/** A word a POSIX shell reads literally: single quotes hold anything but a single quote, which is closed around. */
export function quote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A whole number ≥ 1, as a count of lines or results is, else undefined. */
function count(value: unknown): number | undefined {
  const n = wholeNumber(value);
  return n !== undefined && n >= 1 ? n : undefined;
}

/** Numbered lines, as the agent's Read shows them, from `offset` (the first line is 1) for `limit` lines. */
function readCommand(input: JsonObject): string | undefined {
  const path = text(input['file_path']) ?? text(input['path']);
  if (path === undefined) return undefined;
  const first = count(input['offset']) ?? 1;
  const last = first + (count(input['limit']) ?? READ_DEFAULT_LINES) - 1;
  // `q` stops at the last line wanted, so a long file is not read to its end. The command stays this plain pipe, not
  // a test of the file first: Codex's window shows this pipe as its own "Read <file>" and anything longer as a raw
  // command, and its approval rules know it. The pipe exits with `sed`'s 0 whatever `cat` said, so a file it could not
  // read is told apart by `cat`'s complaint, which the result rewrite makes an error (./gen-b/shell-output.ts).
  return `cat -n -- ${quote(path)} | sed -n '${first},${last}p;${last}q'`;
}

/**
 * A search piped to `head` exits with `head`'s 0, so a folder that is not there would come back as a success whose
 * output is the search's complaint: tested first, it fails. (`pipefail` would fail a search `head` cut short.) A search
 * that failed (status 2: a bad pattern or glob, an unreadable file) fails with 2, as it does without the pipe; 1 would
 * read as "nothing found". Its status comes back on a descriptor of its own (3) while `head` writes to another (4):
 * stdout and stderr are what they would be without it, and a POSIX shell is all it needs. 0 and 1 (nothing found) are
 * answers, and so is a search `head` cut short (grep killed by SIGPIPE, 141; ripgrep stops with 0; `find`'s errors
 * are 1).
 */
function throughHead(root: string, search: string, limit: number): string {
  // DECISION: the status is compared where it is read, not kept in a variable (as db3c7f0 did), so the command
  // leaves nothing set in a shell that outlives it (a client that keeps one shell for its commands; Codex 0.171 and pi
  // start one per command). A `( … )` subshell would do that too, at the cost of another process.
  const status = `$( { { ${search}; echo $? >&3; } | head -n ${limit} >&4; } 3>&1 )`;
  return `[ -e ${root} ] || { echo '${MISSING_PATH}' >&2; false; } && { [ "${status}" != 2 ] || (exit 2); } 4>&1`;
}

/** A folder argument without trailing slashes, so `find` prints paths the pattern can be matched against. */
function folder(value: unknown): string {
  const path = text(value) ?? '.';
  return path.length > 1 ? path.replace(/\/+$/, '') || '/' : path;
}

/**
 * Files matching the pattern under the folder. ripgrep reads the pattern as the agent means it (gitignore-style:
 * one without a `/` matches at any depth); `find -path` matches `*` across folders too, so its list may be longer,
 * and it skips `.git` and `node_modules`, which ripgrep leaves out by the ignore files.
 */
function globCommand(input: JsonObject): string | undefined {
  const pattern = text(input['pattern']);
  if (pattern === undefined) return undefined;
  const root = folder(input['path']);
  const findPattern = `${root === '/' ? '' : root}/${pattern.replaceAll('**/', '')}`;
  const rg = `rg --files --glob ${quote(pattern)} -- ${quote(root)}`;
  const find =
    `find ${quote(root)} \\( -name .git -o -name node_modules \\) -prune ` +
    `-o -type f -path ${quote(findPattern)} -print`;
  return throughHead(quote(root), `if command -v rg >/dev/null 2>&1; then ${rg}; else ${find}; fi`, GLOB_MAX_PATHS);
}

/**
 * The agent's Grep (ripgrep's options under Claude Code's names): file names by default, counts, or matching lines
 * with their numbers and context. `grep -E` is the fallback; it has no file type or multiline mode, so those
 * options apply only where ripgrep is installed.
 */
function grepCommand(input: JsonObject): string | undefined {
  const pattern = text(input['pattern']);
  if (pattern === undefined) return undefined;
  const root = quote(text(input['path']) ?? '.');
  const mode = text(input['output_mode']) ?? 'files_with_matches';
  const shared: string[] = [];
  if (mode === 'files_with_matches') shared.push('-l');
  else if (mode === 'count') shared.push('-c');
  else if (input['-n'] !== false && input['-n'] !== 'false') shared.push('-n');
  if (switchedOn(input['-i'])) shared.push('-i');
  if (mode === 'content')
    for (const flag of ['-A', '-B', '-C'] as const) {
      const lines = count(input[flag]);
      if (lines !== undefined) shared.push(`${flag} ${lines}`);
    }
  const glob = text(input['glob']);
  const type = text(input['type']);
  const rg = ['rg', ...shared];
  if (glob !== undefined) rg.push(`--glob ${quote(glob)}`);
  if (type !== undefined) rg.push(`--type ${quote(type)}`);
  if (switchedOn(input['multiline'])) rg.push('-U --multiline-dotall');
  const ere = rustRegexToEre(pattern);
  const grep = ['grep -r -E', ...shared];
  if ('pattern' in ere && ere.ignoreCase && !shared.includes('-i')) grep.push('-i');
  if (glob !== undefined) grep.push(`--include=${quote(glob)}`);
  // A pattern grep -E cannot read (grep-ere.ts) fails saying so, with grep's own status for a bad pattern (2),
  // rather than finding nothing: an empty answer the agent would believe.
  const fallback =
    'pattern' in ere
      ? `${grep.join(' ')} -e ${quote(ere.pattern)} -- ${root}`
      : `echo ${quote(`${GREP_CANNOT} ${ere.unsupported}; ripgrep (rg) is needed for it.`)} >&2; (exit 2)`;
  const ripgrep = `${rg.join(' ')} -e ${quote(pattern)} -- ${root}`;
  const search = `if command -v rg >/dev/null 2>&1; then ${ripgrep}; else ${fallback}; fi`;
  const limit = count(input['head_limit']);
  return limit === undefined ? search : throughHead(root, search, limit);
}
