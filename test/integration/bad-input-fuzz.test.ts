import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { rawExchange, serveOnce } from '../helpers/bad-input';
import { seeded } from '../helpers/random';
import type { Stack } from '../helpers/stack';

/**
 * Every route with a body, fed each top-level and nested field of a full request replaced by a value of the wrong
 * kind (or left out), plus seeded random mutations, streamed and not; JSON nested past the body's limit inside a
 * string; a conversation long enough to show quadratic work; WebSocket handshakes followed by frames. Whatever the
 * answer, never a 5xx for the client's mistake, a refusal in the route's own format with nothing sent upstream, no
 * internal error logged, and /health still answering.
 */

let stack: Stack;
serveOnce((started) => (stack = started));

const MODEL = 'claude-sonnet-4-6';
const SCHEMA = { type: 'object', properties: { a: { type: 'string' } } };

interface Route {
  path: string;
  openai: boolean;
  streams: boolean;
  valid: Record<string, unknown>;
}

const ROUTES: Route[] = [
  {
    path: '/v1/messages',
    openai: false,
    streams: true,
    valid: {
      model: MODEL,
      max_tokens: 50,
      system: [{ type: 'text', text: 's' }],
      tools: [{ name: 'f', description: 'd', input_schema: SCHEMA }],
      tool_choice: { type: 'auto' },
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          ],
        },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: { a: 'x' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'ok' }] },
      ],
      thinking: { type: 'enabled', budget_tokens: 1024 },
      metadata: { user_id: 'u' },
      temperature: 1,
      stop_sequences: ['x'],
    },
  },
  {
    path: '/v1/messages/count_tokens',
    openai: false,
    streams: false,
    valid: {
      model: MODEL,
      tools: [{ name: 'f', input_schema: SCHEMA }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
    },
  },
  {
    path: '/v1/chat/completions',
    openai: true,
    streams: true,
    valid: {
      model: MODEL,
      max_completion_tokens: 50,
      stream_options: { include_usage: true },
      tools: [{ type: 'function', function: { name: 'f', parameters: SCHEMA } }],
      tool_choice: 'auto',
      messages: [
        { role: 'system', content: 's' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":"x"}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      ],
      temperature: 1,
      stop: ['x'],
    },
  },
  {
    path: '/v1/responses',
    openai: true,
    streams: true,
    valid: {
      model: MODEL,
      max_output_tokens: 50,
      instructions: 'i',
      reasoning: { effort: 'low' },
      tools: [{ type: 'function', name: 'f', parameters: SCHEMA }],
      tool_choice: 'auto',
      text: { format: { type: 'text' } },
      input: [
        { role: 'developer', content: 'd' },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'hi' },
            { type: 'input_image', image_url: 'data:image/png;base64,AAAA' },
          ],
        },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{"a":"x"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'ok' },
        { type: 'reasoning', summary: [{ type: 'summary_text', text: 'r' }] },
        { type: 'compaction', encrypted_content: 'orchids-tray-summary:v1:c3VtbWFyeQ==' },
        { type: 'compaction_trigger' },
      ],
    },
  },
  {
    path: '/v1/responses/input_tokens',
    openai: true,
    streams: false,
    valid: { model: MODEL, input: [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }] }] },
  },
];

/** Values of every JSON kind, and the edges of each: huge, negative, fractional, empty, a role no API has. */
const WRONG: unknown[] = [null, true, -1, 1.5, 1e308, '', 'robot', [], [null], {}, { type: 'x' }, '\ud800'];
/** Deeper fields get the kinds alone: the edges are the top level's (and the random mutations') to try. */
const WRONG_KIND: unknown[] = [null, true, -1, 'robot', [], {}];

type Path = Array<string | number>;

function fieldPaths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (prefix.length > 0) out.push(prefix);
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      fieldPaths(item, [...prefix, Array.isArray(value) ? Number(key) : key], out);
    }
  }
  return out;
}

/** A copy of `root` with the field at `path` set to `value`, or removed when `value` is undefined. */
function withField(root: Record<string, unknown>, path: Path, value: unknown): Record<string, unknown> {
  const copy = structuredClone(root);
  let node: any = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path.at(-1)!;
  if (value !== undefined) node[last] = value;
  else if (Array.isArray(node)) node.splice(last as number, 1);
  else delete node[last];
  return copy;
}

const upstreamRequests = () =>
  stack.sim.stats.agentRequests + stack.sim.stats.sseBRequests + stack.sim.stats.wsRequests;
const internalErrors = (from: number) =>
  stack.logs.slice(from).filter((line) => /unexpected error|uncaught|unhandled/i.test(line));

/**
 * Sends `body` and holds the answer to the rule: a 200, or a 4xx in the route's own error format that sent nothing
 * upstream; never a 5xx, and no internal error in the log.
 */
async function sendChecked(
  route: Pick<Route, 'path' | 'openai'>,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const logged = stack.logs.length;
  const sent = upstreamRequests();
  const response = await request(stack.url + route.path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await response.body.text();
  const what = `${route.path} ${String(body).slice(0, 300)} → ${response.statusCode} ${text.slice(0, 300)}`;
  expect(internalErrors(logged), what).toEqual([]);
  expect(response.statusCode, what).toBeLessThan(500);
  if (response.statusCode !== 200) {
    expect(upstreamRequests(), what).toBe(sent);
    const json = JSON.parse(text);
    if (route.openai) {
      expect(json, what).toEqual({
        error: {
          message: expect.any(String),
          type: 'invalid_request_error',
          param: expect.toBeOneOf([null, expect.any(String)]),
          code: expect.toBeOneOf([null, expect.any(String)]),
        },
      });
    } else {
      expect(json, what).toMatchObject({
        type: 'error',
        error: { type: expect.any(String), message: expect.any(String) },
      });
    }
  }
  return { status: response.statusCode, text };
}

async function expectHealthy(): Promise<void> {
  const response = await request(`${stack.url}/health`);
  expect(response.statusCode).toBe(200);
  expect(((await response.body.json()) as { status: string }).status).toBe('ok');
}

// Hundreds of requests each: seconds alone, longer beside other test runs on a 2-core machine.
describe.each(ROUTES)('fuzzed fields on $path', { timeout: 90_000 }, (route) => {
  it('each field replaced by each wrong value, or removed: a 200 or a clear 4xx, never a 5xx', async () => {
    for (const path of fieldPaths(route.valid)) {
      for (const value of [...(path.length === 1 ? WRONG : WRONG_KIND), undefined]) {
        await sendChecked(route, JSON.stringify(withField(route.valid, path, value)));
      }
    }
    await expectHealthy();
  });

  it('200 seeded random mutations, streamed where the route streams', async () => {
    const random = seeded(route.path.length * 7_919);
    const paths = fieldPaths(route.valid);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    for (let i = 0; i < 200; i++) {
      let body = route.valid;
      for (let n = 1 + Math.floor(random() * 3); n > 0; n--) {
        const path = pick(paths);
        try {
          body = withField(body, path, pick([...WRONG, undefined, 'x'.repeat(10_000), 2 ** 63, -1e308]));
        } catch {
          // An earlier mutation removed or replaced this path's parent: the next one mutates something else.
        }
      }
      const streamed = route.streams && random() < 0.5 ? { ...body, stream: true } : body;
      await sendChecked(route, JSON.stringify(streamed));
    }
    await expectHealthy();
  });
});

describe('JSON nested past the body limit inside a string', { timeout: 60_000 }, () => {
  // The body's own nesting is capped (128); a tool call's arguments are a string the proxy parses itself. Before,
  // 100,000 levels there overflowed the stack in the token estimate: a 500 "internal error" on every such replay.
  const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
  const chat = (args: string) => ({
    model: MODEL,
    tools: [{ type: 'function', function: { name: 'f' } }],
    messages: [
      { role: 'user', content: 'x' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: args } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'ok' },
    ],
  });
  const responses = (args: string) => ({
    model: MODEL,
    tools: [{ type: 'function', name: 'f' }],
    input: [
      { role: 'user', content: 'x' },
      { type: 'function_call', call_id: 'c1', name: 'f', arguments: args },
      { type: 'function_call_output', call_id: 'c1', output: 'ok' },
    ],
  });
  it.each([
    ['/v1/chat/completions', chat],
    ['/v1/responses', responses],
    ['/v1/responses/input_tokens', responses],
  ])(
    'a tool call whose arguments nest 100,000 levels on %s is answered, its arguments kept as text',
    async (path, body) => {
      for (const args of [deep(100_000), '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)]) {
        for (const stream of path.endsWith('input_tokens') ? [false] : [false, true]) {
          expect((await sendChecked({ path, openai: true }, JSON.stringify({ ...body(args), stream }))).status).toBe(
            200,
          );
        }
      }
      await expectHealthy();
    },
  );
});

describe('a conversation of many consecutive turns of one role', { timeout: 60_000 }, () => {
  // They are merged into one Messages API turn. Before, each merge copied the whole turn so far: 16,000 user messages
  // held the event loop 21 s on Chat Completions (8,000 took 0.3 s), every other client waiting meanwhile.
  it.each([
    ['/v1/chat/completions', 'messages'],
    ['/v1/responses', 'input'],
    ['/v1/messages', 'messages'],
  ])('40,000 user messages on %s are answered within seconds', async (path, field) => {
    const body = JSON.stringify({
      model: MODEL,
      max_tokens: 50,
      [field]: Array.from({ length: 40_000 }, (_, i) => ({ role: 'user', content: `m${i}` })),
    });
    const started = Date.now();
    expect((await sendChecked({ path, openai: path !== '/v1/messages' }, body)).status).toBe(200);
    // Generous for a loaded 2-core machine; the quadratic copy took minutes at this length.
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('WebSocket handshakes and the frames a client sends after one', () => {
  // Orchids Tray serves no API over WebSocket: the handshake is refused (426) and nothing after it is read as a frame.
  const handshake = (path: string) =>
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
    'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n';
  /** A client frame (masked, as RFC 6455 requires of clients), final, with the given opcode. */
  function frame(opcode: number, payload: Buffer): Buffer {
    const mask = Buffer.from([0x11, 0x22, 0x33, 0x44]);
    const length = payload.length;
    const head =
      length < 126
        ? Buffer.from([0x80 | opcode, 0x80 | length])
        : length < 65_536
          ? Buffer.from([0x80 | opcode, 0x80 | 126, length >> 8, length & 0xff])
          : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), Buffer.alloc(8)]);
    if (length >= 65_536) head.writeBigUInt64BE(BigInt(length), 2);
    return Buffer.concat([head, mask, payload.map((byte, i) => byte ^ mask[i % 4]!)]);
  }
  const text = (value: string) => frame(1, Buffer.from(value));
  const create = (fields: object) =>
    text(JSON.stringify({ type: 'response.create', model: MODEL, input: 'hi', ...fields }));

  const FRAMES: Array<[string, () => Array<string | Buffer>]> = [
    ['nothing after the handshake', () => []],
    ['a binary frame', () => [frame(2, Buffer.from([0x00, 0xff, 0xfe, 0x80]))]],
    ['a text frame that is not JSON', () => [text('not json {')]],
    ['a text frame of invalid UTF-8', () => [frame(1, Buffer.from([0xc3, 0x28, 0xed, 0xa0, 0x80]))]],
    ['JSON of the wrong shape', () => [text('[1,2,3]'), text('{"type":42}'), text('null')]],
    [
      'a response.create with bad fields',
      () => [create({ model: 42, input: { role: 'robot' }, max_output_tokens: -1 })],
    ],
    // No frame is read, so none has a size limit; 4 MiB stands for one past a WebSocket server's usual 1 MiB.
    ['a 4 MiB frame', () => [text(' '.repeat(4 * 1024 * 1024))]],
    ['a second response.create while the first would run', () => [create({}), create({ stream: true })]],
    ['a close frame mid-request', () => [create({}), frame(8, Buffer.from([0x03, 0xe8]))]],
    ['a frame cut off mid-payload', () => [text('{"type":"response.create"}').subarray(0, 9)]],
  ];
  it.each(FRAMES)(
    '%s: one 426 in OpenAI’s format, nothing upstream, and the server keeps serving',
    async (_name, frames) => {
      const logged = stack.logs.length;
      const sent = upstreamRequests();
      const reply = await rawExchange(stack.url, [handshake('/v1/responses'), ...frames()], { halfClose: true });
      expect(reply.match(/^HTTP\/1\.1 /gm)).toHaveLength(1);
      expect(reply).toMatch(/^HTTP\/1\.1 426 /);
      const body = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4));
      expect(body).toEqual({
        error: {
          message: 'Orchids Tray serves /v1/responses over HTTP only, not as a WebSocket: POST the request instead.',
          type: 'invalid_request_error',
          param: null,
          code: null,
        },
      });
      expect(upstreamRequests()).toBe(sent);
      expect(internalErrors(logged)).toEqual([]);
      await expectHealthy();
    },
  );

  it.each([
    ['/v1/chat/completions', 426],
    ['/v1/responses/input_tokens', 426],
    ['/v1/responses/compact', 426],
    ['/v1/responses/resp_1', 404],
    ['/v1/embeddings', 404],
  ])('a handshake on %s → %i in OpenAI’s format', async (path, status) => {
    const reply = await rawExchange(stack.url, [handshake(path), text('{}')], { halfClose: true });
    expect(reply).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    const body = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4));
    expect(body.error).toMatchObject({ message: expect.any(String), type: 'invalid_request_error' });
    await expectHealthy();
  });
});

describe('CONNECT', () => {
  // A client given Orchids Tray as its HTTPS proxy (HTTPS_PROXY=http://127.0.0.1:3002) sends CONNECT. Node closes
  // such a connection without a word when nothing listens for it: the client said only "socket hang up".
  it('is a 405 saying Orchids Tray is no HTTP proxy, and the server keeps serving', async () => {
    const logged = stack.logs.length;
    const reply = await rawExchange(stack.url, [
      'CONNECT api.example.test:443 HTTP/1.1\r\nHost: api.example.test:443\r\n\r\n',
    ]);
    expect(reply).toMatch(/^HTTP\/1\.1 405 /);
    expect(reply).toMatch(/\r\nconnection: close\r\n/i);
    const body = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4));
    expect(body).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(body.error.message).toMatch(/not an HTTP proxy/);
    expect(internalErrors(logged)).toEqual([]);
    await expectHealthy();
  });
});
