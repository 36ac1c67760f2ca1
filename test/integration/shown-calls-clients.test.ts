import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { pinnedMode, sentToolPair, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { startCliStack, turnsAbout } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { runClaude } from '../helpers/claude-code';
import { runCodex } from '../helpers/codex';
import { startClineTui } from '../helpers/cline-tui';
import { config, opencodeHome, runOpencode } from '../helpers/opencode';
import { runQwen } from '../helpers/qwen';

/**
 * The proxy's checklist note for the agent's TodoWrite, sent back by real clients that have no to-do tool in the
 * agent's turn of their next request: Claude Code 2.1 with its task tools (the default), Codex without `update_plan`
 * and Qwen Code without `todo_write` (their defaults). On that request the agent must be sent the call it made and the
 * answer it was given, its words around the note as its own, and none of the note (orchids/shown-calls.ts). Cline's
 * case is cline-notes.test.ts. Then the plan shown for approval, sent back by the clients in plan mode that have no
 * tool to approve it with (Cline, opencode's plan agent), which the agent must get back as its ExitPlanMode.
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
const WS = pinnedMode('ws');

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
const blocks = (m: Sent): SentBlock[] =>
  typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content as SentBlock[]);

/**
 * The upstream request of the client's second turn (`asked`): the agent's TodoWrite (the checklist's items) with
 * the answer it was given, its words before it in the call's turn and those after (with the client's call) in the
 * next, all as its own and as it wrote them.
 */
function expectCallNotNote(asked: AgentRequestInfo): void {
  expect(asked.protocol).toBe('ws');
  const messages = asked.body.messages as Sent[];
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

  it('Qwen Code 0.24 (no todo_write): qwen -p, then -c', { timeout: 90_000 }, async () => {
    stack = stopAfter(await startCliStack(WS, KEY));
    const work = scriptPlan();
    const first = await runQwen(work, ASK, stack.url, KEY);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.answer).toBe(`The bug is ${SECRET}.`);
    const second = await runQwen(work, ON, stack.url, KEY, { home: first.home, args: ['--yolo', '-c'] });
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(second.answer).toBe('Done.');
    const turns = turnsAbout(stack, ABOUT);
    expect(turns).toHaveLength(4);
    expectCallNotNote(turns[3]!);
    expectNoNote(turns);
  });
});

const PLAN_ASK = 'How should alpha in settings.txt be renamed?';
const PLAN_ABOUT = /How should alpha in settings\.txt be renamed\?/;
const APPROVED = 'Yes, go ahead with the plan.';
/** Markdown as an agent writes a plan: headings, a list, code spans, paragraphs. */
const PLAN = [
  '## Rename alpha',
  'The setting is read in one place only.',
  '### Steps\n\n1. Change `alpha = 1` to `gamma = 1` in settings.txt.\n2. Leave the other lines as they are.',
  '### Check\n\n- `cat settings.txt` shows `gamma = 1`.',
].join('\n\n');
const PLAN_TOLD = 'End your turn now: the user will answer it in their next message.';
const WAITING = 'I will wait for your answer.';
const PLAN_HEADING = "The agent's plan, for your approval (this client has no tool to approve it with):";

/**
 * Writes a sentence and asks approval for its plan; told it was shown, ends its turn with words `after`; approved, is
 * done.
 */
function scriptPlanApproval(after: string): void {
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (!seen.includes(PLAN_ASK)) return undefined;
    if (seen.includes(APPROVED)) return sse(reply('Done.'));
    if (seen.includes(PLAN_TOLD)) return sse(reply(after));
    return sse([
      ...text('Here is the plan.'),
      ...toolCall({ id: 'toolu_sim_plan_0001', name: 'ExitPlanMode', input: { plan: PLAN } }),
      ...finish('tool-calls'),
    ]);
  });
}

/**
 * The upstream request of the user's answer: the agent's sentence and its ExitPlanMode with the plan as written, the
 * answer the proxy gave it, its words `after` as its next turn, then the user's answer; the note's heading nowhere.
 */
function expectPlanCall(asked: AgentRequestInfo, after: string): void {
  expect(asked.protocol).toBe('ws');
  const messages = asked.body.messages as Sent[];
  const called = messages.findIndex((m) => blocks(m).some((b) => b.type === 'tool_use' && b.name === 'ExitPlanMode'));
  expect(called, JSON.stringify(messages, null, 1)).toBeGreaterThan(-1);
  expect(messages[called]!.role).toBe('assistant');
  expect(blocks(messages[called]!)).toEqual([
    expect.objectContaining({ type: 'text', text: 'Here is the plan.' }),
    expect.objectContaining({ type: 'tool_use', name: 'ExitPlanMode', input: { plan: PLAN } }),
  ]);
  const call = blocks(messages[called]!)[1]!;
  expect(sentToolPair(asked, call.id as string, 'ExitPlanMode', PLAN_TOLD)).toBe(true);
  expect(messages[called + 1]!.role).toBe('user');
  expect(blocks(messages[called + 1]!)[0]).toMatchObject({ type: 'tool_result', tool_use_id: call.id });
  expect(messages[called + 2]).toEqual({ role: 'assistant', content: [expect.objectContaining({ text: after })] });
  expect(JSON.stringify(messages.slice(called + 1))).toContain(APPROVED);
  expect(JSON.stringify(messages)).not.toContain(PLAN_HEADING);
}

describe("real clients in plan mode send the agent's plan back, and the agent gets its ExitPlanMode (ws)", () => {
  // Cline joins the agent's words after the plan to it; the plan's last line tells them apart.
  it("Cline CLI 3's window in plan mode (cline -p), which joins a turn's texts", { timeout: 90_000 }, async () => {
    stack = stopAfter(await startCliStack(WS, KEY));
    scriptPlanApproval(WAITING);
    // Cline resumes a session (--id) only in its window: `cline --json` takes one prompt.
    const tui = stopAfter(await startClineTui(tempDir('orchids-cline-work-'), stack.url, KEY, 'anthropic', ['-p']));
    await tui.submit(PLAN_ASK);
    await tui.waitFor(/cat settings\.txt/, 30_000);
    await tui.submit(APPROVED);
    await tui.waitFor(/Done\./, 30_000);
    const turns = turnsAbout(stack, PLAN_ABOUT);
    expect(turns).toHaveLength(3);
    // In plan mode Cline declares no editor but a switch to its act mode.
    expect(upstreamText(turns[0]!)).toContain('switch_to_act_mode');
    expectPlanCall(turns[2]!, WAITING);
  });

  // opencode sends the note back as a text of its own, so the agent's words after it are told from the plan.
  it('opencode (--agent plan, then --continue)', { timeout: 90_000 }, async () => {
    stack = stopAfter(await startCliStack(WS, KEY));
    scriptPlanApproval(WAITING);
    const work = tempDir('orchids-opencode-work-');
    const env = opencodeHome(config(stack.url, KEY, 'anthropic'));
    const args = ['--agent', 'plan'];
    const first = await runOpencode(work, PLAN_ASK, stack.url, KEY, { env, args, timeoutMs: 40_000 });
    expect(first.code, first.stderr + first.stdout).toBe(0);
    const second = await runOpencode(work, APPROVED, stack.url, KEY, { env, args: [...args, '--continue'] });
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(second.finalText).toBe('Done.');
    const turns = turnsAbout(stack, PLAN_ABOUT);
    expect(turns).toHaveLength(3);
    expect(upstreamText(turns[0]!)).toContain('Plan mode ACTIVE');
    expectPlanCall(turns[2]!, WAITING);
  });
});
