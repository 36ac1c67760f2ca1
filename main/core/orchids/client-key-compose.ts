/**
 * The keys one client's tool takes that the agent's tool has no key for, composed from the agent's keys: Cline's
 * SEARCH/REPLACE `diff`, a line range or a 0-based offset for a read, a sub-agent's system prompt, Claude Code's
 * background switch, Codex's shell wait. Each answers what it adds and which of the agent's keys it used up, and
 * the key reshaping shared by every client (tool-input-repair.ts) renames or drops the rest.
 */
import { asRecord, type JsonObject } from './client-tools';
import { READ_DEFAULT_LINES } from './shell-compose';
import { switchedOn, wholeNumber } from './tool-input-coercion';
import { LINE_RANGE, SHELL_WAIT, SUB_AGENT, normalizeKey } from './tool-vocabulary';

const OLD_TEXT_KEYS = new Set(['oldstring', 'oldstr', 'oldtext']);
const NEW_TEXT_KEYS = new Set(['newstring', 'newstr', 'newtext']);

/**
 * The agent's first line and count as the first and last line a client tool takes instead (LINE_RANGE), for a
 * schema that has the one but not the other: without it a closed schema drops the range and the whole file is read.
 * Read's `limit` is a count and the client's last line inclusive, so the last line is first + limit - 1; with no
 * count the text editor's pair reads to the end (-1), and `read_files` gets no last line, which means the same.
 */
export function composeLineRange(
  input: JsonObject,
  props: JsonObject,
): { added: Array<[string, number | number[]]>; consumed: string[] } | undefined {
  const { agent, client, clientPair } = LINE_RANGE;
  if (Object.hasOwn(props, agent.first)) return undefined;
  const asPair = Object.hasOwn(props, clientPair.key);
  if (!asPair && !Object.hasOwn(props, client.first)) return undefined;
  if ([client.first, client.last, clientPair.key].some((key) => Object.hasOwn(input, key))) return undefined;
  const offset = wholeNumber(input[agent.first]);
  const limit = wholeNumber(input[agent.count]);
  if (offset === undefined && limit === undefined) return undefined;
  const first = Math.max(1, offset ?? 1);
  const last = limit !== undefined && limit > 0 ? first + limit - 1 : undefined;
  const consumed = [agent.first, agent.count].filter((key) => Object.hasOwn(input, key));
  if (asPair) return { added: [[clientPair.key, [first, last ?? clientPair.toEnd]]], consumed };
  const added: Array<[string, number]> = [[client.first, first]];
  if (last !== undefined && Object.hasOwn(props, client.last)) added.push([client.last, last]);
  return { added, consumed };
}

/**
 * Whether the client's read tool counts `offset` from 0, as Qwen Code 0.24's `read_file` does ("the 0-based line
 * number to start reading from. Requires 'limit' to be set."); the agent's Read counts from 1.
 */
export function takesZeroBasedOffset(props: JsonObject | undefined): boolean {
  const description = asRecord(props?.[LINE_RANGE.agent.first])?.['description'];
  return typeof description === 'string' && /\b0-based\b/i.test(description);
}

/**
 * The agent's first line as such a client's offset: one less (0 and 1 both the top, as the agent means them), with
 * the agent's 2,000 lines as the limit its description asks for when the agent names none (Qwen 0.24 reads its own
 * default without one). Before, the read began one line down.
 */
export function composeZeroBasedOffset(
  input: JsonObject,
  props: JsonObject,
): { added: Array<[string, number]>; consumed: string[] } | undefined {
  const { first, count } = LINE_RANGE.agent;
  const offset = wholeNumber(input[first]);
  if (offset === undefined || !takesZeroBasedOffset(props)) return undefined;
  const added: Array<[string, number]> = [[first, Math.max(0, offset - 1)]];
  if (!Object.hasOwn(input, count) && Object.hasOwn(props, count)) added.push([count, READ_DEFAULT_LINES]);
  return { added, consumed: [first] };
}

/**
 * A system prompt for a client's sub-agent tool that requires one (SUB_AGENT: Cline CLI's `spawn_agent`), from the
 * kind of agent and the few words the agent's Task gives; its `prompt` carries the instructions themselves (it
 * becomes `task`), so this only tells the sub-agent what it is and what for, e.g. "You are an Explore sub-agent.
 * Your task: Find the config files." A Task that names neither still gets "You are a sub-agent.": Cline refuses the
 * call without one.
 */
export function composeSubAgentPrompt(
  input: JsonObject,
  props: JsonObject,
): { text: string; consumed: string[] } | undefined {
  const { agent, client } = SUB_AGENT;
  if (!Object.hasOwn(props, client.instructions) || Object.hasOwn(input, client.instructions)) return undefined;
  const said = (key: string): string | undefined => {
    const value = Object.hasOwn(props, key) ? undefined : input[key];
    return typeof value === 'string' && value.trim() !== '' ? value.trim().replace(/\.+$/, '') : undefined;
  };
  const kind = said(agent.kind);
  const summary = said(agent.summary);
  const who = kind === undefined ? 'a sub-agent' : `${/^[aeiou]/i.test(kind) ? 'an' : 'a'} ${kind} sub-agent`;
  const text = `You are ${who}.${summary === undefined ? '' : ` Your task: ${summary}.`}`;
  return { text, consumed: [agent.kind, agent.summary].filter((key) => said(key) !== undefined) };
}

/**
 * The agent's Task waits for its sub-agent and reads the result in the call's answer. Claude Code 2.1's Agent runs
 * one in the background unless told not to, and answers at once that it started (its result comes in a later
 * turn): a sub-agent the agent asks for runs to its end first, as it would have.
 */
export function runsInBackgroundUnlessTold(input: JsonObject, props: JsonObject): boolean {
  const key = SUB_AGENT.client.background;
  // In whatever spelling the agent chose (`runInBackground` is the same key), its choice stands.
  const chose = Object.keys(input).some((given) => normalizeKey(given) === normalizeKey(key));
  return asRecord(props[key])?.['type'] === 'boolean' && !chose;
}

/**
 * The agent's Bash wait as the client shell's (SHELL_WAIT: Codex CLI's `exec_command`), for a schema that has the
 * one and not the other. Without it Codex answers a command that runs past its 10 s default with a session id and
 * no output, and the agent never learns how it ended; with it, Codex waits as long as it allows (30 s in 0.171),
 * and a command that ends sooner answers at once. A call the agent sends to the background keeps Codex's default.
 */
export function composeShellWait(input: JsonObject, props: JsonObject): { ms: number; consumed: string[] } | undefined {
  const { agent, client } = SHELL_WAIT;
  if (!Object.hasOwn(props, client.wait) || Object.hasOwn(input, client.wait)) return undefined;
  if (Object.hasOwn(props, agent.timeout)) return undefined;
  if (switchedOn(input[agent.background])) return undefined;
  const given = wholeNumber(input[agent.timeout]);
  const consumed = Object.hasOwn(input, agent.timeout) ? [agent.timeout] : [];
  return { ms: given !== undefined && given > 0 ? given : agent.defaultMs, consumed };
}

/**
 * Cline's `replace_in_file` takes one `diff` of SEARCH/REPLACE blocks where the agent's Edit sends the old and the
 * new text: the block says exactly that.
 */
export function composeSearchReplace(
  input: JsonObject,
  props: JsonObject,
): { text: string; consumed: string[] } | undefined {
  if (!Object.hasOwn(props, 'diff') || Object.hasOwn(input, 'diff')) return undefined;
  const oldKey = Object.keys(input).find((key) => OLD_TEXT_KEYS.has(normalizeKey(key)) && !Object.hasOwn(props, key));
  const newKey = Object.keys(input).find((key) => NEW_TEXT_KEYS.has(normalizeKey(key)) && !Object.hasOwn(props, key));
  if (oldKey === undefined || newKey === undefined) return undefined;
  const before = input[oldKey];
  const after = input[newKey];
  if (typeof before !== 'string' || typeof after !== 'string') return undefined;
  return { text: `------- SEARCH\n${before}\n=======\n${after}\n+++++++ REPLACE`, consumed: [oldKey, newKey] };
}
