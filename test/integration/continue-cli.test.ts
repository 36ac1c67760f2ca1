import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { ALL_MODES, PINNED_MODES, upstreamText, type ProtocolMode } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { startCliStack, turnsAbout as turnsIn, served as servedBy, type ServedRow } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { runContinue } from '../helpers/continue';

/**
 * The real Continue CLI (`cn`, pinned in devDependencies) pointed at Orchids Tray the way a user would: a config.yaml
 * naming the proxy as a model through Continue's `anthropic` provider (`/v1/messages`) or its `openai` one
 * (`/v1/chat/completions`), then `cn -p …`. The simulator plays the model and answers only once what Continue's
 * tool produced comes back to it, so each answer proves the whole loop: our streamed tool call, Continue running
 * the tool, Continue's next request with the tool's output, and our rendering of that output upstream.
 *
 * Continue declares its tools as Anthropic tools (`Read` with `filepath`, `List` with `dirpath`, `Bash`, …).
 * Generation A (`sse-a`) is shown them as declared, so the simulated model calls them so. Generation B (`ws`,
 * `sse-b`) is shown no client tools: its agent calls its own (`Bash`, `Read` with `file_path`), which the proxy maps
 * to what Continue declared and whose input it shapes as Continue's schema wants.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-continue-key';
const SECRET = 'PAPAYA-58';

async function start(mode: ProtocolMode): Promise<Stack> {
  stack = await startCliStack(mode, KEY);
  return stack;
}

const turnsAbout = (pattern: RegExp): AgentRequestInfo[] => turnsIn(stack, pattern);

const served = (): Promise<ServedRow[]> => servedBy(stack);

function workWithSecret(): string {
  const work = tempDir('orchids-continue-work-');
  fs.writeFileSync(path.join(work, 'secret-plan.txt'), `The plan is ${SECRET}.\n`);
  return work;
}

/** Scripts the simulator to run the shell on the secret and answer once the secret comes back. */
function scriptShellLoop(callId: string): void {
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (seen.includes(SECRET)) return sse(reply(`The file says the plan is ${SECRET}.`));
    if (!seen.includes('secret-plan.txt')) return undefined;
    const call = { id: callId, name: 'Bash', input: { command: 'cat secret-plan.txt' } };
    return sse([...text('Let me read it.'), ...toolCall(call), ...finish('tool-calls')]);
  });
}

describe.each(ALL_MODES)('Continue CLI through Orchids Tray ($name)', (mode) => {
  const genA = mode.expect === 'sse-a';

  it('prints a streamed answer', { timeout: 90_000 }, async () => {
    await start(mode);
    const answer = 'Hello from Orchids, in five streamed pieces.';
    stack.sim.onAgentRequest((req) =>
      upstreamText(req).includes('Say hello') ? sse([...text(answer, { chunks: 5 }), ...finish()]) : undefined,
    );

    const run = await runContinue(tempDir('orchids-continue-work-'), 'Say hello', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe(answer);
    expect(turnsAbout(/Say hello/).map((t) => t.protocol)).toEqual([mode.expect]);
    expect(await served()).toEqual([{ api: 'anthropic', stream: true, status: 200, protocol: mode.expect }]);
  });

  it('runs its Bash tool and answers from the output', { timeout: 90_000 }, async () => {
    await start(mode);
    scriptShellLoop('toolu_sim_shell_0001');

    const run = await runContinue(workWithSecret(), 'What does secret-plan.txt in this folder say?', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe(`The file says the plan is ${SECRET}.`);

    const turns = turnsAbout(/secret-plan\.txt/);
    expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
    const [first, second] = turns as [AgentRequestInfo, AgentRequestInfo];
    // Continue ran the command itself: the secret reached the model only through the command's output.
    expect(upstreamText(first)).not.toContain(SECRET);
    if (genA) {
      const offered = (first.body.tools as Array<{ name: string }>).map((t) => t.name);
      expect(offered).toEqual(expect.arrayContaining(['Read', 'List', 'Bash']));
      expect(second.body.prompt).toMatch(
        new RegExp(`<tool_result tool_use_id="toolu_sim_shell_0001">[\\s\\S]*${SECRET}`),
      );
    } else {
      expect(first.body.tools).toBeUndefined();
      const messages = second.body.messages as Array<{ content: unknown; ToolResults?: unknown[] }>;
      const resultMessage = messages.find((m) => m.ToolResults !== undefined)!;
      expect(resultMessage.ToolResults).toEqual([expect.objectContaining({ ToolUseID: 'toolu_sim_shell_0001' })]);
      expect(JSON.stringify(resultMessage.content)).toContain(SECRET);
    }
    expect(await served()).toEqual([
      { api: 'anthropic', stream: true, status: 200, protocol: mode.expect },
      { api: 'anthropic', stream: true, status: 200, protocol: mode.expect },
    ]);
  });

  it('reads a file with its Read tool', { timeout: 90_000 }, async () => {
    await start(mode);
    const work = tempDir('orchids-continue-work-');
    const file = path.join(work, 'notes.txt');
    fs.writeFileSync(file, 'Remember MANGO-77.\n');
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes('MANGO-77')) return sse(reply('The notes say MANGO-77.'));
      if (!seen.includes('notes.txt')) return undefined;
      // Generation B's agent names the path `file_path`; only the proxy can give Continue the `filepath` it requires.
      const input = genA ? { filepath: file } : { file_path: file };
      return sse([...toolCall({ id: 'toolu_sim_read_0001', name: 'Read', input }), ...finish('tool-calls')]);
    });

    const run = await runContinue(work, 'What do my notes.txt say?', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('The notes say MANGO-77.');
    expect(turnsAbout(/notes\.txt/).map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
  });

  it('lists a folder with its List tool', { timeout: 90_000 }, async () => {
    await start(mode);
    const work = tempDir('orchids-continue-work-');
    fs.writeFileSync(path.join(work, 'KIWI-31.txt'), 'fruit\n');
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes('KIWI-31.txt')) return sse(reply('The folder holds KIWI-31.txt.'));
      if (!seen.includes('which files')) return undefined;
      // Generation B's agent lists with LS and `path`; Continue's List requires `dirpath`.
      const input = genA ? { dirpath: work } : { path: work };
      const name = genA ? 'List' : 'LS';
      return sse([...toolCall({ id: 'toolu_sim_list_0001', name, input }), ...finish('tool-calls')]);
    });

    const run = await runContinue(work, 'Tell me which files are here.', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('The folder holds KIWI-31.txt.');
    expect(turnsAbout(/which files/).map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
  });
});

describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-b'))(
  'Continue CLI through its OpenAI provider ($name)',
  (mode) => {
    it('runs its Bash tool over /v1/chat/completions', { timeout: 90_000 }, async () => {
      await start(mode);
      scriptShellLoop('toolu_sim_shell_0002');

      const run = await runContinue(workWithSecret(), 'What does secret-plan.txt say?', stack.url, KEY, {
        api: 'openai',
      });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.answer).toBe(`The file says the plan is ${SECRET}.`);
      const turns = turnsAbout(/secret-plan\.txt/);
      expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
      expect(upstreamText(turns[0]!)).not.toContain(SECRET);
      expect(await served()).toEqual([
        { api: 'openai-chat', stream: true, status: 200, protocol: mode.expect },
        { api: 'openai-chat', stream: true, status: 200, protocol: mode.expect },
      ]);
    });
  },
);
