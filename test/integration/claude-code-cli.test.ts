import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, httpError, reply, sse, text, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { ALL_MODES, answered, upstreamText } from '../helpers/upstream';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { OVERFLOW_ANSWER, OVERFLOW_PROMPT, overflowOnceRead, runClaude } from '../helpers/claude-code';
import { sentToolResults, twoSettingsToRename } from '../helpers/cli-clients';

/**
 * The real Claude Code CLI (pinned in devDependencies) pointed at Orchids Tray, exactly as a user would run it:
 * `ANTHROPIC_BASE_URL=<proxy> claude -p …`. The simulator plays the model: it asks Claude Code to Read a file,
 * and answers only once the file's contents come back in the tool_result. If any step of the tool loop broke
 * (our tool_use events, the tool name, Claude Code's next request, our rendering of its tool_result), the
 * answer could not contain the file's secret.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

describe.each(ALL_MODES)('Claude Code through Orchids Tray ($name)', (mode) => {
  it(
    'runs a whole tool loop unchanged: tool_use, the tool runs, tool_result, answer',
    { timeout: 90_000 },
    async () => {
      stack = await startStack({ protocol: mode.setting, serves: mode.serves });
      const work = tempDir('orchids-cc-work-');
      fs.writeFileSync(path.join(work, 'secret-plan.txt'), 'The plan is PINEAPPLE-42.\n');
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (seen.includes('PINEAPPLE-42')) return sse(reply('The file says the plan is PINEAPPLE-42.'));
        if (seen.includes('secret-plan.txt')) {
          return sse([
            ...text('Let me read it.'),
            ...toolCall({
              id: 'toolu_sim_read_0001',
              name: 'Read',
              input: { file_path: path.join(work, 'secret-plan.txt') },
            }),
            ...finish('tool-calls'),
          ]);
        }
        return undefined;
      });
      stack.core.settings.set('apiKey', 'test-claude-code-key');

      const result = await runClaude(work, 'What does secret-plan.txt in this folder say?', {
        ANTHROPIC_BASE_URL: stack.url,
        ANTHROPIC_API_KEY: 'test-claude-code-key',
      });
      expect(result.code, result.stderr).toBe(0);
      const output = JSON.parse(result.stdout) as { is_error: boolean; num_turns: number; result: string };
      expect(output).toMatchObject({
        is_error: false,
        num_turns: 2,
        result: 'The file says the plan is PINEAPPLE-42.',
      });

      const turns = answered(stack.sim.requests).filter((r) => /secret-plan\.txt|PINEAPPLE/.test(upstreamText(r)));
      expect(turns).toHaveLength(2);
      expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
      const [first, second] = turns as [AgentRequestInfo, AgentRequestInfo];
      if (mode.expect === 'sse-a') {
        // The second request carries Claude Code's tool_result, paired with our tool_use id, and the earlier turn in
        // history.
        expect(second.body.prompt).toMatch(/<tool_result tool_use_id="toolu_sim_read_0001">[\s\S]*PINEAPPLE-42/);
        expect(JSON.stringify(second.body.chatHistory)).toContain('toolu_sim_read_0001');
        expect((first.body.tools as Array<{ name: string }>).map((t) => t.name)).toContain('Read');
      } else {
        // Generation B: the conversation as blocks, the tool_result paired with our tool_use id, and no tools sent.
        const messages = second.body.messages as Array<{ role: string; content: unknown; ToolResults?: unknown[] }>;
        const toolUse = messages
          .flatMap((m) => (Array.isArray(m.content) ? m.content : []))
          .find((b) => b.type === 'tool_use');
        expect(toolUse).toMatchObject({ id: 'toolu_sim_read_0001', name: 'Read' });
        const resultMessage = messages.find((m) => m.ToolResults !== undefined)!;
        expect(resultMessage.ToolResults).toEqual([expect.objectContaining({ ToolUseID: 'toolu_sim_read_0001' })]);
        expect(JSON.stringify(resultMessage.content)).toContain('PINEAPPLE-42');
        expect(first.body.tools).toBeUndefined();
      }
    },
  );

  it(
    'compacts its history by itself when the upstream says the conversation outgrew the model, and goes on',
    { timeout: 90_000 },
    async () => {
      stack = await startStack({ protocol: mode.setting, serves: mode.serves });
      const work = tempDir('orchids-cc-work-');
      stack.sim.onAgentRequest(
        overflowOnceRead(work, 'toolu_sim_read_0002', () => httpError(400, '{"error":"input is too long"}')),
      );
      stack.core.settings.set('apiKey', 'test-claude-code-key');

      const result = await runClaude(work, OVERFLOW_PROMPT, {
        ANTHROPIC_BASE_URL: stack.url,
        ANTHROPIC_API_KEY: 'test-claude-code-key',
      });
      expect(result.code, result.stderr).toBe(0);
      const output = JSON.parse(result.stdout) as { is_error: boolean; result: string };
      expect(output).toMatchObject({ is_error: false, result: OVERFLOW_ANSWER });
      // The refused turn, then Claude Code's own summary request, then the turn again on the summary alone: the
      // tool_result that made the conversation too long is gone from it.
      const texts = answered(stack.sim.requests)
        .map(upstreamText)
        .filter((t) => t.includes('notes.txt'));
      expect(texts.map((t) => /provide your summary/i.test(t))).toEqual([false, false, true, false]);
      expect(texts.at(-1)).toContain('continued from a previous conversation');
    },
  );
});

describe.each(ALL_MODES.filter((m) => m.expect !== 'sse-a'))(
  'Claude Code searches through its Bash on Generation B ($name)',
  (mode) => {
    it(
      "runs the agent's Grep, which Claude Code 2.1 no longer declares, as a Bash command",
      { timeout: 90_000 },
      async () => {
        stack = await startStack({ protocol: mode.setting, serves: mode.serves });
        const work = tempDir('orchids-cc-work-');
        fs.writeFileSync(path.join(work, 'ledger.txt'), 'The vault code is GUAVA-73.\n');
        stack.sim.onAgentRequest((req) => {
          const seen = upstreamText(req);
          if (seen.includes('GUAVA-73')) return sse(reply('The vault code is GUAVA-73.'));
          if (!seen.includes('vault code')) return undefined;
          const grep = { pattern: 'vault code', path: work, output_mode: 'content' };
          return sse([...toolCall({ id: 'toolu_sim_grep_0002', name: 'Grep', input: grep }), ...finish('tool-calls')]);
        });
        stack.core.settings.set('apiKey', 'test-claude-code-key');

        const result = await runClaude(
          work,
          'Find the vault code in this folder.',
          { ANTHROPIC_BASE_URL: stack.url, ANTHROPIC_API_KEY: 'test-claude-code-key' },
          { allowedTools: ['Bash'] },
        );
        expect(result.code, result.stderr).toBe(0);
        const output = JSON.parse(result.stdout) as { is_error: boolean; num_turns: number; result: string };
        expect(output).toMatchObject({ is_error: false, num_turns: 2, result: 'The vault code is GUAVA-73.' });
        const [, second] = answered(stack.sim.requests).filter((r) => /vault code/.test(upstreamText(r)));
        const toolUse = (second!.body.messages as Array<{ content: unknown }>)
          .flatMap((m) => (Array.isArray(m.content) ? (m.content as Array<Record<string, unknown>>) : []))
          .find((b) => b.type === 'tool_use');
        expect(toolUse).toMatchObject({
          id: 'toolu_sim_grep_0002',
          name: 'Bash',
          input: { command: expect.stringContaining("-e 'vault code'") },
        });
      },
    );

    it(
      "tells the agent its search found nothing as its own Grep and Glob do, not as Bash's exit 1",
      {
        timeout: 90_000,
      },
      async () => {
        stack = await startStack({ protocol: mode.setting, serves: mode.serves });
        const work = tempDir('orchids-cc-work-');
        fs.writeFileSync(path.join(work, 'ledger.txt'), 'Nothing about vaults.\n');
        stack.sim.onAgentRequest((req) => {
          const seen = upstreamText(req);
          // Answered whatever the results say, so a wrong result fails the assertions below rather than the run.
          if (JSON.stringify(req.body.messages).includes('toolu_sim_glob_0007')) {
            return sse(reply('There is no vault code here.'));
          }
          if (!seen.includes('vault code')) return undefined;
          return sse([
            ...toolCall({ id: 'toolu_sim_grep_0006', name: 'Grep', input: { pattern: 'VAULT-\\d+', path: work } }),
            ...toolCall({ id: 'toolu_sim_glob_0007', name: 'Glob', input: { pattern: '*.vault', path: work } }),
            ...finish('tool-calls'),
          ]);
        });
        stack.core.settings.set('apiKey', 'test-claude-code-key');

        const result = await runClaude(
          work,
          'Find the vault code in this folder.',
          { ANTHROPIC_BASE_URL: stack.url, ANTHROPIC_API_KEY: 'test-claude-code-key' },
          { allowedTools: ['Bash'] },
        );
        expect(result.code, result.stderr).toBe(0);
        const [, second] = answered(stack.sim.requests).filter((r) => /vault code/.test(upstreamText(r)));
        const results = sentToolResults(second!);
        // Claude Code's Bash said `Exit code 1` (an error) and `(Bash completed with no output)`; any notes Claude Code
        // added after a result are kept.
        expect(results.map((b) => [b.tool_use_id, String(b.content).split('\n')[0], b.is_error])).toEqual([
          ['toolu_sim_grep_0006', 'No matches found.', undefined],
          ['toolu_sim_glob_0007', 'No files found.', undefined],
        ]);
      },
    );

    it("goes on past the agent's TodoWrite, which Claude Code 2.1 does not declare", { timeout: 90_000 }, async () => {
      stack = await startStack({ protocol: mode.setting, serves: mode.serves });
      const work = tempDir('orchids-cc-work-');
      fs.writeFileSync(path.join(work, 'recipe.txt'), 'The secret spice is SAFFRON-19.\n');
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (seen.includes('SAFFRON-19')) return sse(reply('The secret spice is SAFFRON-19.'));
        if (seen.includes('your plan was shown to the user as a checklist')) {
          const read = { file_path: path.join(work, 'recipe.txt') };
          return sse([...toolCall({ id: 'toolu_sim_read_0003', name: 'Read', input: read }), ...finish('tool-calls')]);
        }
        if (!seen.includes('secret spice')) return undefined;
        const todos = [{ content: 'Read the recipe', status: 'in_progress', activeForm: 'Reading the recipe' }];
        return sse([
          ...toolCall({ id: 'toolu_sim_todo_0003', name: 'TodoWrite', input: { todos } }),
          ...finish('tool-calls'),
        ]);
      });
      stack.core.settings.set('apiKey', 'test-claude-code-key');

      const result = await runClaude(work, 'What is the secret spice in recipe.txt?', {
        ANTHROPIC_BASE_URL: stack.url,
        ANTHROPIC_API_KEY: 'test-claude-code-key',
      });
      expect(result.code, result.stderr).toBe(0);
      const output = JSON.parse(result.stdout) as { is_error: boolean; num_turns: number; result: string };
      expect(output).toMatchObject({ is_error: false, num_turns: 2, result: 'The secret spice is SAFFRON-19.' });
      // Three agent turns for Claude Code's two requests: the proxy answered the TodoWrite itself.
      const upstream = answered(stack.sim.requests).filter((r) => /secret spice/.test(upstreamText(r)));
      expect(upstream.map((r) => r.protocol)).toEqual([mode.expect, mode.expect, mode.expect]);
      // Claude Code was shown the plan as a checklist and sends it back in the agent's turn: the agent gets its
      // TodoWrite and the answer it was given instead (orchids/shown-calls.ts), which Claude Code never saw.
      const third = upstreamText(upstream[2]!);
      expect(third).not.toContain('this client has no to-do tool to show it in');
      expect(third).toContain('Read the recipe');
      expect(third).toContain('your plan was shown to the user as a checklist');
    });

    it(
      "makes the agent's MultiEdit, which Claude Code 2.1 does not declare, one Edit an edit",
      { timeout: 90_000 },
      async () => {
        stack = await startStack({ protocol: mode.setting, serves: mode.serves });
        const { work, file, multiEdit, renamed } = twoSettingsToRename('orchids-cc-work-', 'settings.txt');
        stack.sim.onAgentRequest((req) => {
          const seen = upstreamText(req);
          if (seen.includes('toolu_sim_multi_0001-2')) return sse(reply('Both settings are renamed.'));
          if (seen.includes('alpha = 1')) {
            return sse([
              ...toolCall({ id: 'toolu_sim_multi_0001', name: 'MultiEdit', input: multiEdit }),
              ...finish('tool-calls'),
            ]);
          }
          if (!seen.includes('settings.txt')) return undefined;
          return sse([
            ...toolCall({ id: 'toolu_sim_read_0004', name: 'Read', input: { file_path: file } }),
            ...finish('tool-calls'),
          ]);
        });
        stack.core.settings.set('apiKey', 'test-claude-code-key');

        const result = await runClaude(
          work,
          'Rename alpha to gamma and beta to delta in settings.txt.',
          { ANTHROPIC_BASE_URL: stack.url, ANTHROPIC_API_KEY: 'test-claude-code-key' },
          { allowedTools: ['Edit'] },
        );
        expect(result.code, result.stderr).toBe(0);
        const output = JSON.parse(result.stdout) as { is_error: boolean; result: string };
        expect(output).toMatchObject({ is_error: false, result: 'Both settings are renamed.' });
        // Claude Code ran both edits, in order, on the file, and three agent turns were all it took: none was spent
        // on a declined call. (Claude Code's own num_turns counts each tool_use block of a turn.)
        expect(fs.readFileSync(file, 'utf8')).toBe(renamed);
        const upstream = answered(stack.sim.requests).filter((r) => /settings\.txt/.test(upstreamText(r)));
        expect(upstream).toHaveLength(3);
        const last = upstreamText(upstream[2]!);
        expect(last).not.toContain('no tool named');
        for (const id of ['toolu_sim_multi_0001', 'toolu_sim_multi_0001-2']) expect(last).toContain(id);
      },
    );
  },
);
