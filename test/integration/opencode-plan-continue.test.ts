import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { PINNED_MODES, pinnedMode, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { sentToolResults, served, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { config, opencodeHome, runOpencode } from '../helpers/opencode';

/**
 * The real opencode CLI on Generation B, in two ways of running it the other opencode tests do not: its plan agent
 * (`opencode run --agent plan`, Tab in its terminal window), and a second `opencode run` that continues the first's
 * session (`--continue`, `--session <id>`), whose history opencode keeps and sends again.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-opencode-plan-key';
const SECRET = 'PAPAYA-19';
const GEN_B = PINNED_MODES.filter((m) => m.expect !== 'sse-a');

/** opencode's words for a call its plan agent's rules deny. */
const DENIED = 'The user has specified a rule which prevents you from using this specific tool call';

/** The messages of a Generation B turn, each with its role and its content as blocks. */
function conversation(request: AgentRequestInfo): Array<{ role: string; blocks: Array<Record<string, unknown>> }> {
  return (request.body.messages as Array<{ role: string; content: unknown }>).map((m) => ({
    role: m.role,
    blocks: typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content as never),
  }));
}

describe.each(GEN_B)("opencode's plan agent ($name)", (mode) => {
  // opencode 1.18's plan agent still declares edit and write, and refuses them by a rule when called. The agent of
  // Claude Code's kind may also call ExitPlanMode, which opencode has no tool for.
  it('refuses the agent’s edit, and the agent learns why', { timeout: 90_000 }, async () => {
    stack = await startCliStack(mode, KEY);
    const work = tempDir('orchids-opencode-work-');
    const file = path.join(work, 'settings.txt');
    fs.writeFileSync(file, 'alpha = 1\n');
    const edit = { file_path: file, old_string: 'alpha = 1', new_string: 'gamma = 1' };
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (!seen.includes('Rename alpha')) return undefined;
      if (seen.includes(DENIED)) return sse(reply('Plan mode: the rename of alpha waits until you leave it.'));
      if (seen.includes('your plan was shown to the user as text')) {
        return sse([...toolCall({ id: 'toolu_sim_plan_edit', name: 'Edit', input: edit }), ...finish('tool-calls')]);
      }
      const exit = { id: 'toolu_sim_plan_exit', name: 'ExitPlanMode', input: { plan: 'Rename alpha to gamma.' } };
      return sse([...text('The plan is ready.'), ...toolCall(exit), ...finish('tool-calls')]);
    });

    const run = await runOpencode(work, 'Rename alpha in settings.txt', stack.url, KEY, { args: ['--agent', 'plan'] });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('Plan mode: the rename of alpha waits until you leave it.');
    // The user saw the plan opencode has no tool to approve, the Edit reached opencode as its edit, which refused it.
    const texts = run.events.flatMap((e) => (e.type === 'text' ? [e.part?.text ?? ''] : []));
    expect(texts.join('\n')).toContain(
      "The agent's plan, for your approval (this client has no tool to approve it with):\n\nRename alpha to gamma.",
    );
    expect(run.tools).toEqual([
      expect.objectContaining({
        tool: 'edit',
        callID: 'toolu_sim_plan_edit',
        state: expect.objectContaining({
          status: 'error',
          input: { filePath: file, oldString: 'alpha = 1', newString: 'gamma = 1' },
          error: expect.stringContaining(DENIED),
        }),
      }),
    ]);
    expect(fs.readFileSync(file, 'utf8')).toBe('alpha = 1\n');

    const [first, continued, afterRefusal, ...more] = turnsAbout(stack, /Rename alpha/);
    expect(more).toEqual([]);
    expect(upstreamText(first!)).toContain('Plan mode ACTIVE');
    // The proxy answered ExitPlanMode in the same turn: the plan reached the user, who answers it.
    const [lacked] = sentToolResults(continued!);
    expect(lacked).toMatchObject({ tool_use_id: 'toolu_sim_plan_exit' });
    expect(lacked!['is_error']).toBeUndefined();
    expect(JSON.stringify(lacked)).toContain('End your turn now: the user will answer it in their next message.');
    // opencode's refusal went up as the edit's error result, in the turn after the call.
    const refusal = sentToolResults(afterRefusal!).find((r) => r.tool_use_id === 'toolu_sim_plan_edit');
    expect(refusal).toMatchObject({ is_error: true, content: expect.stringContaining(DENIED) });
    expect((await served(stack)).map((row) => [row.status, row.protocol])).toEqual([
      [200, mode.expect],
      [200, mode.expect],
    ]);
  });
});

/** How the second run picks up the first's session: the newest one, or the one named. */
const RESUMES = [
  { protocol: 'ws', resume: 'continue', tool: 'Bash' },
  { protocol: 'sse-b', resume: 'session', tool: 'Read' },
] as const;

describe.each(RESUMES)('opencode run, continued ($protocol, --$resume)', ({ protocol, resume, tool }) => {
  it('sends the earlier call and its result again, in order', { timeout: 90_000 }, async () => {
    stack = await startCliStack(pinnedMode(protocol), KEY);
    const work = tempDir('orchids-opencode-work-');
    const file = path.join(work, 'plan.txt');
    fs.writeFileSync(file, `The plan is ${SECRET}.\n`);
    const input = tool === 'Bash' ? { command: 'cat plan.txt', description: 'Show the plan' } : { file_path: file };
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes('And the day after?')) return sse(reply('The day after comes next.'));
      if (seen.includes(SECRET)) return sse(reply(`The plan is ${SECRET}.`));
      if (!seen.includes('plan.txt')) return undefined;
      return sse([
        ...text('Reading it.'),
        ...toolCall({ id: 'toolu_sim_resume', name: tool, input }),
        ...finish('tool-calls'),
      ]);
    });

    // Both runs in one home: opencode keeps its sessions there.
    const env = opencodeHome(config(stack.url, KEY, 'anthropic'));
    const first = await runOpencode(work, 'What does plan.txt say?', stack.url, KEY, { env });
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.finalText).toBe(`The plan is ${SECRET}.`);
    const session = first.events[0]?.sessionID as string;
    const args = resume === 'continue' ? ['--continue'] : ['--session', session];
    const second = await runOpencode(work, 'And the day after?', stack.url, KEY, { env, args });
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(second.finalText).toBe('The day after comes next.');
    expect(second.events[0]?.sessionID).toBe(session);

    const [turn, ...more] = turnsAbout(stack, /And the day after\?/);
    expect(more).toEqual([]);
    const messages = conversation(turn!);
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user']);
    expect(messages[0]!.blocks).toEqual([
      expect.objectContaining({ type: 'text', text: expect.stringContaining('plan.txt') }),
    ]);
    // The call as opencode ran it (its own tool's name and input), then what it gave, then the answer.
    expect(messages[1]!.blocks).toEqual([
      expect.objectContaining({ type: 'text', text: 'Reading it.' }),
      expect.objectContaining({ type: 'tool_use', id: 'toolu_sim_resume', name: tool.toLowerCase() }),
    ]);
    expect(messages[2]!.blocks).toEqual([
      expect.objectContaining({
        type: 'tool_result',
        tool_use_id: 'toolu_sim_resume',
        content: expect.stringContaining(SECRET),
      }),
    ]);
    expect(messages[3]!.blocks).toEqual([expect.objectContaining({ type: 'text', text: `The plan is ${SECRET}.` })]);
    expect(JSON.stringify(messages[4]!.blocks)).toContain('And the day after?');
    expect((await served(stack)).map((row) => [row.status, row.protocol])).toEqual([
      [200, protocol],
      [200, protocol],
      [200, protocol],
    ]);
  });
});
