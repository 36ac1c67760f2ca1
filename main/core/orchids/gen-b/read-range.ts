/**
 * The agent's ranged Read, kept ranged on a client whose read tool reads whole files. Generation B's agent reads
 * with its own `Read {file_path, offset, limit}`; the Continue CLI's `Read` takes only `filepath`, runs with no
 * prompt, and answers with the whole file (`Content of <path>:` and the text), so the agent was sent every line of a
 * file it asked ten lines of, unnumbered, where its Read numbers them.
 *
 * The proxy keeps nothing between requests, so the range is read from the conversation itself: Continue's schema is
 * open, the agent's `offset` and `limit` reach Continue beside `filepath`, it ignores them and keeps them in the
 * `tool_use` it sends back. When its result comes back to the upstream, it goes as the agent's Read would have
 * answered: the asked lines alone, numbered as `cat -n` numbers them (as the agent's Read composed for a shell is).
 *
 * DECISION: only a result of a shape known to hold the file is cut (Continue's `Content of <path>:` first line). A
 * client's error text that is not flagged as one (`File does not exist`) must reach the agent whole, not read as a
 * one-line file; a read tool whose results look like nothing known (Cline's `read_file {path}`) is left as it was.
 * Choosing Continue's Bash with a composed `cat -n | sed` instead would have cost a prompt on every read in its
 * window, where Bash asks first and Read does not.
 */
import type { Message, ToolDefinition, ToolResultContent } from '../../anthropic/types';
import { asRecord, namingFor, type ClientTool } from '../client-tools';
import { READ_DEFAULT_LINES } from '../shell-compose';
import { wholeNumber } from '../tool-input-coercion';
import { canonicalToolName } from '../tool-names';
import { LINE_RANGE } from '../tool-vocabulary';
import { inShapeOf, resultText } from './result-text';
import { replayedCalls } from './replayed-calls';

/** The lines one Read asked for: 1-based and inclusive. */
export interface ReadRange {
  first: number;
  last: number;
  /** The path the client was given, as its result names it. */
  path: string;
}

/** Keys by which a client's read tool takes a range itself; a tool with any of them is given the range. */
const RANGE_KEYS = [
  LINE_RANGE.agent.first,
  LINE_RANGE.agent.count,
  LINE_RANGE.client.first,
  LINE_RANGE.client.last,
  LINE_RANGE.clientPair.key,
];
const PATH_KEYS = ['filepath', 'file_path', 'path'];

/** Whether a declared tool reads a file and takes no range: the agent's range only travels beside its input. */
function readsWholeFiles(tool: ClientTool): boolean {
  if (canonicalToolName(tool.name) !== 'Read') return false;
  const props = asRecord(tool.schema?.['properties']);
  return props !== undefined && !RANGE_KEYS.some((key) => Object.hasOwn(props, key));
}

/** The range a call to such a tool carries, from the agent's `offset` and `limit` the client kept in its input. */
export function rangeOf(input: unknown): ReadRange | undefined {
  const given = asRecord(input);
  if (!given) return undefined;
  const offset = wholeNumber(given[LINE_RANGE.agent.first]);
  const limit = wholeNumber(given[LINE_RANGE.agent.count]);
  if (offset === undefined && limit === undefined) return undefined;
  const path = PATH_KEYS.map((key) => given[key]).find((value) => typeof value === 'string' && value !== '');
  if (typeof path !== 'string') return undefined;
  const first = Math.max(1, offset ?? 1);
  const count = limit !== undefined && limit > 0 ? limit : READ_DEFAULT_LINES;
  return { first, last: first + count - 1, path };
}

/**
 * The ranged reads of a conversation, by `tool_use` id: calls to a declared read tool without a range whose input
 * holds one. Undefined, and nothing read, when the client declares no such tool (every client but Continue today).
 */
export function rangedReads(
  messages: readonly Message[],
  tools: ToolDefinition[] | undefined,
): Map<string, ReadRange> | undefined {
  // Most clients declare no such tool: their conversations are not read at all.
  const names = new Set(
    namingFor(tools)
      .all.filter(readsWholeFiles)
      .map((tool) => tool.name),
  );
  if (names.size === 0) return undefined;
  let ranges: Map<string, ReadRange> | undefined;
  for (const { id, name, input } of replayedCalls(messages)) {
    const range = names.has(name) ? rangeOf(input) : undefined;
    if (range) (ranges ??= new Map()).set(id, range);
  }
  return ranges;
}

/** Continue's first line before the file's text; it drops a leading `./` from the path it was given. */
const header = (path: string): string => `Content of ${path.startsWith('./') ? path.slice(2) : path}:\n`;

/**
 * The result as the agent's Read gives it: the asked lines, each after its number (`cat -n`'s six columns and a
 * tab), or a line saying the file ends before them. A result of any other shape comes back as it was.
 */
export function sliceReadResult(
  content: ToolResultContent | undefined,
  range: ReadRange,
): ToolResultContent | undefined {
  const text = resultText(content);
  const sliced = text === undefined ? undefined : sliceText(text, range);
  return sliced === undefined ? content : inShapeOf(content, sliced);
}

function sliceText(text: string, range: ReadRange): string | undefined {
  const lead = header(range.path);
  if (!text.startsWith(lead)) return undefined;
  const body = text.slice(lead.length);
  const lines = body === '' ? [] : body.split('\n');
  // A final newline ends the last line; it does not start another.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (range.first > lines.length) {
    return `The file is shorter than the requested offset (${range.first}): it has ${lines.length} lines.`;
  }
  const out: string[] = [];
  const last = Math.min(range.last, lines.length);
  for (let n = range.first; n <= last; n++) out.push(`${String(n).padStart(6)}\t${lines[n - 1]}`);
  return out.join('\n');
}
