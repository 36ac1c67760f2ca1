import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { PINNED_MODES, sentToolPair, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { sentToolResults, served, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { runOpencode, type OpencodeRun } from '../helpers/opencode';

/**
 * The real opencode CLI running Generation B's file edits: the agent's Write, Edit (with and without `replace_all`)
 * and MultiEdit, in Claude Code's keys, reach opencode's `write` and `edit` in opencode's (`filePath`, `oldString`,
 * `newString`, `replaceAll`); opencode 1.18 declares no multiedit, so the proxy sends a MultiEdit as one `edit` an
 * edit (anthropic/multi-edit.ts). Each test checks the file on disk, what opencode ran, and the call and result pairs
 * the next upstream turn carries, where a failed edit must reach the agent as an error.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-opencode-edits-key';
const GEN_B = PINNED_MODES.filter((m) => m.expect !== 'sse-a');

/** opencode's words for each outcome. */
const WROTE = 'Wrote file successfully.';
const EDITED = 'Edit applied successfully.';
const NOT_FOUND = 'Could not find oldString in the file.';

interface Call {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/**
 * Scripts the agent to make `calls` one turn at a time, each once the one before has come back, in the conversation
 * whose text holds `topic`, then to answer `done`.
 */
function scriptCalls(topic: string, calls: Call[], done: string): void {
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (!seen.includes(topic)) return undefined;
    const next = calls.find((call) => !seen.includes(call.id));
    return sse(next ? [...toolCall(next), ...finish('tool-calls')] : reply(done));
  });
}

/** What opencode ran: each tool's name, call id, status and input. */
const ran = (run: OpencodeRun) =>
  run.tools.map(({ tool, callID, state }) => ({ tool, callID, status: state.status, input: state.input }));

/** The last upstream turn of the conversation (one turn a call, then the answer): it carries every call and result. */
function lastTurn(topic: RegExp, calls: number, protocol: string): AgentRequestInfo {
  const turns = turnsAbout(stack, topic);
  expect(turns.map((turn) => turn.protocol)).toEqual(Array<string>(calls + 1).fill(protocol));
  return turns.at(-1)!;
}

describe.each(GEN_B)("Generation B's agent editing files in opencode ($name)", (mode) => {
  it('writes a new file, then edits it', { timeout: 90_000 }, async () => {
    stack = await startCliStack(mode, KEY);
    const work = tempDir('orchids-opencode-work-');
    const file = path.join(work, 'fig.txt');
    scriptCalls(
      'Create FIG-3',
      [
        { id: 'toolu_sim_write_0001', name: 'Write', input: { file_path: file, content: 'fig = 3\n' } },
        {
          id: 'toolu_sim_edit_0001',
          name: 'Edit',
          input: { file_path: file, old_string: 'fig = 3', new_string: 'fig = 4' },
        },
      ],
      'Created fig.txt and set fig to 4.',
    );

    const run = await runOpencode(work, 'Create FIG-3 in fig.txt, then make it 4', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('Created fig.txt and set fig to 4.');
    expect(fs.readFileSync(file, 'utf8')).toBe('fig = 4\n');
    expect(ran(run)).toEqual([
      {
        tool: 'write',
        callID: 'toolu_sim_write_0001',
        status: 'completed',
        input: { filePath: file, content: 'fig = 3\n' },
      },
      {
        tool: 'edit',
        callID: 'toolu_sim_edit_0001',
        status: 'completed',
        input: { filePath: file, oldString: 'fig = 3', newString: 'fig = 4' },
      },
    ]);
    const last = lastTurn(/Create FIG-3/, 2, mode.expect);
    expect(sentToolPair(last, 'toolu_sim_write_0001', 'write', WROTE)).toBe(true);
    expect(sentToolPair(last, 'toolu_sim_edit_0001', 'edit', EDITED)).toBe(true);
    expect(sentToolResults(last).filter((r) => r.is_error === true)).toEqual([]);
    expect((await served(stack)).map((row) => row.status)).toEqual([200, 200, 200]);
  });

  // opencode 1.18 edits a file the session never read (it asks for no read first, unlike Claude Code): the agent
  // reads nothing here.
  it('replaces every match, and runs a MultiEdit as two edits', { timeout: 90_000 }, async () => {
    stack = await startCliStack(mode, KEY);
    const work = tempDir('orchids-opencode-work-');
    const file = path.join(work, 'plum.txt');
    fs.writeFileSync(file, 'plum = 1\nplum = 1\npear = 2\nlime = 3\n');
    const replaceAll = { file_path: file, old_string: 'plum = 1', new_string: 'sloe = 1', replace_all: true };
    const edits = [
      { old_string: 'pear = 2', new_string: 'quince = 2' },
      { old_string: 'lime = 3', new_string: 'yuzu = 3' },
    ];
    scriptCalls(
      'Rename PLUM-6',
      [
        { id: 'toolu_sim_edit_0002', name: 'Edit', input: replaceAll },
        { id: 'toolu_sim_multi_0001', name: 'MultiEdit', input: { file_path: file, edits } },
      ],
      'Renamed every fruit in plum.txt.',
    );

    const run = await runOpencode(work, 'Rename PLUM-6 fruits in plum.txt', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('Renamed every fruit in plum.txt.');
    expect(fs.readFileSync(file, 'utf8')).toBe('sloe = 1\nsloe = 1\nquince = 2\nyuzu = 3\n');
    const edit = (callID: string, input: Record<string, unknown>) => ({
      tool: 'edit',
      callID,
      status: 'completed',
      input,
    });
    expect(ran(run)).toEqual([
      edit('toolu_sim_edit_0002', { filePath: file, oldString: 'plum = 1', newString: 'sloe = 1', replaceAll: true }),
      // The first edit keeps the MultiEdit's id, the second is told apart by its place.
      edit('toolu_sim_multi_0001', { filePath: file, oldString: 'pear = 2', newString: 'quince = 2' }),
      edit('toolu_sim_multi_0001_2', { filePath: file, oldString: 'lime = 3', newString: 'yuzu = 3' }),
    ]);
    const last = lastTurn(/Rename PLUM-6/, 2, mode.expect);
    for (const id of ['toolu_sim_edit_0002', 'toolu_sim_multi_0001', 'toolu_sim_multi_0001_2']) {
      expect(sentToolPair(last, id, 'edit', EDITED), id).toBe(true);
    }
    expect(sentToolResults(last).filter((r) => r.is_error === true)).toEqual([]);
  });

  it('gives the agent opencode’s error for an edit whose old text is not there', { timeout: 90_000 }, async () => {
    stack = await startCliStack(mode, KEY);
    const work = tempDir('orchids-opencode-work-');
    const file = path.join(work, 'date.txt');
    fs.writeFileSync(file, 'date = 1\n');
    const missing = { file_path: file, old_string: 'date = 9', new_string: 'date = 2' };
    scriptCalls(
      'Change DATE-7',
      [{ id: 'toolu_sim_edit_0003', name: 'Edit', input: missing }],
      'date.txt has no date = 9 to change.',
    );

    const run = await runOpencode(work, 'Change DATE-7 in date.txt', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('date.txt has no date = 9 to change.');
    expect(fs.readFileSync(file, 'utf8')).toBe('date = 1\n');
    expect(run.tools).toEqual([
      expect.objectContaining({
        tool: 'edit',
        callID: 'toolu_sim_edit_0003',
        state: expect.objectContaining({ status: 'error', error: expect.stringContaining(NOT_FOUND) }),
      }),
    ]);
    const last = lastTurn(/Change DATE-7/, 1, mode.expect);
    expect(sentToolPair(last, 'toolu_sim_edit_0003', 'edit', NOT_FOUND)).toBe(true);
    expect(sentToolResults(last)).toEqual([
      expect.objectContaining({ tool_use_id: 'toolu_sim_edit_0003', is_error: true }),
    ]);
  });
});
