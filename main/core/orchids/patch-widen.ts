/**
 * The agent's Edit and MultiEdit widened to whole lines, for a client whose edit tool is a patch (./patch-compose.ts).
 * Such a client finds a hunk's old lines only as whole lines, each hunk after the one before it, where the agent's Edit
 * replaces any unique text: an edit of part of a line (`a - b` to `a + b`), or a MultiEdit out of the file's order, was
 * refused, and the agent, told how (WHOLE_LINES), made it again at the cost of a request.
 *
 * The proxy never sees the file, but the conversation may show it: Codex CLI 0.171 runs the agent's Read as the
 * composed `cat -n -- 'f' | sed -n '1,2000p;2000q'` (./shell-compose.ts) and replays its output in its wrapper of a
 * command's run (`Chunk ID: …`, `Process exited with code 0`, `Output:`, then the numbered lines); opencode 1.18.33 (on
 * a `gpt-` id) runs it as its own `read`, whose answer numbers the lines and ends saying the file ended, and Cline CLI
 * 3.0.65 as its `read_files`, answered with JSON about the run (on a `gpt` or `codex` id its edit tool is a patch; on
 * others its one-occurrence `editor`, for which an Edit with `replace_all` is made one replacement: `spanned`). When
 * such a read shows the whole file, and no call after it could have changed the file, each edit is made on those
 * lines: the text of the lines its old text stands in, old and new, in the file's order, a line two edits touch one
 * edit.
 *
 * DECISION: widened only when nothing can be wrong, else the edit goes as before and the client refuses or applies it
 * as it would have. The read must show the whole file, numbered from line 1 and known to end (Codex's run printed fewer
 * lines than it asked for, opencode said so, Cline read the whole file and said of stopping short nothing), every line
 * whole (no cut line, no carriage return): a ranged read cannot show an old text stands in the file once, and a patch
 * client takes the first place its lines stand. So a ranged read (Read's `offset`/`limit`, a composed `sed -n 'a,bp'`,
 * Cline's read of a line range) is not used even when it shows every line an edit touches: from a line past the first,
 * the same lines may stand above it, unseen, and the client patches them; from line 1, the client's first match is in
 * the lines shown, but the old text may stand again below them, where the agent's Edit refuses an old text found twice
 * and the widened edit would be made, at the first. Every old text must stand in the file exactly once (as the agent's
 * Edit requires) and never in text an earlier edit of the MultiEdit wrote; and the widened hunks, applied as the client
 * applies them, must give the text the agent's edits give. A read in the same turn as a call that may write, any call
 * after the read that may write, or a call that goes to the client earlier in this turn, leaves the file unknown. A
 * call known not to write is a composed read or search, or one of the client's own tools that cannot write, such as
 * opencode's `grep` or Cline's `search_codebase` (CLIENT_LOOKS_ONLY); any other tool, or one of those with a key its
 * declaration lacks, may write.
 */
import type { Message, ToolResultContent } from '../anthropic/types';
import type { JsonObject } from './client-tools';
import { asRecord } from './client-tools';
import { codexRun } from './gen-b/shell-output';
import { oneClineRun, resultText } from './gen-b/result-text';
import { replaceAllAsOne } from './replace-all-span';
import { composedCommandTool, composedReadRange } from './shell-compose';
import { switchedOn } from './tool-input-coercion';
import { canonicalToolName } from './tool-names';

interface Edit {
  old: string;
  new: string;
}

/**
 * The files a conversation shows whole and unchanged since, path → lines, and the widening of edits on them. One a
 * response: a call that goes to the client in it leaves the files unknown for the calls after it (`seen`).
 */
export class KnownFiles {
  /** Read from the conversation at the first edit, not before: most responses have none. */
  private files: Map<string, string[]> | undefined;

  /** The agent's Edit or MultiEdit as whole-line edits in the file's order, or `input` as it was. */
  widen(upstreamName: string, input: JsonObject, messages: readonly Message[] | undefined): JsonObject {
    const tool = canonicalToolName(upstreamName);
    if (tool !== 'Edit' && tool !== 'MultiEdit') return input;
    const path = input['file_path'];
    this.files ??= filesShown(messages ?? []);
    const lines = typeof path === 'string' ? this.files.get(path) : undefined;
    const edits = lines && agentEdits(tool, input);
    const widened = edits && wholeLineEdits(lines, edits);
    if (!widened) return input;
    if (tool === 'Edit') return { file_path: path, old_string: widened[0]!.old, new_string: widened[0]!.new };
    return { file_path: path, edits: widened.map((edit) => ({ old_string: edit.old, new_string: edit.new })) };
  }

  /**
   * The agent's Edit, or its MultiEdit's edits as one Edit each, with `replace_all` made one replacement Cline's
   * one-occurrence `editor` makes (./replace-all-span.ts, which checks the switch), or `edits` as they were. Any other
   * call leaves the request's messages unread.
   */
  spanned(upstreamName: string, edits: JsonObject[], messages: readonly Message[] | undefined): JsonObject[] {
    const tool = canonicalToolName(upstreamName);
    if (tool !== 'Edit' && tool !== 'MultiEdit') return edits;
    const path = edits[0]?.['file_path'];
    this.files ??= filesShown(messages ?? []);
    const lines = typeof path === 'string' ? this.files.get(path) : undefined;
    return lines ? replaceAllAsOne(lines, edits) : edits;
  }

  /** A call this response sends the client: the files it may change are no longer known for the calls after it. */
  seen(upstreamName: string): void {
    const tool = canonicalToolName(upstreamName);
    if (tool !== 'Read' && tool !== 'Grep' && tool !== 'Glob' && tool !== 'LS') this.files = new Map();
  }
}

/** The files the conversation's last reads show whole, as long as no call that may write came after. */
export function filesShown(messages: readonly Message[]): Map<string, string[]> {
  const files = new Map<string, string[]>();
  /** Reads of the assistant message before, by call id: their results come in the next user message. */
  let reads = new Map<string, Read>();
  let teammateRuns = false;
  for (const message of messages) {
    if (!Array.isArray(message?.content)) continue;
    const blocks = message.content as Array<Record<string, unknown> | null>;
    if (message.role === 'assistant') {
      reads = new Map();
      let writes = false;
      for (const block of blocks) {
        if (block?.['type'] !== 'tool_use') continue;
        teammateRuns = teammateRunning(teammateRuns, block['name'], asRecord(block['input']));
        const read = readOf(block['name'], asRecord(block['input']));
        if (read && typeof block['id'] === 'string') reads.set(block['id'], read);
        else if (!read) writes ||= !looksOnly(block['name'], block['input']);
      }
      if (teammateRuns) reads = new Map();
      if (!writes) continue;
      // A call that may write, beside or after the reads: no file read so far is known as it is now.
      files.clear();
      reads = new Map();
      continue;
    }
    for (const block of blocks) {
      if (block?.['type'] !== 'tool_result') continue;
      const read = reads.get(String(block['tool_use_id']));
      if (!read) continue;
      const text = resultText(block['content'] as ToolResultContent | undefined);
      const lines = text === undefined ? undefined : read.lines(text);
      if (lines && lines.every((line) => !line.includes('\r') && line.length <= LONGEST_LINE))
        files.set(read.path, lines);
      else files.delete(read.path);
    }
  }
  return files;
}

/**
 * Whether a Cline teammate may be running in the background after this call: from a `team_run_task` in `async` mode
 * until a `team_await_runs` of every run (no `runId`) returns. Such a run writes while the lead reads and edits, so
 * no read made meanwhile shows the file as the edit will find it, whichever calls come between.
 */
function teammateRunning(running: boolean, name: unknown, input: Record<string, unknown> | undefined): boolean {
  if (name === 'team_run_task' && input?.['runMode'] === 'async') return true;
  if (name === 'team_await_runs' && input?.['runId'] === undefined) return false;
  return running;
}

/** A read of a file, and the file's lines from its result when the result shows them all. */
interface Read {
  path: string;
  lines: (text: string) => string[] | undefined;
}

/**
 * opencode 1.18.33's `read` tool and how it answers: `<path>…</path>`, `<type>file</type>`, `<content>`, each line
 * after its number and `: `, and after the last `(End of file - total N lines)` (else `(File has more lines. …`).
 */
const OPENCODE_READ = 'read';
const OPENCODE_FILE = new RegExp(
  String.raw`^<path>[^\n]*</path>\n<type>file</type>\n<content>\n([\s\S]*)\n\n` +
    String.raw`\(End of file - total (\d+) lines\)\n</content>$`,
);
/** Cline CLI 3.0.65's read tool (for a `gpt` or `codex` id): `files`, each a `path` and its range if any. */
const CLINE_READ = 'read_files';
/** opencode cuts a line longer than this (adding `...`): a longer line is not known whole. */
const LONGEST_LINE = 2000;

/**
 * DECISION: a Responses API client's typed `shell` call is never taken for a read, not even of `cat <path>` or
 * `sed -n '1,$p' <path>` alone. Its output reaches the proxy as the client's stdout and exit code (typed-tools.ts
 * `shellOutput`), cut however the client cuts it (the call's `max_output_length`, or the client's own limit), with no
 * mark the API requires: un-numbered lines that end early at a line's end look like a shorter whole file, and an old
 * text unique in the lines shown may stand again in the lines cut off, where the widened edit would be made at the
 * first place and the agent's Edit would have been refused. The reads above are whole only by what their client is
 * known to print: `cat -n` numbers, a count asked for and not reached, or the client's own word that the file ended.
 */
function readOf(name: unknown, input: Record<string, unknown> | undefined): Read | undefined {
  const command = commandOf(input);
  const range = command === undefined ? undefined : composedReadRange(command);
  if (range) return { path: range.path, lines: (text) => codexWholeFile(text, range.first, range.last) };
  const path = input?.['filePath'];
  if (name === OPENCODE_READ && typeof path === 'string') return { path, lines: opencodeWholeFile };
  const files = input?.['files'];
  const file = name === CLINE_READ && Array.isArray(files) && files.length === 1 ? asRecord(files[0]) : undefined;
  // Only a read of the whole file: no first or last line asked for.
  if (typeof file?.['path'] !== 'string' || Object.keys(file).length !== 1) return undefined;
  const whole = file['path'];
  return { path: whole, lines: (text) => clineWholeFile(text, whole) };
}

/**
 * The file's lines from Cline's `read_files` of the whole file, when it shows them all: its one run for the file,
 * every line numbered on from 1. Cline says after the lines where it stopped short (2,000 lines, 48,000 characters),
 * and cuts the middle out of a long answer (`...[truncated N chars]...`): neither is a numbered line.
 */
function clineWholeFile(text: string, path: string): string[] | undefined {
  const run = oneClineRun(text);
  if (!run?.success || run.query !== path || run.result === '') return undefined;
  return numberedLines(run.result.split('\n'), CLINE_NUMBERED);
}

/**
 * The client's own tools that cannot write, by name, with the keys their declaration has: opencode 1.18.33's (on a
 * `gpt-` id it declares `apply_patch`, `bash`, `glob`, `grep`, `read`, `skill`, `task`, `todowrite` and `webfetch`)
 * and Cline CLI 3.0.65's (on a `gpt` or `codex` id `read_files`, `search_codebase`, `fetch_web_content`,
 * `apply_patch`, `run_commands`, `ask_question`, `spawn_agent` and the `team_*` tools). A read of part of a file, or of
 * another, lands here too. Neither client's source writes a file in these: opencode's `skill` returns the named skill's
 * text and a sample of its folder's file names (its scripts run, if at all, through `bash`, which may write); its
 * `todowrite` keeps the list in opencode's own session store, not in the work folder. Cline's `ask_question` gives back
 * the option the user chose (the user may edit a file at any time, during any call, which no call here can tell), and
 * its `team_status`, `team_list_runs`, `team_list_outcomes` and `team_read_mailbox` only report the team's state (the
 * mailbox marks what it returned read, in the team's store). Left out, as not known to leave every file as it was: a
 * shell, a sub-agent, a teammate's run or the wait for one (a teammate writes while it runs), and the `team_*` tools
 * that change the team, as the ones a teammate may act on.
 */
const CLIENT_LOOKS_ONLY: ReadonlyMap<string, readonly string[]> = new Map([
  ['glob', ['pattern', 'path']],
  ['grep', ['pattern', 'path', 'include']],
  ['webfetch', ['url', 'format', 'timeout']],
  ['skill', ['name']],
  ['todowrite', ['todos']],
  ['read_files', ['files']],
  ['search_codebase', ['queries']],
  ['fetch_web_content', ['requests']],
  ['ask_question', ['question', 'options']],
  ['team_status', []],
  ['team_list_runs', ['status', 'agentId', 'includeCompleted']],
  ['team_list_outcomes', []],
  ['team_read_mailbox', ['unreadOnly']],
]);

/**
 * A call that only looks at files: the composed command of the agent's LS, Glob or Grep, or one of the client's tools
 * that cannot write, with no key its declaration lacks (a tool of another client that shares the name is not taken
 * for it).
 */
function looksOnly(name: unknown, input: unknown): boolean {
  const fields = asRecord(input);
  const keys = typeof name === 'string' ? CLIENT_LOOKS_ONLY.get(name) : undefined;
  if (keys && fields && Object.keys(fields).every((key) => keys.includes(key))) return true;
  const command = commandOf(fields);
  return command !== undefined && composedCommandTool(command) !== undefined;
}

function commandOf(input: Record<string, unknown> | undefined): string | undefined {
  const command = input?.['cmd'] ?? input?.['command'];
  return typeof command === 'string' ? command : undefined;
}

/**
 * The file's lines from Codex's run of the composed Read, when it shows them all: exit 0, every line numbered on from
 * 1 as `cat -n` numbers them, fewer than the read asked for (so the file ended).
 */
function codexWholeFile(text: string, first: number, last: number): string[] | undefined {
  const run = codexRun(text);
  if (!run || run.code !== 0 || first !== 1 || run.output === '') return undefined;
  const printed = (run.output.endsWith('\n') ? run.output.slice(0, -1) : run.output).split('\n');
  return printed.length < last ? numberedLines(printed, CAT_NUMBERED) : undefined;
}

/** The file's lines from opencode's read, when it shows them all, from the first to the last it counts. */
function opencodeWholeFile(text: string): string[] | undefined {
  const shown = OPENCODE_FILE.exec(text);
  if (!shown) return undefined;
  const lines = numberedLines(shown[1]!.split('\n'), OPENCODE_NUMBERED);
  return lines?.length === Number(shown[2]) ? lines : undefined;
}

/** A line `cat -n` prints: its number right-aligned in six columns (more for a longer file), a tab, the line. */
const CAT_NUMBERED = /^ *(\d+)\t(.*)$/;
/** A line opencode's read shows: its number, a colon and a space, the line. */
const OPENCODE_NUMBERED = /^(\d+): (.*)$/;
/** A line Cline's read shows: its number right-aligned to the widest one, ` | `, the line. */
const CLINE_NUMBERED = /^ *(\d+) \| (.*)$/;

/** The lines after their numbers, when every one is numbered on from 1. */
function numberedLines(printed: readonly string[], shape: RegExp): string[] | undefined {
  const lines: string[] = [];
  for (const [i, line] of printed.entries()) {
    const match = shape.exec(line);
    if (!match || Number(match[1]) !== i + 1) return undefined;
    lines.push(match[2]!);
  }
  return lines;
}

function agentEdits(tool: 'Edit' | 'MultiEdit', input: JsonObject): Edit[] | undefined {
  const items = tool === 'Edit' ? [input] : input['edits'];
  if (!Array.isArray(items) || items.length === 0) return undefined;
  const edits: Edit[] = [];
  for (const item of items) {
    const edit = asRecord(item);
    const [from, to] = [edit?.['old_string'], edit?.['new_string']];
    if (typeof from !== 'string' || typeof to !== 'string' || from === '' || switchedOn(edit?.['replace_all'])) {
      return undefined;
    }
    edits.push({ old: from, new: to });
  }
  return edits;
}

/** A span of the file's lines, `from` to `to` inclusive, and the fragments replaced in it, by offset in the file. */
interface Span {
  from: number;
  to: number;
  fragments: Array<{ at: number; edit: Edit }>;
}

/**
 * The edits as whole-line edits of `lines`, in the file's order, or undefined when any would not be exactly what the
 * agent's edits make (see the DECISION above).
 */
export function wholeLineEdits(lines: readonly string[], edits: readonly Edit[]): Edit[] | undefined {
  const text = lines.join('\n');
  const starts: number[] = [];
  let offset = 0;
  for (const line of lines) {
    starts.push(offset);
    offset += line.length + 1;
  }
  const lineAt = (at: number) => {
    let index = 0;
    while (index + 1 < starts.length && starts[index + 1]! <= at) index += 1;
    return index;
  };
  const spans: Span[] = [];
  for (const edit of edits) {
    const at = onlyPlace(text, edit.old);
    if (at === undefined) return undefined;
    const span: Span = { from: lineAt(at), to: lineAt(at + edit.old.length - 1), fragments: [{ at, edit }] };
    // Spans that share a line (or text) are one edit; two fragments that overlap cannot both be made.
    for (const other of spans.filter((s) => s.from <= span.to && span.from <= s.to)) {
      spans.splice(spans.indexOf(other), 1);
      span.from = Math.min(span.from, other.from);
      span.to = Math.max(span.to, other.to);
      span.fragments.push(...other.fragments);
    }
    spans.push(span);
  }
  spans.sort((a, b) => a.from - b.from);
  const widened: Edit[] = [];
  for (const span of spans) {
    const begin = starts[span.from]!;
    const end = starts[span.to]! + lines[span.to]!.length;
    let made = '';
    let at = begin;
    for (const { at: place, edit } of span.fragments.sort((a, b) => a.at - b.at)) {
      if (place < at) return undefined;
      made += text.slice(at, place) + edit.new;
      at = place + edit.old.length;
    }
    // An old text that ends in the line's newline takes it: the widened old text takes it too.
    const wholeEnd = Math.max(end, at);
    widened.push({ old: text.slice(begin, wholeEnd), new: made + text.slice(at, wholeEnd) });
  }
  // A later hunk's old text within an earlier one's new text would be taken as an edit of it (./patch-compose.ts).
  if (widened.some((edit, i) => widened.slice(0, i).some((earlier) => earlier.new.includes(edit.old)))) {
    return undefined;
  }
  return sameResult(lines, edits, widened) ? widened : undefined;
}

/** Where `part` stands in `text`, when it stands there exactly once (overlapping places counted). */
function onlyPlace(text: string, part: string): number | undefined {
  const at = text.indexOf(part);
  return at !== -1 && text.indexOf(part, at + 1) === -1 ? at : undefined;
}

/**
 * Whether the hunks, applied as a patch client applies them (each hunk's old lines found as whole lines after the
 * hunk before it), give the text the agent's edits give, each made once on the text the one before it left.
 */
function sameResult(lines: readonly string[], edits: readonly Edit[], widened: readonly Edit[]): boolean {
  let expected = lines.join('\n');
  for (const edit of edits) {
    const at = onlyPlace(expected, edit.old);
    if (at === undefined) return false;
    expected = expected.slice(0, at) + edit.new + expected.slice(at + edit.old.length);
  }
  const patched = [...lines];
  let from = 0;
  for (const edit of widened) {
    const old = hunkLines(edit.old);
    const at = findLines(patched, old, from);
    if (at === undefined || findLines(lines, old, 0) !== findLines(lines, old, 0, true)) return false;
    const made = hunkLines(edit.new);
    patched.splice(at, old.length, ...made);
    from = at + made.length;
  }
  return patched.join('\n') === expected;
}

/** A hunk side's lines as a patch carries them: a final newline adds no line (./patch-compose.ts `prefixed`). */
function hunkLines(text: string): string[] {
  if (text === '') return [];
  return (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
}

/** The first (or `last`) index from `from` where `lines` holds `sought` as whole lines. */
function findLines(
  lines: readonly string[],
  sought: readonly string[],
  from: number,
  last = false,
): number | undefined {
  let found: number | undefined;
  for (let i = from; i + sought.length <= lines.length; i += 1) {
    if (!sought.every((line, j) => lines[i + j] === line)) continue;
    if (!last) return i;
    found = i;
  }
  return found;
}
