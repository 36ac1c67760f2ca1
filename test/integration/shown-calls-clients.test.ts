import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { PINNED_MODES, sentToolPair, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { startCliStack, turnsAbout } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { runClaude } from '../helpers/claude-code';
import { runCodex } from '../helpers/codex';

/**
 * The proxy's checklist note for the agent's TodoWrite, sent back by real clients that have no to-do tool in the
 * agent's turn of their next request: Claude Code 2.1 with its task tools (the default) and Codex without
 * `update_plan` (its default). On that request the agent must be sent the call it made and the answer it was given,
 * its words around the note as its own, and none of the note (orchids/shown-calls.ts). Cline's case is
 * cline-notes.test.ts.
 */
let stack: Stack;
const stopAfter = stopsAfterEach();

const KEY = 'test-shown-calls-key';
const ASK = 'What is the bug in parser.txt?';
const ABOUT = /What is the bug in parser\.txt\?/;
const SECRET = 'FIG-7';
const ON = 'Go on with the parser.';
const TODOS = [{ content: 'Check the parser', status: 'in_progress', activeForm: 'Checking the parser' }];
const TODO_TOLD = 'your plan was shown to the user as a checklist';
const HEADING = "The agent's plan (this client has no to-do tool to show it in):";
const WS = PINNED_MODES[0]!;

/**
 * Plans with TodoWrite; told the client was shown it, reads parser.txt with the client's shell (in the same message,
 * the proxy's continuation); given the file, answers; asked on, is done.
 */
function scriptPlan(): string {
  const work = tempDir('orchids-shown-work-');
  fs.writeFileSync(path.join(work, 'parser.txt'), `The parser bug is ${SECRET}.\n`);
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (!seen.includes(ASK)) return undefined;
    if (seen.includes(ON)) return sse(reply('Done.'));
    if (seen.includes(`is ${SECRET}`)) return sse(reply(`The bug is ${SECRET}.`));
    if (seen.includes(TODO_TOLD)) {
      return sse([
        ...text('Reading it.'),
        ...toolCall({ id: 'toolu_sim_shell_0001', name: 'Bash', input: { command: 'cat parser.txt' } }),
        ...finish('tool-calls'),
      ]);
    }
    return sse([
      ...text('Planning.'),
      ...toolCall({ id: 'toolu_sim_todo_0001', name: 'TodoWrite', input: { todos: TODOS } }),
      ...finish('tool-calls'),
    ]);
  });
  return work;
}

type Sent = { role: string; content: unknown };
type SentBlock = Record<string, unknown>;

/**
 * The upstream request of the client's second turn (`asked`): the agent's TodoWrite (the checklist's items) with
 * the answer it was given, its words before it in the call's turn and those after (with the client's call) in the
 * next, all as its own and as it wrote them.
 */
function expectCallNotNote(asked: AgentRequestInfo): void {
  expect(asked.protocol).toBe('ws');
  const messages = asked.body.messages as Sent[];
  const blocks = (m: Sent): SentBlock[] =>
    typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content as SentBlock[]);
  const called = messages.findIndex((m) => blocks(m).some((b) => b.type === 'tool_use' && b.name === 'TodoWrite'));
  expect(called, JSON.stringify(messages, null, 1)).toBeGreaterThan(-1);
  // The agent's words before the call, exactly as it wrote them, then the call with the checklist's items.
  expect(messages[called]!.role).toBe('assistant');
  expect(blocks(messages[called]!)).toEqual([
    expect.objectContaining({ type: 'text', text: 'Planning.' }),
    expect.objectContaining({
      name: 'TodoWrite',
      input: { todos: [{ content: 'Check the parser', status: 'in_progress' }] },
    }),
  ]);
  const call = blocks(messages[called]!)[1]!;
  expect(sentToolPair(asked, call.id as string, 'TodoWrite', TODO_TOLD)).toBe(true);
  // The result, then the agent's words after the call and the client's call as its next turn.
  expect(messages[called + 1]!.role).toBe('user');
  expect(blocks(messages[called + 1]!).map((b) => b.type)).toEqual(['tool_result']);
  expect(messages[called + 2]!.role).toBe('assistant');
  expect(blocks(messages[called + 2]!)).toEqual([
    expect.objectContaining({ type: 'text', text: 'Reading it.' }),
    expect.objectContaining({ type: 'tool_use', id: expect.stringContaining('sim_shell_0001') }),
  ]);
  expect(JSON.stringify(messages.slice(called + 3))).toContain(`The bug is ${SECRET}.`);
}

/** The note reached the agent in none of its turns: not in the one that carried the file's text either. */
function expectNoNote(turns: AgentRequestInfo[]): void {
  for (const turn of turns) expect(upstreamText(turn)).not.toContain(HEADING);
}

describe("real clients send the agent's checklist back, and the agent gets its TodoWrite (pinned ws)", () => {
  it('Claude Code 2.1 (task tools): claude -p, then --continue', { timeout: 90_000 }, async () => {
    stack = stopAfter(await startCliStack(WS, KEY));
    const work = scriptPlan();
    const env = { ANTHROPIC_BASE_URL: stack.url, ANTHROPIC_API_KEY: KEY, HOME: tempDir('orchids-cc-home-') };
    const first = await runClaude(work, ASK, env, { timeoutMs: 60_000, allowedTools: ['Bash'] });
    expect(first.code, first.stderr).toBe(0);
    expect((JSON.parse(first.stdout) as { result: string }).result).toBe(`The bug is ${SECRET}.`);
    const second = await runClaude(work, ON, env, { timeoutMs: 60_000, continueSession: true });
    expect(second.code, second.stderr).toBe(0);
    expect((JSON.parse(second.stdout) as { result: string }).result).toBe('Done.');
    const turns = turnsAbout(stack, ABOUT);
    expect(turns).toHaveLength(4);
    expectCallNotNote(turns[3]!);
    expectNoNote(turns);
  });

  it('Codex CLI (no update_plan): codex exec, then exec resume --last', { timeout: 90_000 }, async () => {
    stack = stopAfter(await startCliStack(WS, KEY));
    const work = scriptPlan();
    const first = await runCodex(work, ASK, stack.url, KEY, { persistent: true, timeoutMs: 60_000 });
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.finalMessage).toBe(`The bug is ${SECRET}.`);
    const second = await runCodex(work, ON, stack.url, KEY, { resumeIn: first.home, timeoutMs: 60_000 });
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(second.finalMessage).toBe('Done.');
    const turns = turnsAbout(stack, ABOUT);
    expect(turns).toHaveLength(4);
    expectCallNotNote(turns[3]!);
    expectNoNote(turns);
  });
});
