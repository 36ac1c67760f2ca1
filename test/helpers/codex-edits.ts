/**
 * The file edits the real Codex CLI runs for the agent, one scenario a function, each run through an upstream
 * generation. Generation B's agent calls its own Write, Edit and MultiEdit in Claude Code's keys, which the proxy
 * gives Codex as the patch its freeform `apply_patch` takes (main/core/orchids/patch-compose.ts); Generation A's
 * model is shown `apply_patch` and writes the same patch itself. Each scenario checks the file on disk, the file
 * changes Codex reports (`codex exec --json`'s `file_change` items: it reports none for a patch it refuses), and the
 * call and result pairs the next upstream turn carries, where Generation B's agent must read a failed edit as an
 * error, as its own Edit's would be.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { AgentRequestInfo } from '../sim/orchids-simulator';
import { upstreamText, type ProtocolMode } from './upstream';
import type { Stack } from './stack';
import { replayedToolUses, sentToolResults, served, turnsAbout } from './cli-clients';
import { runCodex, type CodexOptions, type CodexRun } from './codex';
import { scriptCalls, seenCallId, withEditFile, type AgentCall } from './edit-scenarios';
import { tempDir } from './temp-dir';
import { NO_PATCH_FORM } from '../../main/core/orchids/patch-compose';
import { NO_PATCH_NOT_RUN } from '../../main/core/anthropic/unmapped-call-text';
import { WHOLE_LINES } from '../../main/core/orchids/gen-b/patch-results';
import { escapeRegExp } from './regexp';

/** What each test gives a real Codex run (one takes a second or two here). */
export const CODEX_EDIT_TIMEOUT = { timeout: 90_000 };

const KEY = 'test-codex-edits-key';

/** One apply_patch call Codex is given, under the id the agent gave it, and the patch it carries. */
interface Ran {
  id: string;
  patch: string;
}

/** What Codex answers one apply_patch call with (a pattern of it), and whether the agent is to read it as an error. */
interface Result {
  id: string;
  pattern: string;
  isError: boolean;
}

const genA = (mode: ProtocolMode) => mode.expect === 'sse-a';

/** The id Codex and the upstream see: the Responses API's `call_` prefix for the upstream's `toolu_`. */
const seenId = (id: string) => seenCallId(id, true);

const patch = (body: string) => `*** Begin Patch\n${body}*** End Patch\n`;
const added = (file: string, text: string) => patch(`*** Add File: ${file}\n+${text}\n`);
const updated = (file: string, ...hunks: Array<[string, string]>) =>
  patch(`*** Update File: ${file}\n${hunks.map(([from, to]) => `@@\n-${from}\n+${to}\n`).join('')}`);

/** Generation A's model calling apply_patch with the patch itself. */
const patchCall = ({ id, patch: sent }: Ran): AgentCall => ({ id, name: 'apply_patch', input: { input: sent } });

/**
 * The agent's Write of `text` to `file` and Edit of `from` to `to` in it: the patch Codex is given for each, and the
 * call that makes it (the agent's own tool on Generation B; on Generation A the model writes the patch itself).
 */
interface Step {
  ran: Ran;
  call: AgentCall;
}
function writeStep(mode: ProtocolMode, id: string, file: string, text: string): Step {
  const ran = { id, patch: added(file, text) };
  return {
    ran,
    call: genA(mode) ? patchCall(ran) : { id, name: 'Write', input: { file_path: file, content: `${text}\n` } },
  };
}
function editStep(mode: ProtocolMode, id: string, file: string, from: string, to: string): Step {
  const ran = { id, patch: updated(file, [from, to]) };
  const input = { file_path: file, old_string: from, new_string: to };
  return { ran, call: genA(mode) ? patchCall(ran) : { id, name: 'Edit', input } };
}

/**
 * Codex's words for each outcome, as patterns: a patch it ran comes in the wrapper of a command's run, which
 * Generation B's agent is given its output alone of (its own Edit's result has no exit code or time), a patch
 * refused as Codex's words alone.
 */
const runOutput = (mode: ProtocolMode, code: number, output: string) =>
  genA(mode)
    ? `Exit code: ${code}\nWall time: \\d+(\\.\\d+)? seconds\nOutput:\n${escapeRegExp(`${output}\n`)}`
    : escapeRegExp(output);
const changed = (mode: ProtocolMode, kind: 'A' | 'M', file: string) =>
  runOutput(mode, 0, `Success. Updated the following files:\n${kind} ${file}`);
/** Generation B's agent, whose own Edit finds any text, is told after Codex's words how a patch finds lines. */
const notFound = (mode: ProtocolMode, file: string, lines: string) =>
  escapeRegExp(
    `apply_patch verification failed: Failed to find expected lines in ${file}:\n${lines}` +
      (genA(mode) ? '' : `\n\n${WHOLE_LINES}`),
  );
/** Codex's sandbox refusing, without asking, a patch of a file outside the workspace (`CodexOptions.workspaceOnly`). */
const OUTSIDE = escapeRegExp('patch rejected: writing outside of the project; rejected by user approval settings');

interface Scenario {
  topic: string;
  prompt: string;
  calls: AgentCall[];
  done: string;
  codex?: CodexOptions;
  /** Codex's requests: one a call and one for the answer, but for calls the proxy answers within a request. */
  requests?: number;
}

/**
 * Runs Codex on `scenario` in `work` and checks what every scenario shares: Codex exits 0 with the agent's answer,
 * after one upstream turn a call the agent made and one for the answer, all on the mode's protocol and served on
 * the Responses API. Returns the run and the last upstream turn, which carries every call and result.
 */
async function runScenario(
  stack: Stack,
  mode: ProtocolMode,
  work: string,
  scenario: Scenario,
): Promise<{ run: CodexRun; last: AgentRequestInfo }> {
  scriptCalls(stack, scenario.topic, scenario.calls, scenario.done, true);
  const run = await runCodex(work, scenario.prompt, stack.url, KEY, { ...scenario.codex, timeoutMs: 80_000 });
  expect(run.code, run.stderr + run.stdout).toBe(0);
  expect(run.finalMessage).toBe(scenario.done);
  const count = scenario.calls.length + 1;
  const turns = turnsAbout(stack, new RegExp(scenario.topic));
  expect(turns.map((turn) => turn.protocol)).toEqual(Array<string>(count).fill(mode.expect));
  expect((await served(stack)).map((row) => [row.api, row.status])).toEqual(
    Array(scenario.requests ?? count).fill(['openai-responses', 200]),
  );
  return { run, last: turns.at(-1)! };
}

/** The file changes Codex reports having made (or tried: `status`), in order: `[kind, path]` of each. */
function fileChanges(run: CodexRun, status = 'completed'): Array<Array<[string, string]>> {
  return run.items
    .filter((item) => item.type === 'file_change')
    .map((item) => {
      expect(item['status']).toBe(status);
      return (item['changes'] as Array<{ kind: string; path: string }>).map(({ kind, path: file }) => [kind, file]);
    });
}

/**
 * The upstream was sent each of Codex's apply_patch calls, under Codex's name with the patch it ran, and Codex's
 * words as its result, flagged an error where `isError` (Generation A's prompt renders the flag as an attribute).
 */
function expectSent(mode: ProtocolMode, last: AgentRequestInfo, ran: Ran[], results: Result[]): void {
  if (genA(mode)) {
    const text = upstreamText(last);
    for (const { id, patch: sent } of ran) {
      expect(text).toContain(`<tool_use id="${seenId(id)}" name="apply_patch">${JSON.stringify({ input: sent })}`);
    }
    for (const { id, pattern, isError } of results) {
      const flag = isError ? ' is_error="true"' : '';
      expect(text).toMatch(new RegExp(`<tool_result tool_use_id="${seenId(id)}"${flag}>${pattern}</tool_result>`));
    }
    return;
  }
  expect(replayedToolUses(last).map(({ id, name, input }) => ({ id, name, input }))).toEqual(
    ran.map(({ id, patch: sent }) => ({ id: seenId(id), name: 'apply_patch', input: { input: sent } })),
  );
  expect(sentToolResults(last)).toEqual(
    results.map(({ id, pattern, isError }) => ({
      type: 'tool_result',
      tool_use_id: seenId(id),
      content: expect.stringMatching(new RegExp(`^${pattern}$`)),
      ...(isError ? { is_error: true } : {}),
    })),
  );
}

export function createsThenEdits(mode: ProtocolMode): Promise<void> {
  return withEditFile(mode, KEY, 'fig.txt', undefined, async (stack, work, file) => {
    const steps = [
      writeStep(mode, 'toolu_sim_write_0021', file, 'fig = 3'),
      editStep(mode, 'toolu_sim_edit_0021', file, 'fig = 3', 'fig = 4'),
    ];
    const ran = steps.map((step) => step.ran);
    const calls = steps.map((step) => step.call);
    const { run, last } = await runScenario(stack, mode, work, {
      topic: 'Create FIG-3',
      prompt: 'Create FIG-3 in fig.txt, then make it 4',
      calls,
      done: 'Created fig.txt and set fig to 4.',
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('fig = 4\n');
    expect(fileChanges(run)).toEqual([[['add', file]], [['update', file]]]);
    expectSent(mode, last, ran, [
      { id: ran[0]!.id, pattern: changed(mode, 'A', file), isError: false },
      { id: ran[1]!.id, pattern: changed(mode, 'M', file), isError: false },
    ]);
  });
}

/**
 * An edit whose old text is not in the file: Codex changes nothing and answers in words with no error flag (a
 * Responses API `function_call_output` has none). Generation B's agent, whose own Edit fails with an error, is told
 * so as an error; Generation A's model, which wrote the patch itself, reads Codex's words as Codex sent them.
 */
export function failsAnEdit(mode: ProtocolMode): Promise<void> {
  return withEditFile(mode, KEY, 'date.txt', 'date = 1\n', async (stack, work, file) => {
    const { ran, call } = editStep(mode, 'toolu_sim_edit_0022', file, 'date = 9', 'date = 2');
    const { run, last } = await runScenario(stack, mode, work, {
      topic: 'Change DATE-7',
      prompt: 'Change DATE-7 in date.txt',
      calls: [call],
      done: 'date.txt has no date = 9 to change.',
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('date = 1\n');
    expect(fileChanges(run)).toEqual([]);
    expectSent(mode, last, [ran], [{ id: ran.id, pattern: notFound(mode, file, 'date = 9'), isError: !genA(mode) }]);
  });
}

/**
 * Generation B's Edit with `replace_all` has no patch form (patch-compose.ts): the proxy answers it for the agent,
 * as an error saying how to make the edit instead, and the agent goes on in the same request with an Edit a patch
 * says. Codex is sent no call for the first (it used to get an empty patch, refused as "invalid patch"), only the
 * proxy's note, which its next request replays and the proxy reads back as the agent's Edit and that error.
 */
export function replacesAllDeclined(mode: ProtocolMode): Promise<void> {
  return withEditFile(mode, KEY, 'plum.txt', 'plum = 1\nplum = 2\n', async (stack, work, file) => {
    const all = { file_path: file, old_string: 'plum', new_string: 'sloe', replace_all: true };
    const both = { file_path: file, old_string: 'plum = 1\nplum = 2', new_string: 'sloe = 1\nsloe = 2' };
    // One hunk of both lines: the Edit the agent makes instead, as its error told it.
    const ran: Ran = {
      id: 'toolu_sim_edit_0026',
      patch: patch(`*** Update File: ${file}\n@@\n-plum = 1\n-plum = 2\n+sloe = 1\n+sloe = 2\n`),
    };
    const { run, last } = await runScenario(stack, mode, work, {
      topic: 'Rename PLUM-6',
      prompt: 'Rename PLUM-6 plums in plum.txt',
      calls: [
        { id: 'toolu_sim_edit_0023', name: 'Edit', input: all, answeredBy: NO_PATCH_FORM },
        { id: ran.id, name: 'Edit', input: both },
      ],
      done: 'Renamed both plums in plum.txt.',
      requests: 2,
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('sloe = 1\nsloe = 2\n');
    expect(fileChanges(run)).toEqual([[['update', file]]]);
    // Codex was shown the proxy's note in the first request's message, before the patch it ran.
    const shown = run.items.filter((item) => item.type === 'agent_message').map((item) => String(item['text']));
    expect(shown[0]).toContain(`[The agent called the tool "Edit", ${NO_PATCH_NOT_RUN}. Input: `);
    const uses = replayedToolUses(last);
    expect(uses.map(({ name, input }) => ({ name, input }))).toEqual([
      { name: 'Edit', input: all },
      { name: 'apply_patch', input: { input: ran.patch } },
    ]);
    expect(sentToolResults(last)).toEqual([
      { type: 'tool_result', tool_use_id: uses[0]!.id, content: NO_PATCH_FORM, is_error: true },
      {
        type: 'tool_result',
        tool_use_id: seenId(ran.id),
        content: expect.stringMatching(`^${changed(mode, 'M', file)}$`),
      },
    ]);
  });
}

/** Generation B's MultiEdit reaches Codex as one patch of a hunk an edit, which Codex applies in order. */
export function multiEdits(mode: ProtocolMode): Promise<void> {
  return withEditFile(mode, KEY, 'pear.txt', 'pear = 2\nlime = 3\n', async (stack, work, file) => {
    const ran: Ran = {
      id: 'toolu_sim_multi_0021',
      patch: updated(file, ['pear = 2', 'quince = 2'], ['lime = 3', 'yuzu = 3']),
    };
    const edits = [
      { old_string: 'pear = 2', new_string: 'quince = 2' },
      { old_string: 'lime = 3', new_string: 'yuzu = 3' },
    ];
    const { run, last } = await runScenario(stack, mode, work, {
      topic: 'Rename PEAR-8',
      prompt: 'Rename PEAR-8 fruits in pear.txt',
      calls: [{ id: ran.id, name: 'MultiEdit', input: { file_path: file, edits } }],
      done: 'Renamed both fruits in pear.txt.',
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('quince = 2\nyuzu = 3\n');
    expect(fileChanges(run)).toEqual([[['update', file]]]);
    expectSent(mode, last, [ran], [{ id: ran.id, pattern: changed(mode, 'M', file), isError: false }]);
  });
}

/**
 * A Write and an Edit outside the workspace, in Codex's `workspace-write` sandbox with approvals off (`codex exec`'s
 * default): Codex refuses each patch without running it or asking, in words with no error flag, which Generation B's
 * agent is told as an error. Without a sandbox, as the other scenarios run Codex, it applies them.
 */
export function refusedOutside(mode: ProtocolMode): Promise<void> {
  return withEditFile(mode, KEY, 'kiwi.txt', undefined, async (stack, work) => {
    const outside = tempDir('orchids-edit-outside-');
    const made = path.join(outside, 'new.txt');
    const kept = path.join(outside, 'kiwi.txt');
    fs.writeFileSync(kept, 'kiwi = 1\n');
    const steps = [
      writeStep(mode, 'toolu_sim_write_0024', made, 'kiwi = 2'),
      editStep(mode, 'toolu_sim_edit_0024', kept, 'kiwi = 1', 'kiwi = 2'),
    ];
    const ran = steps.map((step) => step.ran);
    const calls = steps.map((step) => step.call);
    const { run, last } = await runScenario(stack, mode, work, {
      topic: 'Copy KIWI-4',
      prompt: 'Copy KIWI-4 next door',
      calls,
      done: 'Codex may not write outside this folder.',
      codex: { workspaceOnly: true },
    });
    expect(fs.existsSync(made)).toBe(false);
    expect(fs.readFileSync(kept, 'utf8')).toBe('kiwi = 1\n');
    expect(fileChanges(run)).toEqual([]);
    expectSent(
      mode,
      last,
      ran,
      ran.map(({ id }) => ({ id, pattern: OUTSIDE, isError: !genA(mode) })),
    );
  });
}

/**
 * A Write Codex runs and fails (the file's folder is a file): Codex answers in its wrapper of a command's run, exit
 * 1 and its words, with no error flag; Generation B's agent gets the words alone, as an error.
 */
export function failsToWrite(mode: ProtocolMode): Promise<void> {
  return withEditFile(mode, KEY, 'lime.txt', 'lime = 1\n', async (stack, work, file) => {
    const target = path.join(file, 'zest.txt');
    const { ran, call } = writeStep(mode, 'toolu_sim_write_0025', target, 'zest = 1');
    const { run, last } = await runScenario(stack, mode, work, {
      topic: 'Zest LIME-5',
      prompt: 'Zest LIME-5 into lime.txt/zest.txt',
      calls: [call],
      done: 'lime.txt is a file, so zest.txt cannot go in it.',
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('lime = 1\n');
    expect(fileChanges(run, 'failed')).toEqual([[['add', target]]]);
    const pattern = runOutput(mode, 1, `Failed to write file ${target}`);
    expectSent(mode, last, [ran], [{ id: ran.id, pattern, isError: !genA(mode) }]);
  });
}

/**
 * The agent's Edit of part of a line, after its Read of the file: Codex's run of the Read shows the proxy the whole
 * file, so the patch Codex is sent holds the whole line (orchids/patch-widen.ts), which Codex applies at once. Sent as
 * the fragment, it was refused (a patch finds only whole lines) and the agent, told so, made it again.
 */
export function editsPartOfALine(mode: ProtocolMode): Promise<void> {
  const before = 'const a = 1;\nexport const sum = a - b;\n';
  return withEditFile(mode, KEY, 'sum.ts', before, async (stack, work, file) => {
    const ran: Ran = {
      id: 'toolu_sim_edit_0027',
      patch: updated(file, ['export const sum = a - b;', 'export const sum = a + b;']),
    };
    const { run, last } = await runScenario(stack, mode, work, {
      topic: 'Fix SUM-9',
      prompt: 'Fix SUM-9 in sum.ts: it should add',
      calls: [
        { id: 'toolu_sim_read_0027', name: 'Read', input: { file_path: file } },
        { id: ran.id, name: 'Edit', input: { file_path: file, old_string: 'a - b', new_string: 'a + b' } },
      ],
      done: 'sum.ts now adds.',
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('const a = 1;\nexport const sum = a + b;\n');
    expect(fileChanges(run)).toEqual([[['update', file]]]);
    const uses = replayedToolUses(last);
    expect(uses.map(({ name }) => name)).toEqual(['exec_command', 'apply_patch']);
    expect(uses[1]!.input).toEqual({ input: ran.patch });
    expect(sentToolResults(last)[1]).toEqual({
      type: 'tool_result',
      tool_use_id: seenId(ran.id),
      content: expect.stringMatching(new RegExp(`^${changed(mode, 'M', file)}$`)),
    });
  });
}
