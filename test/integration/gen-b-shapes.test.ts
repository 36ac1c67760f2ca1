import { afterEach, describe, expect, it } from 'vitest';
import {
  bareTextDeltas,
  connected,
  drop,
  errorFrame,
  finish,
  nested,
  respell,
  responseStarted,
  sse,
  text,
  textParts,
  toolCall,
  wsClose,
  type ModelEventSpelling,
} from '../sim/orchids-simulator';
import { ORCHIDS_DESKTOP_USER_AGENT } from '../../main/core/orchids/desktop-identity';
import { startStack, type Stack } from '../helpers/stack';
import { parseSse } from '../helpers/sse';
import { until } from '../helpers/wait';
import { getHealth, HI, postMessages } from '../helpers/messages';

/**
 * Every frame shape and socket behaviour the Generation B specification lists, through the whole app over a
 * WebSocket: what the client receives is the same whichever spelling the server used.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const READ_TOOL = {
  name: 'Read',
  description: 'Read a file',
  input_schema: { type: 'object', properties: { file_path: { type: 'string' } }, required: ['file_path'] },
};

async function ask(extra: Record<string, unknown> = {}) {
  const response = await postMessages(stack.url, { ...HI, max_tokens: 50, stream: true, ...extra });
  const raw = await response.body.text();
  return { status: response.statusCode, events: response.statusCode === 200 ? parseSse(raw) : [], raw };
}

const texts = (events: Array<{ data: any }>) =>
  events
    .filter((e) => e.data?.delta?.type === 'text_delta')
    .map((e) => e.data.delta.text)
    .join('');
const toolUses = (events: Array<{ data: any }>) =>
  events.filter((e) => e.data?.content_block?.type === 'tool_use').map((e) => e.data.content_block);

const SPELLINGS: Array<[string, ModelEventSpelling]> = [
  ['nested, spec defaults', { layout: 'nested' }],
  [
    'flat, AI-SDK names',
    {
      layout: 'flat',
      callIdKey: 'toolCallId',
      inputIdKey: 'toolCallId',
      toolNameKey: 'toolName',
      stopReasonKey: 'finishReason',
      usageCase: 'camel',
    },
  ],
  ['nested, id and string input', { layout: 'nested', callIdKey: 'id', toolInput: 'string', usageCase: 'camel' }],
  // An id key nobody has seen decodes as no id: the tool-call still repeats the streamed call (spec §10 items 3-4).
  ['nested, a tool-call with no id', { layout: 'nested', callIdKey: 'none' }],
];

/** Every content block opens, gets its deltas and closes before the next one opens; indices count up from 0. */
function expectWellFormedBlocks(events: Array<{ event: string; data: any }>): void {
  let open: number | undefined;
  let next = 0;
  for (const { event, data } of events) {
    if (event === 'content_block_start') {
      expect(open).toBeUndefined();
      expect(data.index).toBe(next++);
      open = data.index;
    } else if (event === 'content_block_delta') {
      expect(data.index).toBe(open);
    } else if (event === 'content_block_stop') {
      expect(data.index).toBe(open);
      open = undefined;
    } else if (event === 'message_delta') {
      expect(open).toBeUndefined();
    }
  }
  expect(events.at(-1)?.event).toBe('message_stop');
}

const FS_OPERATION = { data: { type: 'fs_operation', id: 'op_1', operation: 'read', path: 'README.md' } };

describe('Generation B frames over a WebSocket, through the whole app', () => {
  it.each(SPELLINGS)('every key spelling gives the same answer (%s)', async (_name, spelling) => {
    stack = await startStack({ protocol: 'ws' });
    const steps = [
      ...text('Let me look.'),
      ...toolCall({ id: 'toolu_sim_shape_01', name: 'Read', input: { file_path: '/tmp/demo.txt' } }),
      ...finish('tool-calls', { inputTokens: 12, outputTokens: 34 }),
    ];
    stack.sim.enqueue(sse(respell(steps, spelling)));
    const { events } = await ask({ tools: [READ_TOOL] });
    expect(texts(events)).toBe('Let me look.');
    // Announced twice (tool-input-* and tool-call): one block.
    expect(toolUses(events)).toEqual([{ type: 'tool_use', id: 'toolu_sim_shape_01', name: 'Read', input: {} }]);
    const delta = events.find((e) => e.event === 'message_delta')!.data;
    expect(delta).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { input_tokens: 12, output_tokens: 34 } });
  });

  it('preambles are skipped, whitespace-only deltas reach the client, and text-end closes the block', async () => {
    stack = await startStack({ protocol: 'ws' });
    stack.sim.enqueue(
      sse(
        respell([...connected(), ...responseStarted(), ...textParts(['Line one', '\n', '  indented']), ...finish()], {
          layout: 'nested',
        }),
      ),
    );
    const { events } = await ask();
    expect(texts(events)).toBe('Line one\n  indented');
    const names = events.map((e) => e.event).filter((n) => n !== 'ping');
    expect(names).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  // Spec §5.5: streamed tool events whose id sits in a key no client reads (decoded as no id at all), then the
  // tool-call with its id in a known key, in an unknown one, or no tool-call at all.
  it.each([
    ['Bash', 'no tool-call', { command: 'ls -la' }, { alsoToolCall: false }, {}],
    ['Read', 'a tool-call with callId', { file_path: '/tmp/demo.txt' }, {}, { callIdKey: 'callId' }],
    ['Bash', 'a tool-call with no id', { command: 'pwd' }, {}, { callIdKey: 'none' }],
  ] as const)(
    'a %s call streamed without ids, then %s: one tool_use with its input',
    async (name, _then, input, build, spelling) => {
      stack = await startStack({ protocol: 'ws' });
      const steps = [...toolCall({ id: 'toolu_sim_shape_05', name, input, chunks: 3, ...build }), ...finish()];
      stack.sim.enqueue(sse(nested(steps, { inputIdKey: 'none', ...spelling })));
      const bash = { name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } };
      const { events } = await ask({ tools: [READ_TOOL, bash] });
      expectWellFormedBlocks(events);
      expect(toolUses(events)).toEqual([{ type: 'tool_use', id: expect.stringMatching(/^toolu_/), name, input: {} }]);
      const json = events
        .filter((e) => e.data?.delta?.type === 'input_json_delta')
        .map((e) => e.data.delta.partial_json)
        .join('');
      expect(JSON.parse(json)).toEqual(input);
      expect(events.find((e) => e.event === 'message_delta')!.data.delta.stop_reason).toBe('tool_use');
    },
  );

  // Spec §10 items 7 and 16: response_started first, text deltas with no text-start, no text-end before finish.
  it('text deltas with no text-start or text-end, around a tool call, still give well-formed blocks', async () => {
    stack = await startStack({ protocol: 'ws' });
    stack.sim.enqueue(
      sse(
        nested([
          ...responseStarted(),
          ...bareTextDeltas(['Reading', ' ', 'it.\n']),
          ...toolCall({ id: 'toolu_sim_shape_03', name: 'Read', input: { file_path: '/a' } }),
          ...bareTextDeltas(['\n', 'Done.'], { id: '2' }),
          ...finish('tool-calls'),
        ]),
      ),
    );
    const { events } = await ask({ tools: [READ_TOOL] });
    expectWellFormedBlocks(events);
    const blocks = events.filter((e) => e.event === 'content_block_start').map((e) => e.data.content_block.type);
    expect(blocks).toEqual(['text', 'tool_use', 'text']);
    expect(texts(events)).toBe('Reading it.\n\nDone.');
    expect(events.find((e) => e.event === 'message_delta')!.data.delta.stop_reason).toBe('tool_use');
  });

  // Spec §10 item 9: a `connected` sent once per socket, before any request, is neither an answer nor a fault.
  it('a connected greeting on each new socket is skipped, and the socket is still reused', async () => {
    stack = await startStack({ protocol: 'ws' });
    stack.sim.greetWsSockets(connected());
    for (let i = 0; i < 2; i++) {
      const { status, events } = await ask();
      expect(status).toBe(200);
      expect(texts(events)).toBe('Hello from the Orchids simulator.');
      expectWellFormedBlocks(events);
    }
    expect(stack.sim.stats.wsUpgrades).toBe(1);
    expect(new Set(stack.sim.requests.map((r) => r.socketId)).size).toBe(1);
  });

  // Spec §10 item 10: frames carry no request id, so a socket that talks after finish must not carry the next one.
  it('frames after finish never reach the next request: that socket is not reused', async () => {
    stack = await startStack({ protocol: 'ws' });
    stack.sim.enqueue(
      sse(nested([...text('First.'), ...finish(), ...text('STRAY'), { delayMs: 300 }, ...text('LATE STRAY')])),
    );
    const first = await ask();
    expect(texts(first.events)).toBe('First.');
    const second = await ask();
    expect(second.status).toBe(200);
    expect(texts(second.events)).toBe('Hello from the Orchids simulator.');
    expectWellFormedBlocks(second.events);
    // The old socket was still answering: a request sent on it would have been refused as busy, or read its strays.
    expect(stack.sim.requests.filter((r) => r.rejected !== undefined)).toEqual([]);
    expect(new Set(stack.sim.requests.map((r) => r.socketId)).size).toBe(2);
    // Said once, by type only: a person sees why sockets are not reused, and the log never holds answer text.
    expect(stack.core.internals.ws.stats.strays).toBeGreaterThanOrEqual(1);
    const said = stack.logs.filter((line) => line.includes('after its answer had ended'));
    expect(said).toEqual([expect.stringContaining('(model/text-start)')]);
    expect(said[0]).not.toContain('STRAY');
  });

  // Spec §10 item 14: fs_operation is skipped; a server waiting for a reply the app never sends meets the idle limit.
  it('an fs_operation frame is skipped; a server then waiting for a reply meets the idle timeout', async () => {
    stack = await startStack({ protocol: 'ws', env: { ORCHIDS_TRAY_IDLE_TIMEOUT_MS: '400' } });
    stack.sim.enqueue(sse(nested([...text('Before.'), FS_OPERATION, ...text(' After.'), ...finish()])));
    const skipped = await ask();
    expect(texts(skipped.events)).toBe('Before. After.');
    expectWellFormedBlocks(skipped.events);

    stack.sim.enqueue(sse(nested([...text('Waiting.'), FS_OPERATION, { delayMs: 5000 }, ...finish()])));
    const started = Date.now();
    const waiting = await ask();
    expect(Date.now() - started).toBeLessThan(4000);
    expect(texts(waiting.events)).toBe('Waiting.');
    expect(waiting.events.at(-1)).toMatchObject({ event: 'error' });
  });

  it('a stream that ends (close 1000) after a tool call, without finish, stops for tool_use', async () => {
    stack = await startStack({ protocol: 'ws' });
    stack.sim.enqueue(
      sse([...toolCall({ id: 'toolu_sim_shape_02', name: 'Read', input: { file_path: '/a' } }), ...wsClose(1000)]),
    );
    const { events } = await ask({ tools: [READ_TOOL] });
    expect(events.find((e) => e.event === 'message_delta')!.data.delta.stop_reason).toBe('tool_use');
  });

  // The two shapes: {type:error, data:{code,message}} (spec §5.7) and {type:error, code, message}.
  it.each(['nested', 'flat'] as const)(
    'an error frame (%s) before content fails the attempt over to another account',
    async (shape) => {
      stack = await startStack({ accounts: 2, protocol: 'ws' });
      let first: string | undefined;
      stack.sim.onAgentRequest((req) => {
        first ??= req.userId;
        return req.userId === first
          ? sse(errorFrame('credits_exhausted', 'You have run out of credits.', shape))
          : undefined;
      });
      const { status, events } = await ask();
      expect(status).toBe(200);
      expect(texts(events)).toBe('Hello from the Orchids simulator.');
      const failed = stack.accountIds[stack.users.findIndex((u) => u.userId === first)]!;
      expect(stack.core.internals.cache.get(failed)!.status).toBe('quota_exhausted');
    },
  );

  it.each([
    ['close 1008 before any frame', wsClose(1008, 'policy')],
    ['close 1011 before any frame', wsClose(1011, 'internal')],
    ['a socket dropped before any frame', drop()],
  ])('%s: the attempt fails and another account serves', async (_name, fault) => {
    stack = await startStack({ accounts: 2, protocol: 'ws' });
    let first: string | undefined;
    stack.sim.onAgentRequest((req) => {
      first ??= req.userId;
      return req.userId === first ? sse(fault) : undefined;
    });
    const { status, events } = await ask();
    expect(status).toBe(200);
    expect(texts(events)).toBe('Hello from the Orchids simulator.');
  });

  it('a close 1011 after content ends the stream with an error event, never a retry', async () => {
    stack = await startStack({ accounts: 2, protocol: 'ws' });
    stack.sim.onAgentRequest(() => sse([...text('Half an ans'), ...wsClose(1011, 'internal')]));
    const { events } = await ask();
    expect(texts(events)).toBe('Half an ans');
    expect(events.at(-1)).toMatchObject({ event: 'error', data: { error: { type: 'overloaded_error' } } });
    expect(stack.sim.requests.filter((r) => r.rejected === undefined)).toHaveLength(1);
  });

  it('an idle socket the server closed between requests is replaced without failing the next request', async () => {
    stack = await startStack({ protocol: 'ws' });
    expect((await ask()).status).toBe(200);
    expect(stack.sim.stats.openWsSockets).toBe(1);
    expect(stack.sim.closeIdleWsSockets(1001)).toBe(1);
    await until(() => stack.sim.stats.openWsSockets === 0);
    const again = await ask();
    expect(again.status).toBe(200);
    expect(texts(again.events)).toBe('Hello from the Orchids simulator.');
    expect(stack.sim.stats.wsUpgrades).toBe(2); // the first dial and its replacement
  });

  it('a socket whose token is about to expire is not reused: the server never sees an expired token', async () => {
    // 31 s tokens: a socket may be reused for about a second, until its token is within the 30 s margin.
    stack = await startStack({ protocol: 'ws', sim: { tokenTtlSeconds: 31 } });
    const id = stack.accountIds[0]!;
    expect((await ask()).status).toBe(200);
    const first = stack.core.internals.tokens.current(id);
    // Either it lapses or the background refresh replaces it: both retire the socket it was dialled with.
    await until(() => stack.core.internals.tokens.current(id) !== first, { timeoutMs: 5000 });
    expect((await ask()).status).toBe(200);
    expect(stack.sim.requests.filter((r) => r.rejected !== undefined)).toEqual([]);
    // The second request went out on a socket dialled with the fresh token, not on the first one.
    expect(stack.sim.stats.wsUpgrades).toBe(2);
    expect(new Set(stack.sim.requests.map((r) => r.socketId)).size).toBe(2);
  });

  it("/health shows the pool's counters: sequential requests dial once and reuse that socket", async () => {
    stack = await startStack({ protocol: 'ws' });
    for (let i = 0; i < 3; i++) expect((await ask()).status).toBe(200);
    // The socket goes back to the pool just after the answer's last byte: wait for it, not for a time.
    await until(() => stack.core.internals.ws.stats.idle === 1);
    const { upstream } = await getHealth(stack.url);
    expect(upstream.ws).toEqual({ dials: 1, reuses: 2, retries: 0, strays: 0, open: 1, idle: 1 });
    expect(upstream.clerkClockOffsetSeconds).toBe(0);
  });

  it('parallel requests on one account each get a socket: none waits for another', async () => {
    stack = await startStack({ protocol: 'ws' });
    // Each answer takes a while: requests queued behind one socket would all have arrived on that socket.
    stack.sim.onAgentRequest(() => sse([{ delayMs: 150 }, ...text('ok'), ...finish()]));
    const results = await Promise.all([ask(), ask(), ask()]);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(new Set(stack.sim.requests.map((r) => r.socketId)).size).toBe(3);
    expect(stack.sim.requests.filter((r) => r.rejected === 'busy')).toEqual([]);
  });
});

describe('Generation B over SSE, through the whole app', () => {
  it('the same frames decode the same way: flat AI-SDK names, an id-less tool-call, bare text deltas', async () => {
    stack = await startStack({ protocol: 'sse-b' });
    const steps = [
      ...bareTextDeltas(['Let me look.', '\n']),
      ...toolCall({ id: 'toolu_sim_shape_04', name: 'Read', input: { file_path: '/a' } }),
      ...finish('tool-calls', { inputTokens: 5, outputTokens: 6 }),
    ];
    stack.sim.enqueue(sse(respell(steps, { layout: 'flat', callIdKey: 'none', toolNameKey: 'toolName' })));
    const { events } = await ask({ tools: [READ_TOOL] });
    expectWellFormedBlocks(events);
    expect(texts(events)).toBe('Let me look.\n');
    expect(toolUses(events)).toEqual([{ type: 'tool_use', id: 'toolu_sim_shape_04', name: 'Read', input: {} }]);
    expect(events.find((e) => e.event === 'message_delta')!.data.delta.stop_reason).toBe('tool_use');
    expect(stack.sim.requests.map((r) => r.protocol)).toEqual(['sse-b']);
  });

  // Spec §6.2: the desktop app's user agent, the XHR marker, the bearer token and the Clerk cookie; no Origin and,
  // since 32ad5a8, no X-Orchids-Api-Version (that header is Generation A's).
  it('posts with the Generation B headers, and the body with model and system copies', async () => {
    stack = await startStack({ protocol: 'sse-b' });
    expect((await ask({ system: 'be brief' })).status).toBe(200);
    const [request] = stack.sim.requests;
    const { headers } = request!;
    expect(headers).toMatchObject({
      accept: 'text/event-stream',
      'content-type': 'application/json',
      'user-agent': ORCHIDS_DESKTOP_USER_AGENT,
      'x-requested-with': 'XMLHttpRequest',
    });
    expect(headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]*$/);
    expect(headers.cookie).toMatch(/^__client=[^;]+; (?:[^;]+; )*clerk_active_context=sess_[^;:]+:$/);
    expect(headers.origin).toBeUndefined();
    expect(headers['x-orchids-api-version']).toBeUndefined();
    const body = request!.body as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['messages', 'model', 'modelName', 'system', 'maxTokens', 'config']);
    expect([body.model, body.system]).toEqual([body.modelName, 'be brief']);
    expect(request!.rawBody.endsWith('}\n')).toBe(true);
  });

  // Spec §10 item 20: the original posted a project preflight to the site before each SSE request and never used it.
  it('a request makes no project preflight: the site hears nothing', async () => {
    stack = await startStack({ protocol: 'sse-b', env: { ORCHIDS_TRAY_CREDITS_SYNC: '0' } });
    stack.sim.resetStats();
    expect((await ask()).status).toBe(200);
    expect(stack.sim.stats).toMatchObject({
      sseBRequests: 1,
      sitePages: 0,
      siteChunks: 0,
      siteActions: 0,
      sitePrefetches: 0,
      siteOtherRequests: 0,
    });
  });
});
