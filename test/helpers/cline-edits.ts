/**
 * The file edits the real Cline CLI runs for the agent, one scenario a function, each run through a route: the
 * upstream generation and the provider Cline speaks to the proxy through. Generation B's agent calls its own Write,
 * Edit and MultiEdit in Claude Code's keys, which the proxy gives Cline as its `editor` (`old_text`, `new_text`);
 * Generation A's is shown Cline's tools and calls `editor` itself. Each scenario checks the file on disk, what Cline
 * ran, and the call and result pairs the next upstream turn carries, where Generation B's agent must read each result
 * as its own Edit's would be, on either provider: a success as Cline's words about it, a failure as an error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { AgentRequestInfo } from '../sim/orchids-simulator';
import { EDIT_OF_MISSING, WRITE_OVER_EXISTING } from '../../main/core/orchids/gen-b/editor-results';
import { sentToolPair, upstreamText, type ProtocolMode } from './upstream';
import type { Stack } from './stack';
import { sentErrorIds, sentToolResults, served, turnsAbout } from './cli-clients';
import { runCline, toolInputs, toolRuns, type ClineProvider, type ClineRun } from './cline';
import { scriptCalls, seenCallId, splitEditNote, withEditFile, type AgentCall } from './edit-scenarios';
import { tempDir } from './temp-dir';

export interface ClineEditRoute {
  mode: ProtocolMode;
  provider: ClineProvider;
}

/** What each test gives a real Cline run (one takes ~20 s here). */
export const CLINE_EDIT_TIMEOUT = { timeout: 120_000 };

export const KEY = 'test-cline-edits-key';

/** One editor call Cline runs, in Cline's keys, under the id the agent gave it (the upstream's `toolu_…`). */
export interface Ran {
  id: string;
  input: { path: string; new_text: string; old_text?: string };
}

const genA = (route: ClineEditRoute) => route.mode.expect === 'sse-a';

/** The id Cline and the upstream see: the OpenAI Compatible provider gets OpenAI's `call_` prefix. */
export const openai = (route: ClineEditRoute) => route.provider === 'openai-compatible';
export const seenId = (route: ClineEditRoute, id: string) => seenCallId(id, openai(route));

/**
 * The call the agent makes for one of Cline's editor calls: Generation A calls `editor` as declared; Generation B
 * its own Write (no old text) or Edit, in Claude Code's keys, `extra` (e.g. `replace_all`) added.
 */
export function agentCall(route: ClineEditRoute, { id, input }: Ran, extra: Record<string, unknown> = {}): AgentCall {
  if (genA(route)) return { id, name: 'editor', input };
  if (input.old_text === undefined) {
    return { id, name: 'Write', input: { file_path: input.path, content: input.new_text } };
  }
  return {
    id,
    name: 'Edit',
    input: { file_path: input.path, old_string: input.old_text, new_string: input.new_text, ...extra },
  };
}

interface Scenario {
  topic: string;
  prompt: string;
  calls: AgentCall[];
  done: string;
}

export interface Outcome {
  run: ClineRun;
  /** The conversation's last upstream turn (the answer's): it carries every call and result. */
  last: AgentRequestInfo;
  /** The id Cline and the upstream see for the agent's. */
  id: (id: string) => string;
}

/**
 * Runs Cline on `scenario` through `route` in `work` and checks what every scenario shares: Cline exits 0 with the
 * agent's answer, after one upstream turn a call the agent made and one for the answer, all on the route's protocol
 * and API.
 */
export async function runScenario(
  stack: Stack,
  route: ClineEditRoute,
  work: string,
  scenario: Scenario,
): Promise<Outcome> {
  scriptCalls(stack, scenario.topic, scenario.calls, scenario.done, openai(route));
  const run = await runCline(work, scenario.prompt, stack.url, KEY, { provider: route.provider, timeoutMs: 100_000 });
  expect(run.code, run.stderr + run.stdout).toBe(0);
  expect(run.finalText).toBe(scenario.done);
  const count = scenario.calls.length + 1;
  const turns = turnsAbout(stack, new RegExp(scenario.topic));
  expect(turns.map((turn) => turn.protocol)).toEqual(Array<string>(count).fill(route.mode.expect));
  const api = route.provider === 'anthropic' ? 'anthropic' : 'openai-chat';
  expect((await served(stack)).map((row) => [row.api, row.status])).toEqual(Array(count).fill([api, 200]));
  return { run, last: turns.at(-1)!, id: (id) => seenId(route, id) };
}

/** What Cline ran: each editor call's id, input and whether it succeeded, in order. */
export function expectRan(outcome: Outcome, ran: Array<Ran & { success: boolean }>): void {
  expect(toolInputs(outcome.run)).toEqual(ran.map((r) => r.input));
  expect(
    toolRuns(outcome.run).map(({ toolName, toolCallId, output }) => ({
      toolName,
      toolCallId,
      success: (output as { success?: unknown }).success,
    })),
  ).toEqual(ran.map((r) => ({ toolName: 'editor', toolCallId: outcome.id(r.id), success: r.success })));
}

/** The result the upstream was sent for `id` (Generation B's blocks). */
const sentResult = (outcome: Outcome, id: string) =>
  sentToolResults(outcome.last).find((result) => result.tool_use_id === outcome.id(id));

/**
 * A successful edit of `file`'s result upstream, unflagged: Generation B's agent reads Cline's `words` about it alone,
 * as its own Edit answers in words (Cline sends them in JSON about the run); Generation A's model, which called
 * `editor` itself, reads that JSON as Cline sent it.
 */
export function expectSuccess(outcome: Outcome, route: ClineEditRoute, ran: Ran, words: string): void {
  const seen = outcome.id(ran.id);
  expect(sentErrorIds(outcome.last)).not.toContain(seen);
  // Generation B's result is matched whole below; here only that it answers a call to `editor`.
  expect(sentToolPair(outcome.last, seen, 'editor', genA(route) ? '"success":true' : ''), seen).toBe(true);
  if (genA(route)) {
    const json = JSON.stringify({ query: `edit:${ran.input.path}`, result: words, success: true });
    expect(upstreamText(outcome.last)).toContain(json);
    return;
  }
  expect(sentResult(outcome, ran.id)).toEqual({ type: 'tool_result', tool_use_id: seen, content: words });
}

const created = (file: string) => `File created successfully at: ${file}`;
/** Cline's words for an edit: the file, then the lines it changed as a diff, numbered. */
export const edited = (file: string, ...diff: string[]) => `Edited ${file}\n\`\`\`diff\n${diff.join('\n')}\n\`\`\``;
const notFound = (file: string) => `Editor operation failed: No replacement performed: text not found in ${file}.`;

export function createsThenEdits(route: ClineEditRoute): Promise<void> {
  return withEditFile(route.mode, KEY, 'fig.txt', undefined, async (stack, work, file) => {
    const write: Ran = { id: 'toolu_sim_write_0011', input: { path: file, new_text: 'fig = 3\n' } };
    const edit: Ran = { id: 'toolu_sim_edit_0011', input: { path: file, old_text: 'fig = 3', new_text: 'fig = 4' } };
    const outcome = await runScenario(stack, route, work, {
      topic: 'Create FIG-3',
      prompt: 'Create FIG-3 in fig.txt, then make it 4',
      calls: [agentCall(route, write), agentCall(route, edit)],
      done: 'Created fig.txt and set fig to 4.',
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('fig = 4\n');
    expectRan(outcome, [
      { ...write, success: true },
      { ...edit, success: true },
    ]);
    expectSuccess(outcome, route, write, created(file));
    expectSuccess(outcome, route, edit, edited(file, '-1: fig = 3', '+1: fig = 4'));
  });
}

export function failsAnEdit(route: ClineEditRoute): Promise<void> {
  return withEditFile(route.mode, KEY, 'date.txt', 'date = 1\n', async (stack, work, file) => {
    const missing: Ran = {
      id: 'toolu_sim_edit_0012',
      input: { path: file, old_text: 'date = 9', new_text: 'date = 2' },
    };
    const outcome = await runScenario(stack, route, work, {
      topic: 'Change DATE-7',
      prompt: 'Change DATE-7 in date.txt',
      calls: [agentCall(route, missing)],
      done: 'date.txt has no date = 9 to change.',
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('date = 1\n');
    expectRan(outcome, [{ ...missing, success: false }]);
    expect(toolRuns(outcome.run)[0]?.output).toMatchObject({ error: notFound(file), success: false });
    expectFailure(outcome, route, missing.id, notFound(file));
  });
}

/**
 * A failed edit's result upstream: Generation B's agent reads Cline's words alone, flagged an error by the proxy on
 * either provider (Cline flags none, and Chat Completions' `tool` message has no flag to carry); Generation A's
 * model, which called `editor` itself, reads Cline's JSON about the run (`"success":false`), unflagged as Cline sent
 * it.
 */
export function expectFailure(outcome: Outcome, route: ClineEditRoute, id: string, words: string): void {
  const seen = outcome.id(id);
  if (genA(route)) {
    expect(sentToolPair(outcome.last, seen, 'editor', '"success":false')).toBe(true);
    expect(sentErrorIds(outcome.last)).toEqual([]);
    return;
  }
  expect(sentResult(outcome, id)).toEqual({ type: 'tool_result', tool_use_id: seen, content: words, is_error: true });
}

/**
 * Generation B's MultiEdit reaches Cline as one editor call an edit, in the one turn, the first under the
 * MultiEdit's id and each after it told apart by its place (`…-2`); Cline runs them in order.
 */
export function multiEdits(route: ClineEditRoute): Promise<void> {
  return withEditFile(route.mode, KEY, 'pear.txt', 'pear = 2\nlime = 3\n', async (stack, work, file) => {
    const id = 'toolu_sim_multi_0011';
    const edits: Ran[] = [
      { id, input: { path: file, old_text: 'pear = 2', new_text: 'quince = 2' } },
      { id: `${id}-2`, input: { path: file, old_text: 'lime = 3', new_text: 'yuzu = 3' } },
    ];
    const outcome = await runScenario(stack, route, work, {
      topic: 'Rename PEAR-8',
      prompt: 'Rename PEAR-8 fruits in pear.txt',
      calls: [multiEditOf(file, edits)],
      done: 'Renamed both fruits in pear.txt.',
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('quince = 2\nyuzu = 3\n');
    expectRan(
      outcome,
      edits.map((edit) => ({ ...edit, success: true })),
    );
    expectSuccess(outcome, route, edits[0]!, edited(file, '-1: pear = 2', '+1: quince = 2'));
    expectSuccess(outcome, route, edits[1]!, edited(file, '-2: lime = 3', '+2: yuzu = 3'));
  });
}

/** The agent's MultiEdit of `file` whose edits Cline runs as `edits`, one editor call each, under the first's id. */
function multiEditOf(file: string, edits: Ran[]): AgentCall {
  const edit = ({ input }: Ran) => ({ old_string: input.old_text, new_string: input.new_text });
  return { id: edits[0]!.id, name: 'MultiEdit', input: { file_path: file, edits: edits.map(edit) } };
}

/**
 * A split MultiEdit whose second of three edits fails: Cline runs all three, in order, making the first and third,
 * and the failed one's result, in Cline's words and flagged an error, says which of the MultiEdit's edits were made.
 */
export function multiEditPartFails(route: ClineEditRoute): Promise<void> {
  return withEditFile(route.mode, KEY, 'quince.txt', 'pear = 2\nfig = 4\nlime = 3\n', async (stack, work, file) => {
    const id = 'toolu_sim_multi_0019';
    const edits: Ran[] = [
      { id, input: { path: file, old_text: 'pear = 2', new_text: 'quince = 2' } },
      { id: `${id}-2`, input: { path: file, old_text: 'plum = 9', new_text: 'sloe = 9' } },
      { id: `${id}-3`, input: { path: file, old_text: 'lime = 3', new_text: 'yuzu = 3' } },
    ];
    const outcome = await runScenario(stack, route, work, {
      topic: 'Rename QUINCE-5',
      prompt: 'Rename QUINCE-5 fruits in quince.txt',
      calls: [multiEditOf(file, edits)],
      done: 'Renamed two fruits; there was no plum.',
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('quince = 2\nfig = 4\nyuzu = 3\n');
    expectRan(
      outcome,
      edits.map((edit, i) => ({ ...edit, success: i !== 1 })),
    );
    expectSuccess(outcome, route, edits[0]!, edited(file, '-1: pear = 2', '+1: quince = 2'));
    expectSuccess(outcome, route, edits[2]!, edited(file, '-3: lime = 3', '+3: yuzu = 3'));
    const note = splitEditNote(2, 3, 'edits 1 and 3 were made, the others not');
    expectFailure(outcome, route, edits[1]!.id, `${notFound(file)}\n\n${note}`);
  });
}

/**
 * Cline's editor refuses a Write over an existing file (it wants the old text to replace) and fails one under a file,
 * which the agent is told as errors (the first in its own tools' terms, not Cline's keys); it writes and edits outside
 * its working folder (`-c`) as inside it, without asking, and an Edit of a missing file creates it holding only the
 * new text, saying it created it, which the agent's own Edit would refuse: it is told so as an error, in its own
 * tools' terms, lest it believe it changed a whole file.
 */
export function writesOverAndOutside(route: ClineEditRoute): Promise<void> {
  return withEditFile(route.mode, KEY, 'kiwi.txt', 'kiwi = 1\n', async (stack, work, file) => {
    const away = tempDir('orchids-edit-away-');
    const awayOld = path.join(away, 'old.txt');
    fs.writeFileSync(awayOld, 'old = 1\n');
    const over: Ran = { id: 'toolu_sim_write_0014', input: { path: file, new_text: 'kiwi = 2\n' } };
    const awayNew: Ran = { id: 'toolu_sim_write_0015', input: { path: path.join(away, 'new.txt'), new_text: 'n\n' } };
    const awayEdit: Ran = {
      id: 'toolu_sim_edit_0016',
      input: { path: awayOld, old_text: 'old = 1', new_text: 'old = 2' },
    };
    const under: Ran = { id: 'toolu_sim_write_0017', input: { path: path.join(file, 'sub.txt'), new_text: 's\n' } };
    const missing: Ran = {
      id: 'toolu_sim_edit_0018',
      input: { path: path.join(away, 'gone.txt'), old_text: 'gone = 1', new_text: 'gone = 2' },
    };
    const outcome = await runScenario(stack, route, work, {
      topic: 'Write KIWI-4',
      prompt: 'Write KIWI-4 in kiwi.txt, and the files next door',
      calls: [over, awayNew, awayEdit, under, missing].map((ran) => agentCall(route, ran)),
      done: 'Wrote the files next door; kiwi.txt needs an Edit.',
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('kiwi = 1\n');
    expect(fs.readFileSync(awayNew.input.path, 'utf8')).toBe('n\n');
    expect(fs.readFileSync(awayOld, 'utf8')).toBe('old = 2\n');
    expect(fs.readFileSync(missing.input.path, 'utf8')).toBe('gone = 2');
    expectRan(outcome, [
      { ...over, success: false },
      { ...awayNew, success: true },
      { ...awayEdit, success: true },
      { ...under, success: false },
      { ...missing, success: true },
    ]);
    expectFailure(outcome, route, over.id, WRITE_OVER_EXISTING(file));
    expectSuccess(outcome, route, awayNew, created(awayNew.input.path));
    expectSuccess(outcome, route, awayEdit, edited(awayOld, '-1: old = 1', '+1: old = 2'));
    expectFailure(outcome, route, under.id, `Editor operation failed: EEXIST: file already exists, mkdir '${file}'`);
    expectFailure(outcome, route, missing.id, EDIT_OF_MISSING(missing.input.path));
    expect(toolRuns(outcome.run)[4]?.output).toMatchObject({ result: created(missing.input.path), success: true });
  });
}

/**
 * On a `gpt` model id, where Cline 3.0.65 edits with `apply_patch`: the agent's Edit of part of a line after its Read
 * of the whole file goes as the patch of the whole line (orchids/patch-widen.ts), which Cline applies at once; sent as
 * the fragment, Cline found no line like it and the agent made the edit again. With `search`, the agent's Grep runs
 * between the two as Cline's `search_codebase`, which cannot write: the file is still known, and the agent need not
 * read it again (the upstream sees one read, one search, one patch and the answer).
 */
export function editsPartOfALineByPatch(route: ClineEditRoute, search = false): Promise<void> {
  const before = 'const a = 1;\nexport const sum = a - b;\n';
  return withEditFile(route.mode, KEY, 'sum.ts', before, async (stack, work, file) => {
    const part = { file_path: file, old_string: 'a - b', new_string: 'a + b' };
    const grep: AgentCall = { id: 'toolu_sim_patch_grep_31', name: 'Grep', input: { pattern: 'a - b', path: work } };
    const calls: AgentCall[] = [
      { id: 'toolu_sim_patch_read_31', name: 'Read', input: { file_path: file } },
      ...(search ? [grep] : []),
      { id: 'toolu_sim_patch_line_31', name: 'Edit', input: part },
    ];
    scriptCalls(stack, 'Fix SUM-9', calls, 'SUM-9 is fixed.', openai(route));
    const options = { provider: route.provider, model: 'gpt-5.2', timeoutMs: 100_000 };
    const run = await runCline(work, 'Fix SUM-9 in sum.ts', stack.url, KEY, options);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('SUM-9 is fixed.');
    expect(fs.readFileSync(file, 'utf8')).toBe('const a = 1;\nexport const sum = a + b;\n');
    const ran = ['read_files', ...(search ? ['search_codebase'] : []), 'apply_patch'];
    expect(toolRuns(run).map((r) => r.toolName)).toEqual(ran);
    expect(toolInputs(run).at(-1)).toEqual({
      input:
        `*** Begin Patch\n*** Update File: ${file}\n` +
        '@@\n-export const sum = a - b;\n+export const sum = a + b;\n*** End Patch\n',
    });
    const turns = turnsAbout(stack, /Fix SUM-9/);
    expect(turns).toHaveLength(calls.length + 1);
    expect(sentErrorIds(turns.at(-1)!)).toEqual([]);
  });
}
