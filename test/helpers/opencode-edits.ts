/**
 * The file edits the real opencode CLI runs for the agent, one scenario a function, each run through a route: the
 * upstream generation and the provider opencode speaks to the proxy through. Generation B's agent calls its own
 * Write, Edit and MultiEdit in Claude Code's keys, which the proxy gives opencode as its `write` and `edit`;
 * Generation A's is shown opencode's tools and calls `write` and `edit` in opencode's keys itself. Each scenario
 * checks the file on disk, what opencode ran, and the call and result pairs the next upstream turn carries, where a
 * failed edit must reach the agent as an error.
 */
import fs from 'node:fs';
import { expect } from 'vitest';
import type { AgentRequestInfo } from '../sim/orchids-simulator';
import { sentToolPair, type ProtocolMode } from './upstream';
import type { Stack } from './stack';
import { sentErrorIds, sentToolResults, served, turnsAbout } from './cli-clients';
import { runOpencode, type OpencodeApi, type OpencodeRun } from './opencode';
import { scriptCalls, seenCallId, withEditFile, type AgentCall } from './edit-scenarios';

export interface EditRoute {
  mode: ProtocolMode;
  api: OpencodeApi;
}

/** What each test gives a real opencode run. */
export const EDIT_TIMEOUT = { timeout: 90_000 };

const KEY = 'test-opencode-edits-key';

/** opencode's words for each outcome. */
const WROTE = 'Wrote file successfully.';
const EDITED = 'Edit applied successfully.';
const NOT_FOUND = 'Could not find oldString in the file.';

/** One call opencode runs, in opencode's keys, under the id the agent gave it (the upstream's `toolu_…`). */
interface Ran {
  id: string;
  tool: 'write' | 'edit';
  input: Record<string, unknown>;
}

/** A call the agent makes: one opencode runs as it is, or Generation B's MultiEdit, which opencode runs as edits. */
type Step = Ran | { multi: Ran[] };

const isMulti = (step: Step): step is { multi: Ran[] } => 'multi' in step;

/** Claude Code's keys for one of opencode's edits. */
const claudeEdit = ({ filePath, oldString, newString, replaceAll }: Record<string, unknown>) => ({
  file_path: filePath,
  old_string: oldString,
  new_string: newString,
  ...(replaceAll === undefined ? {} : { replace_all: replaceAll }),
});

/**
 * The calls the agent makes for `steps`: Generation A's calls opencode's tools as declared (a MultiEdit as its
 * edits, one call each); Generation B's its own, in Claude Code's keys.
 */
function agentCalls(genA: boolean, steps: Step[]): AgentCall[] {
  if (genA) {
    return steps
      .flatMap((step) => (isMulti(step) ? step.multi : [step]))
      .map(({ id, tool, input }) => ({ id, name: tool, input }));
  }
  return steps.map((step): AgentCall => {
    if (isMulti(step)) {
      const [first] = step.multi as [Ran];
      const edits = step.multi.map(({ input: { oldString, newString } }) => ({
        old_string: oldString,
        new_string: newString,
      }));
      return { id: first.id, name: 'MultiEdit', input: { file_path: first.input.filePath, edits } };
    }
    if (step.tool === 'write') {
      return { id: step.id, name: 'Write', input: { file_path: step.input.filePath, content: step.input.content } };
    }
    return { id: step.id, name: 'Edit', input: claudeEdit(step.input) };
  });
}

/** The id opencode and the upstream see: the OpenAI routes give a call OpenAI's `call_` prefix. */
const openai = (route: EditRoute) => route.api === 'openai-chat';
const seenId = (route: EditRoute, id: string) => seenCallId(id, openai(route));

/** The keys of opencode's `write` and `edit` as opencode declares them: what Generation A is shown. */
const OPENCODE_EDIT_TOOLS = {
  write: expect.arrayContaining(['filePath', 'content']),
  edit: expect.arrayContaining(['filePath', 'oldString', 'newString', 'replaceAll']),
};

/** The keys of each file-writing tool the upstream turn offers (Generation B's agent is offered none of opencode's). */
function offered(turn: AgentRequestInfo): Record<string, string[]> {
  const tools = (turn.body.tools ?? []) as Array<{ name: string; input_schema: { properties?: object } }>;
  return Object.fromEntries(
    tools
      .filter((tool) => ['write', 'edit', 'Write', 'Edit', 'MultiEdit', 'multiedit'].includes(tool.name))
      .map((tool) => [tool.name, Object.keys(tool.input_schema.properties ?? {})]),
  );
}

interface Scenario {
  topic: string;
  prompt: string;
  steps: Step[];
  done: string;
}

interface Outcome {
  run: OpencodeRun;
  /** The conversation's last upstream turn (one a call, then the answer): it carries every call and result. */
  last: AgentRequestInfo;
  /** The id opencode and the upstream see for the agent's. */
  id: (id: string) => string;
}

/**
 * Runs opencode on `scenario` through `route` in `work` and checks what every scenario shares: opencode exits 0 with
 * the agent's answer, after one upstream turn a call the agent made and one for the answer.
 */
async function runScenario(stack: Stack, route: EditRoute, work: string, scenario: Scenario): Promise<Outcome> {
  const genA = route.mode.expect === 'sse-a';
  const calls = agentCalls(genA, scenario.steps);
  scriptCalls(stack, scenario.topic, calls, scenario.done, openai(route));
  const run = await runOpencode(work, scenario.prompt, stack.url, KEY, { api: route.api });
  expect(run.code, run.stderr + run.stdout).toBe(0);
  expect(run.finalText).toBe(scenario.done);
  const turns = turnsAbout(stack, new RegExp(scenario.topic));
  expect(turns.map((turn) => turn.protocol)).toEqual(Array<string>(calls.length + 1).fill(route.mode.expect));
  for (const turn of turns) expect(offered(turn)).toEqual(genA ? OPENCODE_EDIT_TOOLS : {});
  return { run, last: turns.at(-1)!, id: (id) => seenId(route, id) };
}

/**
 * What opencode ran: each tool's name, call id, status and input. Generation B's MultiEdit runs as its edits, the
 * first under the MultiEdit's id, each after it told apart by its place (`…-2`).
 */
function expectRan(outcome: Outcome, steps: Step[], route: EditRoute): void {
  const genA = route.mode.expect === 'sse-a';
  const expected = steps.flatMap((step) =>
    isMulti(step)
      ? step.multi.map((ran, i) => ({ ...ran, id: i === 0 || genA ? ran.id : `${step.multi[0]!.id}-${i + 1}` }))
      : [step],
  );
  expect(
    outcome.run.tools.map(({ tool, callID, state }) => ({ tool, callID, status: state.status, input: state.input })),
  ).toEqual(expected.map(({ id, tool, input }) => ({ tool, callID: outcome.id(id), status: 'completed', input })));
}

/** The upstream was sent each of `ids` as opencode's tool `name` with a result holding `output`, none an error. */
function expectSentAll(outcome: Outcome, ids: string[], name: string, output: string): void {
  for (const id of ids) expect(sentToolPair(outcome.last, outcome.id(id), name, output), id).toBe(true);
  expect(sentErrorIds(outcome.last)).toEqual([]);
}

export function writesThenEdits(route: EditRoute): Promise<void> {
  return withEditFile(route.mode, KEY, 'fig.txt', undefined, async (stack, work, file) => {
    const steps: Step[] = [
      { id: 'toolu_sim_write_0001', tool: 'write', input: { filePath: file, content: 'fig = 3\n' } },
      {
        id: 'toolu_sim_edit_0001',
        tool: 'edit',
        input: { filePath: file, oldString: 'fig = 3', newString: 'fig = 4' },
      },
    ];
    const outcome = await runScenario(stack, route, work, {
      topic: 'Create FIG-3',
      prompt: 'Create FIG-3 in fig.txt, then make it 4',
      steps,
      done: 'Created fig.txt and set fig to 4.',
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('fig = 4\n');
    expectRan(outcome, steps, route);
    expectSentAll(outcome, ['toolu_sim_write_0001'], 'write', WROTE);
    expectSentAll(outcome, ['toolu_sim_edit_0001'], 'edit', EDITED);
    expect((await served(stack)).map((row) => [row.api, row.status])).toEqual(Array(3).fill([route.api, 200]));
  });
}

// opencode 1.18 edits a file the session never read (it asks for no read first, unlike Claude Code): the agent
// reads nothing here.
export function replacesAllAndMultiEdits(route: EditRoute): Promise<void> {
  return withEditFile(
    route.mode,
    KEY,
    'plum.txt',
    'plum = 1\nplum = 1\npear = 2\nlime = 3\n',
    async (stack, work, file) => {
      const edit = (id: string, input: Record<string, unknown>): Ran => ({
        id,
        tool: 'edit',
        input: { filePath: file, ...input },
      });
      const steps: Step[] = [
        edit('toolu_sim_edit_0002', { oldString: 'plum = 1', newString: 'sloe = 1', replaceAll: true }),
        {
          multi: [
            edit('toolu_sim_multi_0001', { oldString: 'pear = 2', newString: 'quince = 2' }),
            edit('toolu_sim_multi_0002', { oldString: 'lime = 3', newString: 'yuzu = 3' }),
          ],
        },
      ];
      const outcome = await runScenario(stack, route, work, {
        topic: 'Rename PLUM-6',
        prompt: 'Rename PLUM-6 fruits in plum.txt',
        steps,
        done: 'Renamed every fruit in plum.txt.',
      });
      expect(fs.readFileSync(file, 'utf8')).toBe('sloe = 1\nsloe = 1\nquince = 2\nyuzu = 3\n');
      expectRan(outcome, steps, route);
      const ids = outcome.run.tools.map((tool) => tool.callID);
      expect(ids).toHaveLength(3);
      expectSentAll(outcome, ids, 'edit', EDITED);
    },
  );
}

export function failsAnEdit(route: EditRoute): Promise<void> {
  return withEditFile(route.mode, KEY, 'date.txt', 'date = 1\n', async (stack, work, file) => {
    const missing: Ran = {
      id: 'toolu_sim_edit_0003',
      tool: 'edit',
      input: { filePath: file, oldString: 'date = 9', newString: 'date = 2' },
    };
    const outcome = await runScenario(stack, route, work, {
      topic: 'Change DATE-7',
      prompt: 'Change DATE-7 in date.txt',
      steps: [missing],
      done: 'date.txt has no date = 9 to change.',
    });
    const id = outcome.id(missing.id);
    expect(fs.readFileSync(file, 'utf8')).toBe('date = 1\n');
    expect(outcome.run.tools).toEqual([
      expect.objectContaining({
        tool: 'edit',
        callID: id,
        state: expect.objectContaining({ status: 'error', error: expect.stringContaining(NOT_FOUND) }),
      }),
    ]);
    expect(sentToolPair(outcome.last, id, 'edit', NOT_FOUND)).toBe(true);
    // Chat Completions' tool message has no error flag: the proxy knows the refusal by opencode's words.
    expect(sentErrorIds(outcome.last)).toEqual([id]);
    if (outcome.last.protocol !== 'sse-a') {
      expect(sentToolResults(outcome.last)).toEqual([
        { type: 'tool_result', tool_use_id: id, content: expect.stringContaining(NOT_FOUND), is_error: true },
      ]);
    }
  });
}

/** opencode's words for an old text found more than once. */
const MANY = 'Found multiple matches for oldString.';

/**
 * An Edit whose old text is there twice, then a MultiEdit whose second edit's old text is not there. Generation B's
 * MultiEdit reaches opencode as two edits, which opencode runs in turn and does not undo: the agent is told the first
 * was applied and the second refused, each by its own result, the refusals as errors on every route.
 */
export function refusesEditsInItsWords(route: EditRoute): Promise<void> {
  return withEditFile(route.mode, KEY, 'kiwi.txt', 'kiwi = 1\nkiwi = 1\nlime = 3\n', async (stack, work, file) => {
    const edit = (id: string, oldString: string, newString: string): Ran => ({
      id,
      tool: 'edit',
      input: { filePath: file, oldString, newString },
    });
    const twice = edit('toolu_sim_edit_0004', 'kiwi = 1', 'kiwi = 2');
    const applied = edit('toolu_sim_multi_0003', 'lime = 3', 'yuzu = 3');
    const missing = edit('toolu_sim_multi_0004', 'pear = 9', 'pear = 2');
    const outcome = await runScenario(stack, route, work, {
      topic: 'Change KIWI-8',
      prompt: 'Change KIWI-8 in kiwi.txt',
      steps: [twice, { multi: [applied, missing] }],
      done: 'kiwi.txt keeps its kiwis; lime is yuzu; there was no pear.',
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('kiwi = 1\nkiwi = 1\nyuzu = 3\n');
    const ids = outcome.run.tools.map((tool) => tool.callID);
    const genA = route.mode.expect === 'sse-a';
    expect(ids).toEqual([twice, applied, genA ? missing : { id: `${applied.id}-2` }].map(({ id }) => outcome.id(id)));
    expect(outcome.run.tools.map(({ tool, state }) => [tool, state.status, state.input])).toEqual(
      [twice, applied, missing].map(({ input }, i) => ['edit', i === 1 ? 'completed' : 'error', input]),
    );
    expect(sentToolPair(outcome.last, ids[0]!, 'edit', MANY)).toBe(true);
    expect(sentToolPair(outcome.last, ids[1]!, 'edit', EDITED)).toBe(true);
    expect(sentToolPair(outcome.last, ids[2]!, 'edit', NOT_FOUND)).toBe(true);
    // Generation A's prompt need not hold the turns in order.
    expect(sentErrorIds(outcome.last).sort()).toEqual([ids[0], ids[2]].sort());
    if (genA) return;
    // Generation B's agent made one MultiEdit, which opencode ran as two edits: the failed one says what was made.
    const split = sentToolResults(outcome.last).find((result) => result.tool_use_id === ids[2]);
    expect(split?.content).toBe(
      'Could not find oldString in the file. It must match exactly, including whitespace, indentation, and line ' +
        'endings.\n\nThis was edit 2 of the 2 of a MultiEdit, which this client makes as one edit call an edit, in ' +
        'order, a failing one undoing none of the others: edit 1 was made, the others not.',
    );
  });
}
