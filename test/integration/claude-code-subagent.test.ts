import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { ALL_MODES, answered, upstreamText } from '../helpers/upstream';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { runClaude } from '../helpers/claude-code';
import { claudeCodeEnv } from '../../contract/claude-code-env';

/**
 * Generation B's agent hands work to a sub-agent with its own Task and waits for the answer. The real Claude Code
 * runs it with its Agent tool, whose sub-agent makes its own requests through the proxy (the simulator plays both
 * agents here), and the answer must come back as the Task's result, in the same turn of the main conversation.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-claude-code-key';
const TASK_ID = 'toolu_sim_task_0001';

/** The result the main agent was sent for its Task, as text. */
function taskResult(request: AgentRequestInfo): string {
  const blocks = (request.body.messages as Array<{ content: unknown }>).flatMap((message) =>
    Array.isArray(message.content) ? (message.content as Array<Record<string, unknown>>) : [],
  );
  const result = blocks.find((block) => block.type === 'tool_result' && block.tool_use_id === TASK_ID);
  return JSON.stringify(result?.content ?? '');
}

describe.each(ALL_MODES.filter((m) => m.expect !== 'sse-a'))(
  "Claude Code runs the agent's Task as a sub-agent on Generation B ($name)",
  (mode) => {
    it('waits for the sub-agent, and the agent reads its answer as the Task result', { timeout: 120_000 }, async () => {
      stack = await startStack({ protocol: mode.setting, serves: mode.serves });
      const work = tempDir('orchids-cc-work-');
      const recipe = path.join(work, 'recipe.txt');
      fs.writeFileSync(recipe, 'The secret spice is SAFFRON-19.\n');
      const task = {
        description: 'Find the spice',
        prompt: 'Read recipe.txt and report the secret spice.',
        subagent_type: 'general-purpose',
      };
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (seen.includes('What is the secret spice')) {
          // The main agent: hands the reading to a sub-agent, then answers from what it reported.
          if (taskResult(req).includes('SAFFRON-19')) return sse(reply('My sub-agent found SAFFRON-19.'));
          return sse([...toolCall({ id: TASK_ID, name: 'Task', input: task }), ...finish('tool-calls')]);
        }
        if (!seen.includes('report the secret spice')) return undefined;
        // The sub-agent: reads the file, then reports.
        if (seen.includes('SAFFRON-19')) return sse(reply('The secret spice is SAFFRON-19.'));
        const read = toolCall({ id: 'toolu_sim_read_0002', name: 'Read', input: { file_path: recipe } });
        return sse([...read, ...finish('tool-calls')]);
      });
      stack.core.settings.set('apiKey', KEY);

      const result = await runClaude(work, 'What is the secret spice in recipe.txt?', {
        ...Object.fromEntries(claudeCodeEnv(stack.url, KEY)),
      });
      expect(result.code, result.stderr).toBe(0);
      const output = JSON.parse(result.stdout) as { is_error: boolean; result: string };
      expect(output).toMatchObject({ is_error: false, result: 'My sub-agent found SAFFRON-19.' });
      // Two turns of the main agent, the second with the sub-agent's report as its Task's result; two of the
      // sub-agent's own.
      const turns = answered(stack.sim.requests);
      const main = turns.filter((r) => upstreamText(r).includes('What is the secret spice'));
      const sub = turns.filter((r) => !main.includes(r) && upstreamText(r).includes('report the secret spice'));
      expect(main).toHaveLength(2);
      expect(sub).toHaveLength(2);
      expect(taskResult(main[1]!)).toContain('The secret spice is SAFFRON-19.');
    });
  },
);
