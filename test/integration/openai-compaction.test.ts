import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finish, sse, text, toolCall } from '../sim/orchids-simulator';
import { PINNED_MODES, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { served, startCliStack } from '../helpers/cli-clients';
import { parseSse } from '../helpers/sse';

/**
 * Codex's remote compaction (openai/compaction.ts) when the model, asked for the summary, calls a tool as well or
 * instead: the client gets the one `compaction` item carrying all the text written around the call, and no call; an
 * answer with no text at all fails the compaction rather than give Codex an empty history in place of its own.
 * Through the real server and the simulator, each upstream generation, streamed as Codex asks and not.
 */
const KEY = 'test-compaction-key';
const MARKER = 'orchids-tray-summary:v1:';
const EXEC = { type: 'function', name: 'exec_command', parameters: { type: 'object', properties: {} } };
const INPUT = [
  { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Print the code.' }] },
  { type: 'compaction_trigger' },
];

/** The summary a compaction item carries. */
const summaryOf = (item: { encrypted_content: string }): string =>
  Buffer.from(item.encrypted_content.slice(MARKER.length), 'base64').toString('utf8');

async function compact(stack: Stack, stream: boolean): Promise<Response> {
  return fetch(`${stack.url}/v1/responses`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-4-6', stream, store: false, input: INPUT, tools: [EXEC] }),
  });
}

for (const mode of PINNED_MODES) {
  describe(`a compaction whose answer calls a tool (${mode.expect})`, () => {
    let stack: Stack;
    let withText = true;
    beforeAll(async () => {
      stack = await startCliStack(mode, KEY);
      stack.sim.onAgentRequest((req) => {
        if (!upstreamText(req).includes('Write a summary of the conversation')) return undefined;
        const call = toolCall({ id: 'toolu_sim_cmp_0001', name: 'Bash', input: { command: 'ls' } });
        if (!withText) return sse([...call, ...finish('tool-calls')]);
        return sse([
          ...text('SUMMARY: the goal is KIWI. ', { id: '1' }),
          ...call,
          ...text('Next: print KIWI-7.', { id: '2' }),
          ...finish('tool-calls'),
        ]);
      });
    });
    afterAll(async () => stack.stop());

    it('streamed, the compaction item keeps the text before and after the call, and no call goes', async () => {
      withText = true;
      const res = await compact(stack, true);
      expect(res.status).toBe(200);
      const events = parseSse(await res.text()).map((e) => e.data);
      const completed = events.find((e) => e.type === 'response.completed');
      expect(completed.response.output).toEqual([expect.objectContaining({ type: 'compaction' })]);
      expect(summaryOf(completed.response.output[0])).toBe('SUMMARY: the goal is KIWI. Next: print KIWI-7.');
      expect(
        events.filter((e) => e.type !== 'response.created' && e.type !== 'response.in_progress').map((e) => e.type),
      ).toEqual(['response.output_item.added', 'response.output_item.done', 'response.completed']);
    });

    it('not streamed, the one output item is that compaction', async () => {
      withText = true;
      const res = await compact(stack, false);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { output: Array<{ type: string; encrypted_content: string }> };
      expect(body.output.map((item) => item.type)).toEqual(['compaction']);
      expect(summaryOf(body.output[0]!)).toBe('SUMMARY: the goal is KIWI. Next: print KIWI-7.');
    });

    it('with only a call and no text, fails the compaction, streamed or not, and sends no empty summary', async () => {
      withText = false;
      const streamed = await compact(stack, true);
      const events = parseSse(await streamed.text()).map((e) => e.data);
      expect(events.map((e) => e.type).filter((type) => type.startsWith('response.output_item'))).toEqual([]);
      const failed = events.find((e) => e.type === 'response.failed');
      expect(failed?.response.error.message).toMatch(/wrote no summary.*nothing was compacted/);
      expect(events.map((e) => e.type)).not.toContain('response.completed');

      const whole = await compact(stack, false);
      expect(whole.status).toBe(502);
      const body = (await whole.json()) as { error: { message: string } };
      expect(body.error.message).toMatch(/wrote no summary.*nothing was compacted/);
      // The history shows each as the failure the client saw, not as an answer served.
      const rows = await served(stack);
      expect(
        rows
          .filter((row) => row.status === 502)
          .map((row) => row.stream)
          .sort(),
      ).toEqual([false, true]);
    });
  });
}

/**
 * Generation B's agent may update its to-do list while it writes the summary. Codex declares no TodoWrite (nor, by
 * default, its plan tool), so in an ordinary turn the list is shown as the proxy's checklist note and the agent is
 * told to go on with the task. In a compaction that note would become part of the summary, read back as the user's
 * words in every later request, and the agent's going on with the task a second upstream request whose text joined
 * it: the call is dropped like any other, and the summary is the agent's own text.
 */
for (const mode of PINNED_MODES.filter((m) => m.expect !== 'sse-a')) {
  describe(`a compaction whose answer updates the agent's to-do list (${mode.expect})`, () => {
    let stack: Stack;
    let asked = 0;
    beforeAll(async () => {
      stack = await startCliStack(mode, KEY);
      stack.sim.onAgentRequest((req) => {
        if (!upstreamText(req).includes('Write a summary of the conversation')) return undefined;
        asked += 1;
        const todos = [{ content: 'Print KIWI-7', status: 'in_progress', activeForm: 'Printing KIWI-7' }];
        return sse([
          ...text('SUMMARY: the goal is KIWI. ', { id: '1' }),
          ...toolCall({ id: `toolu_sim_cmp_todo_${asked}`, name: 'TodoWrite', input: { todos } }),
          ...finish('tool-calls'),
        ]);
      });
    });
    afterAll(async () => stack.stop());

    it.each([true, false])('streamed %s: the summary is the text alone, from one upstream request', async (stream) => {
      asked = 0;
      const res = await compact(stack, stream);
      expect(res.status).toBe(200);
      const output = stream
        ? parseSse(await res.text())
            .map((e) => e.data)
            .find((e) => e.type === 'response.completed').response.output
        : ((await res.json()) as { output: Array<{ type: string; encrypted_content: string }> }).output;
      expect(output.map((item: { type: string }) => item.type)).toEqual(['compaction']);
      expect(summaryOf(output[0])).toBe('SUMMARY: the goal is KIWI. ');
      expect(asked).toBe(1);
    });
  });
}
