import { afterEach, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack';
import { parseSse } from '../helpers/sse';
import { postMessages } from '../helpers/messages';

/**
 * What the app puts on the wire when an account speaks Generation A (protocol page 2.1, 2.2, 7.4), through the whole
 * app to the simulator, which refuses any key the last Generation A client did not write (test/sim/shapes.ts).
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const TOOLS = [
  {
    name: 'Read',
    description: 'Read a file',
    input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] },
  },
  // No description: the reference client wrote none (omitempty), so neither does the app.
  { name: 'Glob', input_schema: { type: 'object', properties: { pattern: { type: 'string' } } } },
];

describe('Generation A on the wire', () => {
  // Spec 2.1: exactly these four headers of the app's own, and none of Generation B's (user agent, XHR marker,
  // cookie). Node's fetch stack adds host, content-length and connection, which are HTTP's, not the protocol's.
  it('posts with the Generation A headers and every AgentRequest key, in the reference order', async () => {
    stack = await startStack({ protocol: 'sse-a' });
    const response = await postMessages(stack.url, {
      model: 'claude-sonnet-4-5',
      max_tokens: 50,
      stream: true,
      system: 'be brief',
      tools: TOOLS,
      messages: [
        { role: 'user', content: 'read a.ts' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 'toolu_1', name: 'Read', input: { file_path: 'a.ts' } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'export {}' }] },
      ],
    });
    const raw = await response.body.text();
    expect(response.statusCode, raw).toBe(200);
    expect(parseSse(raw).at(-1)?.event).toBe('message_stop');

    const [request] = stack.sim.requests;
    expect(request!.protocol).toBe('sse-a');
    expect(request!.rejected).toBeUndefined();
    const { headers } = request!;
    expect(headers).toMatchObject({
      accept: 'text/event-stream',
      'content-type': 'application/json',
      'x-orchids-api-version': '2',
    });
    expect(headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]*$/);
    for (const absent of ['user-agent', 'x-requested-with', 'cookie', 'origin']) {
      expect(headers[absent], absent).toBeUndefined();
    }

    const body = request!.body as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'prompt',
      'chatHistory',
      'projectId',
      'currentPage',
      'agentMode',
      'mode',
      'gitRepoUrl',
      'email',
      'chatSessionId',
      'userId',
      'apiVersion',
      'model',
      'tools',
    ]);
    const user = stack.users[0]!;
    expect(body).toMatchObject({
      projectId: '00000000-0000-0000-0000-000000000000',
      currentPage: {},
      agentMode: 'claude-sonnet-4-6',
      model: 'claude-sonnet-4-6',
      mode: 'agent',
      gitRepoUrl: '',
      email: user.email,
      userId: user.userId,
      apiVersion: 2,
    });
    expect(body.chatSessionId).toMatch(/^chat_[0-9a-f]{16}$/);
    expect(body.chatHistory).toEqual([
      { role: 'user', content: 'read a.ts' },
      { role: 'assistant', content: '<tool_use id="toolu_1" name="Read">{"file_path":"a.ts"}</tool_use>' },
    ]);
    expect(body.prompt).toContain('<user_message>\n<tool_result tool_use_id="toolu_1">export {}</tool_result>\n');
    expect(body.tools).toEqual([
      TOOLS[0],
      { name: 'Glob', input_schema: { type: 'object', properties: { pattern: { type: 'string' } } } },
    ]);
    expect(JSON.stringify(body.tools)).not.toContain('"description":""');
  });
});
