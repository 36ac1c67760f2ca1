/**
 * Generation B's edits that replace every match (`replace_all`) on the real Cline CLI's `editor`, which replaces one
 * occurrence and has no such switch: an Edit, and a MultiEdit's edit, each run through a route as in ./cline-edits.ts.
 */
import fs from 'node:fs';
import { expect } from 'vitest';
import { ONE_OCCURRENCE } from '../../main/core/orchids/gen-b/editor-results';
import { sentErrorIds, turnsAbout } from './cli-clients';
import { runCline, toolInputs, toolRuns } from './cline';
import {
  KEY,
  agentCall,
  edited,
  expectFailure,
  expectRan,
  expectSuccess,
  openai,
  runScenario,
  seenId,
  type ClineEditRoute,
  type Outcome,
  type Ran,
} from './cline-edits';
import { scriptCalls, withEditFile, type AgentCall } from './edit-scenarios';

const several = (file: string) =>
  `Editor operation failed: No replacement performed: multiple occurrences of text found in ${file}.`;

/**
 * Generation B's Edit with `replace_all` of a text found three times, on Cline's editor, which replaces one occurrence
 * and has no such switch. Without a read of the file first it goes as one replacement, which Cline refuses; the agent
 * is told so, as an error, and how to have every occurrence replaced (ONE_OCCURRENCE).
 */
export function replacesAllUnread(route: ClineEditRoute): Promise<void> {
  return withEditFile(route.mode, KEY, 'plum.txt', PLUMS, async (stack, work, file) => {
    const all: Ran = { id: 'toolu_sim_edit_0013', input: { path: file, old_text: 'plum = 1', new_text: 'sloe = 1' } };
    const outcome = await runScenario(stack, route, work, {
      topic: 'Rename PLUM-6',
      prompt: 'Rename PLUM-6 plums in plum.txt',
      calls: [agentCall(route, all, { replace_all: true })],
      done: 'Cline could not replace the plums at once.',
    });
    expect(fs.readFileSync(file, 'utf8')).toBe(PLUMS);
    expectRan(outcome, [{ ...all, success: false }]);
    expectFailure(outcome, route, all.id, `${several(file)}\n\n${ONE_OCCURRENCE}`);
  });
}

const PLUMS = 'plum = 1\nfig = 2\nplum = 1\nlime = 3\nplum = 1\n';

/**
 * After Cline's read of the whole file, the same Edit with `replace_all` goes to Cline's editor as one replacement of
 * the text from the first occurrence to the last (orchids/replace-all-span.ts), which Cline makes: every occurrence is
 * replaced, as the agent's own Edit would, and the agent gets Cline's words about it as a success. Before, Cline was
 * sent the old text alone and refused it (found three times).
 */
export function replacesAllAfterRead(route: ClineEditRoute): Promise<void> {
  return withEditFile(route.mode, KEY, 'sloe.txt', PLUMS, async (stack, work, file) => {
    const span: Ran = {
      id: 'toolu_sim_edit_0023',
      input: {
        path: file,
        old_text: 'plum = 1\nfig = 2\nplum = 1\nlime = 3\nplum = 1',
        new_text: 'sloe = 1\nfig = 2\nsloe = 1\nlime = 3\nsloe = 1',
      },
    };
    const calls: AgentCall[] = [
      { id: 'toolu_sim_read_0023', name: 'Read', input: { file_path: file } },
      {
        id: span.id,
        name: 'Edit',
        input: { file_path: file, old_string: 'plum = 1', new_string: 'sloe = 1', replace_all: true },
      },
    ];
    scriptCalls(stack, 'Rename SLOE-6', calls, 'Every plum is a sloe now.', openai(route));
    const run = await runCline(work, 'Rename SLOE-6 plums in sloe.txt', stack.url, KEY, {
      provider: route.provider,
      timeoutMs: 100_000,
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('Every plum is a sloe now.');
    expect(fs.readFileSync(file, 'utf8')).toBe('sloe = 1\nfig = 2\nsloe = 1\nlime = 3\nsloe = 1\n');
    expect(toolRuns(run).map((r) => r.toolName)).toEqual(['read_files', 'editor']);
    expect(toolInputs(run).at(-1)).toEqual(span.input);
    const turns = turnsAbout(stack, /Rename SLOE-6/);
    expect(turns).toHaveLength(calls.length + 1);
    const outcome: Outcome = { run, last: turns.at(-1)!, id: (id) => seenId(route, id) };
    expectSuccess(
      outcome,
      route,
      span,
      edited(
        file,
        '-1: plum = 1',
        '-2: fig = 2',
        '-3: plum = 1',
        '-4: lime = 3',
        '-5: plum = 1',
        '+1: sloe = 1',
        '+2: fig = 2',
        '+3: sloe = 1',
        '+4: lime = 3',
        '+5: sloe = 1',
      ),
    );
  });
}

/**
 * A MultiEdit after Cline's read of the whole file, whose second edit replaces every match of a text its first edit
 * adds one more of, and whose third changes a line between the matches: each goes as one editor call, in order, the
 * second as one span on the file as the first left it (from the first match to the one the first edit wrote), so
 * Cline makes all three and the file ends as the agent's MultiEdit leaves it. Before, the second went as the one
 * match, which Cline refused (found three times): the plums stayed, the fig changed.
 */
export function multiEditReplacesAllAfterRead(route: ClineEditRoute): Promise<void> {
  const before = 'plum = 1\nfig = 2\nplum = 1\nlime = 3\n';
  return withEditFile(route.mode, KEY, 'damson.txt', before, async (stack, work, file) => {
    const id = 'toolu_sim_multi_0024';
    const edits: Ran[] = [
      { id, input: { path: file, old_text: 'lime = 3', new_text: 'plum = 1' } },
      {
        id: `${id}-2`,
        input: {
          path: file,
          old_text: 'plum = 1\nfig = 2\nplum = 1\nplum = 1',
          new_text: 'sloe = 1\nfig = 2\nsloe = 1\nsloe = 1',
        },
      },
      { id: `${id}-3`, input: { path: file, old_text: 'fig = 2', new_text: 'fig = 5' } },
    ];
    const multi: AgentCall = {
      id,
      name: 'MultiEdit',
      input: {
        file_path: file,
        edits: [
          { old_string: 'lime = 3', new_string: 'plum = 1' },
          { old_string: 'plum = 1', new_string: 'sloe = 1', replace_all: true },
          { old_string: 'fig = 2', new_string: 'fig = 5' },
        ],
      },
    };
    const outcome = await runScenario(stack, route, work, {
      topic: 'Rename DAMSON-3',
      prompt: 'Rename DAMSON-3 plums in damson.txt',
      calls: [{ id: 'toolu_sim_read_0024', name: 'Read', input: { file_path: file } }, multi],
      done: 'Every plum is a sloe now, and the fig is 5.',
    });
    expect(fs.readFileSync(file, 'utf8')).toBe('sloe = 1\nfig = 5\nsloe = 1\nsloe = 1\n');
    expect(toolRuns(outcome.run).map((r) => r.toolName)).toEqual(['read_files', 'editor', 'editor', 'editor']);
    expect(toolInputs(outcome.run).slice(1)).toEqual(edits.map((edit) => edit.input));
    expect(sentErrorIds(outcome.last)).toEqual([]);
    expectSuccess(outcome, route, edits[0]!, edited(file, '-4: lime = 3', '+4: plum = 1'));
    const plums = ['plum = 1', 'fig = 2', 'plum = 1', 'plum = 1'].map((line, i) => `-${i + 1}: ${line}`);
    const sloes = ['sloe = 1', 'fig = 2', 'sloe = 1', 'sloe = 1'].map((line, i) => `+${i + 1}: ${line}`);
    expectSuccess(outcome, route, edits[1]!, edited(file, ...plums, ...sloes));
    expectSuccess(outcome, route, edits[2]!, edited(file, '-2: fig = 2', '+2: fig = 5'));
  });
}
