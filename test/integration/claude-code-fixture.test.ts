import fs from 'node:fs';
import path from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { sse, text, toolCall, finish } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { parseSse } from '../helpers/sse';
import { CLAUDE_CODE_FIXTURES, CLAUDE_CODE_REQUEST } from '../helpers/fixtures';
import { PINNED_MODES, upstreamModel, upstreamText } from '../helpers/upstream';

const FIXTURES = CLAUDE_CODE_FIXTURES;
const body = fs.readFileSync(CLAUDE_CODE_REQUEST);
const recorded = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'requests-2.1.197.headers.json'), 'utf8')) as Array<{
  method: string;
  url: string;
  headers: Record<string, string>;
}>;

/** The recorded headers, pointed at this server (Host included, as Claude Code sends it). */
function headersFor(index: number, url: string): Record<string, string> {
  const { host: _host, 'content-length': _length, connection: _c, ...rest } = recorded[index]!.headers;
  return { ...rest, host: new URL(url).host };
}

let stack: Stack;
afterEach(async () => stack?.stop());

describe('the request Claude Code 2.1.197 really sends', () => {
  it('answers the HEAD / connectivity probe', async () => {
    stack = await startStack();
    const probe = recorded[0]!;
    const response = await request(stack.url + probe.url, { method: 'HEAD', headers: headersFor(0, stack.url) });
    expect(response.statusCode).toBe(200);
    await response.body.dump();
  });

  it.each(PINNED_MODES)(
    'is accepted, converted without losing the user text, and streamed back with a tool call ($name)',
    async (mode) => {
      stack = await startStack({ protocol: mode.setting });
      stack.sim.enqueue(
        sse([
          ...text('Hi! What shall we work on?'),
          ...toolCall({ id: 'toolu_sim_bash_1', name: 'Bash', input: { command: 'ls' } }),
          ...finish('tool-calls', { inputTokens: 18000, outputTokens: 30 }),
        ]),
      );
      const call = recorded[1]!;
      const response = await request(stack.url + call.url, { method: 'POST', headers: headersFor(1, stack.url), body });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/event-stream');
      expect(response.headers['request-id']).toMatch(/^req_/);
      const events = parseSse(await response.body.text());
      expect(events.map((e) => e.event)).toEqual([
        'message_start',
        'content_block_start',
        'content_block_delta',
        'content_block_stop',
        'content_block_start',
        'content_block_delta',
        'content_block_stop',
        'message_delta',
        'message_stop',
      ]);
      expect(events[4]!.data.content_block).toMatchObject({ type: 'tool_use', name: 'Bash', id: 'toolu_sim_bash_1' });
      expect(JSON.parse(events[5]!.data.delta.partial_json)).toEqual({ command: 'ls' });
      expect(events[7]!.data).toMatchObject({
        delta: { stop_reason: 'tool_use' },
        usage: { output_tokens: 30, input_tokens: 18000 },
      });

      const sent = JSON.parse(body.toString('utf8'));
      const received = stack.sim.requests.at(-1)!;
      expect(received.protocol).toBe(mode.expect);
      const upstream = received.body;
      const seen = upstreamText(received);
      // The user's turn arrives whole: the reminder block and the words typed.
      for (const block of sent.messages[0].content) expect(seen).toContain(block.text.trim());
      // claude-opus-4-8 is not in the table: the opus family rule applies.
      expect(upstreamModel(received)).toBe('claude-opus-4-6');
      if (mode.expect === 'sse-a') {
        // The mid-conversation system message and the top-level system blocks are both in the system section.
        expect(upstream.prompt).toContain(sent.messages[1].content.slice(0, 200));
        expect(upstream.prompt).toContain(
          'You are an interactive agent that helps users with software engineering tasks.',
        );
        const upstreamTools = (upstream.tools as Array<{ name: string }>).map((tool) => tool.name);
        expect(upstreamTools).toContain('Bash');
        expect(upstreamTools).toContain('Agent');
        expect(upstreamTools.length).toBeGreaterThanOrEqual(20);
        expect(JSON.stringify(upstream.tools)).not.toContain('$schema');
      } else {
        // Generation B: both system parts in config.system, the conversation as blocks, no tools, thinking on
        // (adaptive).
        expect(upstream.config.system).toContain(sent.messages[1].content.slice(0, 200));
        expect(upstream.config.system).toContain(
          'You are an interactive agent that helps users with software engineering tasks.',
        );
        expect(upstream.config.thinkingMode).toBe('enabled');
        expect(upstream.messages).toHaveLength(sent.messages.length);
        expect(upstream.tools).toBeUndefined();
      }
    },
  );

  it('answers the non-streamed form of the same request', async () => {
    stack = await startStack();
    const nonStreamed = { ...JSON.parse(body.toString('utf8')), stream: false };
    const response = await request(`${stack.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: headersFor(1, stack.url),
      body: JSON.stringify(nonStreamed),
    });
    expect(response.statusCode).toBe(200);
    const message = (await response.body.json()) as { content: Array<{ type: string; text?: string }>; model: string };
    expect(message.model).toBe('claude-opus-4-8');
    expect(message.content[0]).toMatchObject({ type: 'text', text: 'Hello from the Orchids simulator.' });
  });
});
