/**
 * The file edits the real Continue CLI (`cn` 1.5.47, `-p --auto`, which declares its Write and MultiEdit) runs for
 * the agent, one scenario a function, each run through a route: the upstream generation and the provider Continue
 * speaks to the proxy through. Generation B's agent calls its own Read, Write, Edit and MultiEdit in Claude Code's
 * keys, which reach Continue as its Read and Write (`filepath`) and MultiEdit (an Edit as a list of one edit);
 * Generation A's is shown Continue's tools and calls them as declared. Each scenario checks the file on disk, what
 * Continue ran (the calls its saved session records, with their status and output), and the call and result pairs
 * the next upstream turn carries, where Generation B's agent must read a failed edit as an error, as its own Edit's
 * would be.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { AgentRequestInfo } from '../sim/orchids-simulator';
import { sentToolPair, type ProtocolMode } from './upstream';
import { replayedToolUses, sentErrorIds, sentToolResults, served, startCliStack, turnsAbout } from './cli-clients';
import { tempDir } from './temp-dir';
import { runContinue, type ContinueApi, type ContinueRun } from './continue';
import { scriptCalls, seenCallId, type AgentCall } from './edit-scenarios';
import { escapeRegExp } from './regexp';

export interface ContinueEditRoute {
  mode: ProtocolMode;
  api: ContinueApi;
}

/** What each test gives a real Continue run (one takes 2–4 s here). */
export const CONTINUE_EDIT_TIMEOUT = { timeout: 120_000 };

const KEY = 'test-continue-edits-key';

/** One call Continue runs, in its keys, under the id the agent gave it, and how it ended, in Continue's words. */
interface Ran {
  id: string;
  name: 'Read' | 'Write' | 'MultiEdit';
  input: Record<string, unknown>;
  /** Continue's status for the call: `done`, or `errored` for a call it refused. */
  status: 'done' | 'errored';
  /** Continue's output: all of it for a failure, its first words for a success (an edit's goes on with a diff). */
  words: string;
}

const genA = (route: ContinueEditRoute) => route.mode.expect === 'sse-a';

/** The id Continue and the upstream see: Continue's `openai` provider gets OpenAI's `call_` prefix. */
const openai = (route: ContinueEditRoute) => route.api === 'openai';
const seenId = (route: ContinueEditRoute, id: string) => seenCallId(id, openai(route));

/**
 * The call the agent makes for one Continue runs: Generation A calls Continue's tool as declared; Generation B its own
 * Read or Write (`file_path`), its Edit for a MultiEdit of one edit, its MultiEdit for more.
 */
function agentCall(route: ContinueEditRoute, { id, name, input }: Ran): AgentCall {
  if (genA(route)) return { id, name, input };
  if (name === 'Read') return { id, name, input: { file_path: input['filepath'] } };
  if (name === 'Write') return { id, name, input: { file_path: input['filepath'], content: input['content'] } };
  const edits = input['edits'] as Array<Record<string, unknown>>;
  if (edits.length > 1) return { id, name, input };
  return { id, name: 'Edit', input: { file_path: input['file_path'], ...edits[0] } };
}

interface Outcome {
  run: ContinueRun;
  /** The conversation's last upstream turn (the answer's): it carries every call and result. */
  last: AgentRequestInfo;
}

/** The calls Continue's saved session records (its `~/.continue/sessions/<id>.json`), in order. */
function sessionRuns(home: string): Array<Record<string, unknown>> {
  const folder = path.join(home, '.continue', 'sessions');
  const [session] = fs.readdirSync(folder).filter((name) => name !== 'sessions.json');
  const saved = JSON.parse(fs.readFileSync(path.join(folder, session!), 'utf8')) as {
    history: Array<{ toolCallStates?: Array<Record<string, unknown>> }>;
  };
  return saved.history.flatMap((item) => item.toolCallStates ?? []);
}

const startsWith = (words: string) => expect.stringMatching(new RegExp(`^${escapeRegExp(words)}`));

/**
 * Runs Continue on the agent making `ran`'s calls about `topic` through `route` in `work`, then checks what every
 * scenario shares: cn exits 0 with the agent's answer, after one upstream turn a call and one for the answer, all on
 * the route's protocol and API; Continue ran each call as `ran` says; and the last turn carries each call as Continue
 * ran it with its result, a failure flagged an error for Generation B's agent alone (Generation A's model, which
 * called Continue's tool itself, reads Continue's words as Continue sent them, unflagged).
 */
async function runScenario(route: ContinueEditRoute, work: string, topic: string, ran: Ran[]): Promise<Outcome> {
  const stack = await startCliStack(route.mode, KEY);
  try {
    const done = `Done with ${topic}.`;
    const calls = ran.map((call) => agentCall(route, call));
    scriptCalls(stack, topic, calls, done, openai(route));
    const home = tempDir('orchids-continue-home-');
    const options = { api: route.api, args: ['--auto'], home, timeoutMs: 100_000 };
    const run = await runContinue(work, `${topic} in this folder`, stack.url, KEY, options);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe(done);
    const turns = turnsAbout(stack, new RegExp(topic));
    expect(turns.map((turn) => turn.protocol)).toEqual(Array<string>(ran.length + 1).fill(route.mode.expect));
    const api = route.api === 'anthropic' ? 'anthropic' : 'openai-chat';
    expect((await served(stack)).map((row) => [row.api, row.status])).toEqual(Array(ran.length + 1).fill([api, 200]));
    const id = (call: Ran) => seenId(route, call.id);
    expect(
      sessionRuns(home).map((state) => ({
        id: state['toolCallId'],
        name: (state['toolCall'] as { function: { name: string } }).function.name,
        input: state['parsedArgs'],
        status: state['status'],
        output: (state['output'] as Array<{ content: string }>)[0]?.content,
      })),
    ).toEqual(
      ran.map((call) => ({
        id: id(call),
        name: call.name,
        input: call.input,
        status: call.status,
        output: call.status === 'errored' ? call.words : startsWith(call.words),
      })),
    );
    const last = turns.at(-1)!;
    if (genA(route)) {
      for (const call of ran) expect(sentToolPair(last, id(call), call.name, call.words), call.id).toBe(true);
      expect(sentErrorIds(last)).toEqual([]);
    } else {
      expect(replayedToolUses(last).map(({ id, name, input }) => ({ id, name, input }))).toEqual(
        ran.map((call) => ({ id: id(call), name: call.name, input: call.input })),
      );
      expect(sentToolResults(last)).toEqual(
        ran.map((call) => ({
          type: 'tool_result',
          tool_use_id: id(call),
          ...(call.status === 'errored'
            ? { content: call.words, is_error: true }
            : { content: startsWith(call.words) }),
        })),
      );
    }
    return { run, last };
  } finally {
    await stack.stop();
  }
}

/** A work folder holding `name` (with `content` when given), and the file's path. */
function workWith(name: string, content?: string): { work: string; file: string } {
  const work = tempDir('orchids-continue-work-');
  const file = path.join(work, name);
  if (content !== undefined) fs.writeFileSync(file, content);
  return { work, file };
}

const read = (id: string, file: string, text: string): Ran => ({
  id,
  name: 'Read',
  input: { filepath: file },
  status: 'done',
  words: `Content of ${file}:\n${text}`,
});

const edit = (id: string, file: string, edits: Array<Record<string, unknown>>, status: Ran['status'], words: string) =>
  ({ id, name: 'MultiEdit', input: { file_path: file, edits }, status, words }) as Ran;

const edited = (file: string, count: number) => `Successfully edited ${file} with ${count} edit${count > 1 ? 's' : ''}`;

/**
 * Continue edits only a file read in the same session, and a file it wrote itself does not count: the edit after the
 * Write is refused, and the same edit after a Read is made.
 */
export async function createsThenEdits(route: ContinueEditRoute): Promise<void> {
  const { work, file } = workWith('fig.txt');
  const change = [{ old_string: 'fig = 3', new_string: 'fig = 4' }];
  await runScenario(route, work, 'Create FIG-3', [
    {
      id: 'toolu_sim_write_0021',
      name: 'Write',
      input: { filepath: file, content: 'fig = 3\n' },
      status: 'done',
      words: `Successfully created file: ${file}`,
    },
    edit(
      'toolu_sim_edit_0021',
      file,
      change,
      'errored',
      `You must use the Read tool to read ${file} before editing it.`,
    ),
    read('toolu_sim_read_0021', file, 'fig = 3\n'),
    edit('toolu_sim_edit_0022', file, change, 'done', edited(file, 1)),
  ]);
  expect(fs.readFileSync(file, 'utf8')).toBe('fig = 4\n');
}

/** An edit whose old text is not in the file changes nothing, and the agent is told so. */
export async function failsAnEdit(route: ContinueEditRoute): Promise<void> {
  const { work, file } = workWith('date.txt', 'date = 1\n');
  await runScenario(route, work, 'Change DATE-7', [
    read('toolu_sim_read_0022', file, 'date = 1\n'),
    edit(
      'toolu_sim_edit_0023',
      file,
      [{ old_string: 'date = 9', new_string: 'date = 2' }],
      'errored',
      'Edit at index 0: string not found in file: "date = 9"',
    ),
  ]);
  expect(fs.readFileSync(file, 'utf8')).toBe('date = 1\n');
}

/**
 * An edit of text found twice is refused unless it replaces all; the agent's `replace_all` reaches Continue's
 * MultiEdit inside its one edit, and replaces both.
 */
export async function replacesAll(route: ContinueEditRoute): Promise<void> {
  const { work, file } = workWith('plum.txt', 'plum = 1\nplum = 1\n');
  const change = { old_string: 'plum = 1', new_string: 'sloe = 1' };
  const twice =
    'Edit at index 0: String "plum = 1" appears 2 times in the file. Either provide a more specific string with ' +
    'surrounding context to make it unique, or use replace_all=true to replace all occurrences.';
  await runScenario(route, work, 'Rename PLUM-6', [
    read('toolu_sim_read_0023', file, 'plum = 1\nplum = 1\n'),
    edit('toolu_sim_edit_0024', file, [change], 'errored', twice),
    edit('toolu_sim_edit_0025', file, [{ ...change, replace_all: true }], 'done', edited(file, 1)),
  ]);
  expect(fs.readFileSync(file, 'utf8')).toBe('sloe = 1\nsloe = 1\n');
}

/** The agent's MultiEdit reaches Continue's as it is, and Continue makes its edits in order. */
export async function multiEdits(route: ContinueEditRoute): Promise<void> {
  const { work, file } = workWith('pear.txt', 'pear = 2\nlime = 3\n');
  const edits = [
    { old_string: 'pear = 2', new_string: 'quince = 2' },
    { old_string: 'lime = 3', new_string: 'yuzu = 3' },
  ];
  await runScenario(route, work, 'Rename PEAR-8', [
    read('toolu_sim_read_0024', file, 'pear = 2\nlime = 3\n'),
    edit('toolu_sim_multi_0021', file, edits, 'done', edited(file, 2)),
  ]);
  expect(fs.readFileSync(file, 'utf8')).toBe('quince = 2\nyuzu = 3\n');
}
