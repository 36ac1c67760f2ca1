/**
 * The agent's Read, run on Cline CLI 3 as `read_files` (../tool-input-repair.ts: one `files` entry, the agent's
 * `offset` and `limit` as `start_line` and `end_line`), answered to the agent as its own Read answers. Cline 3.0.65
 * answers `read_files` with JSON about each file it read, never flagged as an error:
 * `[{"query":"/w/notes.txt:2-2","result":"2 | Remember MANGO-77.","success":true}]`, its lines numbered `N | ` (the
 * number right-aligned to the widest one shown), a failure as `"result":"","error":"Error reading file: ENOENT: …",
 * "success":false`. The agent's Read gives the lines alone, each after its number as `cat -n` writes it (six columns
 * and a tab), as the composed-shell Read does (./shell-output.ts), so a read that failed reached the agent as a
 * success and every line with a number in a form it did not write.
 *
 * The proxy keeps nothing between requests, so which results to rewrite is read from the conversation: the call a
 * result answers, replayed by Cline, is a call to its `read_files` with one file, and the result's `query` is the one
 * Cline writes for that file and range. Cline has already read only the lines asked for (the range went to it as its
 * own first and last line), so nothing is cut here, only renumbered (./read-range.ts cuts only a whole-file read
 * with the agent's range beside it, which this call never is). A result of another shape (several files, lines not
 * numbered on from the first asked, Cline's words for a rejected call) goes as it was; a failure becomes an error.
 *
 * A long read carries Cline's own words twice over. Its `read_files` stops at 2,000 lines or 48,000 characters and
 * says so after the lines (`[Showing lines 5-2004 of 2010. Use start_line/end_line to read other sections.]`), and
 * before a result goes upstream Cline cuts the middle out of any string in it over 8,000 characters (its
 * `CLINE_MESSAGE_BUILDER_MAX_TOOL_RESULT_CHARS`), leaving `\n\n...[truncated 27019 chars]...\n\n` mid-line. Both
 * come on nearly every read of a file of more than about 200 lines, so they are read too: the note is kept in the
 * agent's terms (offset and limit), and the cut becomes a line naming the lines not shown, the partial lines either
 * side of it dropped, rather than the whole answer going as Cline's JSON.
 *
 * Once a file has been read again, Cline may replace an earlier read's lines with `[outdated - see the latest file
 * content]` (when doing so saves it 64 KiB or more of the conversation; its `CLINE_MESSAGE_BUILDER_MIN_OUTDATED_
 * REWRITE_BYTES`): that read reaches the agent as a line saying so in its terms, not as Cline's JSON about it.
 */
import type { Message, ToolDefinition, ToolResultContent } from '../../anthropic/types';
import { asRecord, clientToolSchema } from '../client-tools';
import { wholeNumber } from '../tool-input-coercion';
import { resolveClientToolName } from '../tool-names';
import { LINE_RANGE } from '../tool-vocabulary';
import { inShapeOf, oneClineRun, resultText } from './result-text';
import { NO_LINES, type Unwrapped } from './shell-output';
import { replayedCalls } from './replayed-calls';

/** The key under which Cline's `read_files` takes its list of files. */
const FILES = 'files';

/** Cline's line: the number right-aligned, ` | `, the line's text. */
const CLINE_LINE = /^ *(\d+) \| (.*)$/;

/** One `read_files` call of one file: the `query` Cline names it by in its result, and the first line it asked for. */
interface ClineRead {
  query: string;
  first: number;
}

/**
 * Each `read_files` call of one file in a conversation, by `tool_use` id; undefined when there is none, or when the
 * client's read tool takes no list of files (every client but Cline CLI): then the conversation is not walked.
 */
export function clineReadCalls(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
): Map<string, ClineRead> | undefined {
  const readTool = resolveClientToolName('Read', tools);
  const props = asRecord(clientToolSchema(readTool ?? '', tools)?.['properties']);
  if (readTool === undefined || asRecord(props?.[FILES])?.['type'] !== 'array') return undefined;
  let calls: Map<string, ClineRead> | undefined;
  for (const { id, name, input } of replayedCalls(messages)) {
    const read = name === readTool ? oneFile(asRecord(input)?.[FILES]) : undefined;
    if (read) (calls ??= new Map()).set(id, read);
  }
  return calls;
}

/** The one file of a `files` list, named as Cline 3.0.65 names it in its result (`path`, or `path:first-last|EOF`). */
function oneFile(files: unknown): ClineRead | undefined {
  if (!Array.isArray(files) || files.length !== 1) return undefined;
  const entry = asRecord(files[0]);
  const path = entry?.['path'];
  if (typeof path !== 'string') return undefined;
  const start = entry?.[LINE_RANGE.client.first];
  const end = entry?.[LINE_RANGE.client.last];
  const first = start == null ? undefined : wholeNumber(start);
  const last = end == null ? undefined : wholeNumber(end);
  if ((start != null && first === undefined) || (end != null && last === undefined)) return undefined;
  if (first === undefined && last === undefined) return { query: path, first: 1 };
  return { query: `${path}:${first ?? 1}-${last ?? 'EOF'}`, first: first ?? 1 };
}

/**
 * The result as the agent's Read gives it, and whether it is an error, for a result the client flagged as an error
 * or not (`flagged`); undefined for a result that is not Cline's answer to this read.
 */
export function unwrapClineRead(
  content: ToolResultContent | undefined,
  read: ClineRead,
  flagged: boolean,
): Unwrapped | undefined {
  const text = resultText(content);
  // Cline writes the whole result as its mark when the result it replaces is not its JSON.
  if (text === CLINE_OUTDATED) return { content: inShapeOf(content, OUTDATED_READ), isError: flagged };
  const run = oneClineRun(text);
  if (run?.query !== read.query) return undefined;
  if (!run.success) {
    return typeof run.error === 'string' && run.result === ''
      ? { content: inShapeOf(content, run.error), isError: true }
      : undefined;
  }
  if (run.result === CLINE_OUTDATED) return { content: inShapeOf(content, OUTDATED_READ), isError: flagged };
  const lines = renumbered(run.result, read.first);
  return lines === undefined ? undefined : { content: inShapeOf(content, lines), isError: flagged };
}

/** What Cline leaves of an earlier read of a file it has read since (Cline 3.0.65's words). */
const CLINE_OUTDATED = '[outdated - see the latest file content]';

/**
 * An outdated read as the agent is told of it. Cline marks a read outdated only when a later one in the conversation
 * covers the same lines (the same range, or the whole file), so the agent is pointed there rather than to read again.
 */
export const OUTDATED_READ =
  "[This read's lines are no longer shown: the client keeps only the latest read of them. See the later Read.]";

/** Cline's note after a read it stopped short of the lines asked; its numbers are kept, its advice is reworded. */
const CLINE_PAGE_NOTE =
  /\n\n\[Showing lines (\d+)-(\d+) of ([^\]\n]+)\. Use start_line\/end_line to read other sections\.\]$/;

/** The mark Cline leaves where it cut the middle out of a long result, anywhere in a line. */
const CLINE_CUT = /\n\n\.\.\.\[truncated \d+ chars\]\.\.\.\n\n/;

/** Why lines are missing, after which: the agent can read them with a smaller `limit`. */
export const CUT_WORDS = 'Cline cuts the middle out of a long tool result. Read fewer lines to see them.';

/** Cline's numbered lines as `cat -n` numbers them, or undefined unless each is numbered on from `first`. */
function renumbered(result: string, first: number): string | undefined {
  if (result === '') return NO_LINES;
  const paged = CLINE_PAGE_NOTE.exec(result);
  const lines = paged ? result.slice(0, paged.index) : result;
  const cut = CLINE_CUT.exec(lines);
  const text = cut ? aroundCut(lines, cut, first) : numbered(lines.split('\n'), first);
  if (text === undefined || !paged) return text;
  const [, shownFrom, shownTo, total] = paged;
  return `${text}\n\n[Showing lines ${shownFrom}-${shownTo} of ${total}. Use offset and limit to read other sections.]`;
}

/**
 * The whole lines either side of Cline's cut, and a line between them naming those it left out. The line the cut
 * went through on each side is dropped: a cut can fall anywhere, and a partial `8 | entry 1788` reads as line 8.
 */
function aroundCut(lines: string, cut: RegExpExecArray, first: number): string | undefined {
  const head = lines.slice(0, cut.index).split('\n').slice(0, -1);
  const tail = lines
    .slice(cut.index + cut[0].length)
    .split('\n')
    .slice(1);
  const missingFrom = first + head.length;
  const resumesAt = Number(CLINE_LINE.exec(tail[0] ?? '')?.[1]);
  if (!(resumesAt > missingFrom)) return undefined;
  const before = numbered(head, first);
  const after = numbered(tail, resumesAt);
  if (before === undefined || after === undefined) return undefined;
  const missing =
    resumesAt - 1 === missingFrom ? `Line ${missingFrom} is` : `Lines ${missingFrom}-${resumesAt - 1} are`;
  const gap = `[${missing} not shown: ${CUT_WORDS}]`;
  return [...(head.length > 0 ? [before] : []), gap, after].join('\n');
}

function numbered(lines: readonly string[], first: number): string | undefined {
  const out: string[] = [];
  for (const [index, line] of lines.entries()) {
    const match = CLINE_LINE.exec(line);
    if (!match || Number(match[1]) !== first + index) return undefined;
    out.push(`${match[1]!.padStart(6)}\t${match[2]}`);
  }
  return out.join('\n');
}
