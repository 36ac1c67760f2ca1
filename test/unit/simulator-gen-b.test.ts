import type { IncomingHttpHeaders } from 'node:http';
import { request, WebSocket as UndiciWebSocket } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import {
  DEFAULT_RESPONSE_B,
  OrchidsSimulator,
  bareTextDeltas,
  connected,
  drop,
  errorFrame,
  finish,
  httpError,
  nested,
  renderSse,
  renderWsFrames,
  reply,
  respell,
  responseStarted,
  sse,
  text,
  textParts,
  toolCall,
  tokensUsed,
  wsClose,
  type SimOptions,
  type SimStep,
} from '../sim/orchids-simulator';
import { frameText } from '../sim/ws-agent';
import { SIM_CLERK_QUERY } from '../sim/clerk';
import { until } from '../helpers/wait';
import { GEN_A_SAMPLE_BODY } from '../helpers/gen-a';

const sims: OrchidsSimulator[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  vi.useRealTimers();
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

async function startSim(options?: SimOptions): Promise<OrchidsSimulator> {
  const sim = await OrchidsSimulator.start(options);
  sims.push(sim);
  return sim;
}

/** A simulator with one user and a token minted for it through Clerk, as a client would get it. */
async function withToken(options?: SimOptions) {
  const sim = await startSim(options);
  const user = sim.addUser();
  const res = await request(`${sim.clerkUrl}/v1/client/sessions/${user.sessionId}/tokens?${SIM_CLERK_QUERY}`, {
    method: 'POST',
    headers: { cookie: `__client=${user.clientCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'organization_id=',
  });
  const { jwt } = (await res.body.json()) as { jwt: string };
  return { sim, user, token: jwt, wsUrl: `${sim.agentWsUrl}?token=${encodeURIComponent(jwt)}` };
}

// Spec §8.1 / §8.3: the WebSocket body, and the SSE body with its top-level copies.
const WS_BODY = {
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hello' }] }],
  modelName: 'claude-sonnet-4-6',
  maxTokens: 12000,
  config: { system: 'rules', thinkingMode: 'enabled' },
};
const SSE_B_BODY = { ...WS_BODY, model: 'claude-sonnet-4-6', system: 'rules' };

class Client {
  readonly frames: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.frames.push(frameText(data)));
    ws.on('error', () => {}); // a dropped socket errors; the close event carries what the tests check
    this.closed = new Promise((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
  }
  send(body: unknown): void {
    this.ws.send(`${typeof body === 'string' ? body : JSON.stringify(body)}\n`); // gorilla's WriteJSON adds the newline
  }
  async frame(index: number): Promise<any> {
    await until(() => this.frames.length > index);
    return JSON.parse(this.frames[index]!);
  }
}

async function dial(url: string, headers?: Record<string, string>): Promise<Client> {
  const ws = new WebSocket(url, { headers });
  sockets.push(ws);
  const client = new Client(ws);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  return client;
}

/** Dials expecting a refusal; the real HTTP answer of the upgrade. */
function refusal(url: string): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    sockets.push(ws);
    ws.on('error', () => {});
    ws.once('open', () => reject(new Error('the upgrade was accepted')));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
  });
}

async function post(url: string, token: string | undefined, body: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await request(url, { method: 'POST', headers, body: `${JSON.stringify(body)}\n` });
  return { status: res.statusCode, type: res.headers['content-type'], text: await res.body.text() };
}

const DEFAULT_FRAMES = renderWsFrames((DEFAULT_RESPONSE_B as { steps: SimStep[] }).steps);

describe('Generation B builders', () => {
  it('spells model events every way the spec allows', () => {
    const steps = [
      ...toolCall({ id: 'toolu_sim1', name: 'Read', input: { file_path: '/x' } }),
      ...finish('tool-calls', { inputTokens: 1, outputTokens: 2 }),
    ];
    const flat = respell(steps, {
      layout: 'flat',
      callIdKey: 'toolCallId',
      inputIdKey: 'toolCallId',
      toolNameKey: 'toolName',
      stopReasonKey: 'finishReason',
      usageCase: 'camel',
      toolInput: 'string',
    });
    const ev = (i: number, list: SimStep[]) => (list[i] as { data: { event: any } }).data.event;
    expect(ev(0, flat)).toEqual({ type: 'tool-input-start', toolCallId: 'toolu_sim1', toolName: 'Read' });
    expect(ev(1, flat)).toEqual({ type: 'tool-input-delta', toolCallId: 'toolu_sim1', delta: '{"file_path":"/x"}' });
    expect(ev(3, flat)).toEqual({
      type: 'tool-call',
      toolCallId: 'toolu_sim1',
      toolName: 'Read',
      input: '{"file_path":"/x"}',
    });
    expect(ev(4, flat)).toEqual({
      type: 'finish',
      finishReason: 'tool-calls',
      usage: { inputTokens: 1, outputTokens: 2 },
    });
    const byId = nested(steps, { callIdKey: 'id' });
    expect(ev(3, byId)).toEqual({
      data: { type: 'tool-call', id: 'toolu_sim1', tool_name: 'Read', input: { file_path: '/x' } },
    });
    const noInputIds = nested(steps, { inputIdKey: 'none' });
    expect([0, 1, 2].map((i) => ev(i, noInputIds).data)).toEqual([
      { type: 'tool-input-start', tool_name: 'Read' },
      { type: 'tool-input-delta', delta: '{"file_path":"/x"}' },
      { type: 'tool-input-end' },
    ]);
    expect(ev(3, nested(steps, { callIdKey: 'none' }))).toEqual({
      data: { type: 'tool-call', tool_name: 'Read', input: { file_path: '/x' } },
    });
    expect(nested(bareTextDeltas(['a', '\n'])).map((step) => ev(0, [step]))).toEqual([
      { data: { type: 'text-delta', id: '1', delta: 'a' } },
      { data: { type: 'text-delta', id: '1', delta: '\n' } },
    ]);
    expect(ev(0, nested(tokensUsed(3, 4)))).toEqual({
      data: { type: 'tokens-used', input_tokens: 3, output_tokens: 4 },
    });
    expect(ev(0, nested(tokensUsed(3, 4), { usageCase: 'camel' }))).toEqual({
      data: { type: 'tokens-used', inputTokens: 3, outputTokens: 4 },
    });
  });

  it('builds preambles, both error shapes, closes and a whitespace-only delta', () => {
    expect(connected()).toEqual([{ data: { type: 'connected' } }]);
    expect(responseStarted({ id: 'r1' })).toEqual([{ data: { type: 'response_started', id: 'r1' } }]);
    expect(errorFrame('rate_limit', 'too many requests')).toEqual([
      { data: { type: 'error', data: { code: 'rate_limit', message: 'too many requests' } } },
    ]);
    expect(errorFrame('rate_limit', 'too many requests', 'flat')).toEqual([
      { data: { type: 'error', code: 'rate_limit', message: 'too many requests' } },
    ]);
    expect(wsClose(1008, 'policy')).toEqual([{ close: 1008, reason: 'policy' }]);
    expect(drop()).toEqual([{ destroy: true }]);
    const parts = nested(textParts(['Hi', '\n', 'there']));
    expect(renderWsFrames(parts)[2]).toBe(
      '{"type":"model","event":{"data":{"type":"text-delta","id":"1","delta":"\\n"}}}',
    );
    expect(renderWsFrames([{ raw: 'not json' }, { delayMs: 1 }, { close: 1000 }, ...finish()])).toHaveLength(2);
    expect(DEFAULT_FRAMES.at(-1)).toBe(
      '{"type":"model","event":{"data":{"type":"finish","stop_reason":"stop",' +
        '"usage":{"input_tokens":12,"output_tokens":7}}}}',
    );
  });
});

describe('Generation B WebSocket', () => {
  it('answers sequential requests on one socket and records them with the upgrade headers', async () => {
    const { sim, user, wsUrl } = await withToken();
    const headers = {
      'user-agent': 'Orchids/0.0.57 test',
      origin: 'https://www.orchids.app',
      cookie: `__client=${user.clientCookie}`,
    };
    const client = await dial(wsUrl, headers);
    client.send(WS_BODY);
    await client.frame(DEFAULT_FRAMES.length - 1);
    expect(client.frames).toEqual(DEFAULT_FRAMES);

    sim.enqueue(sse([...connected(), ...responseStarted(), ...nested(reply('second'))]));
    client.send({ ...WS_BODY, config: { system: '', thinkingMode: 'disabled' } });
    expect(await client.frame(DEFAULT_FRAMES.length)).toEqual({ type: 'connected' });
    expect((await client.frame(DEFAULT_FRAMES.length + 5)).event.data).toMatchObject({
      type: 'finish',
      stop_reason: 'stop',
    });

    expect(sim.requests.map((r) => [r.protocol, r.socketId, r.userId])).toEqual([
      ['ws', 1, user.userId],
      ['ws', 1, user.userId],
    ]);
    expect(sim.requests[0]!.headers).toMatchObject(headers);
    expect(sim.requests[0]!.rawBody.endsWith('}\n')).toBe(true);
    expect(sim.requests[1]!.body.config.thinkingMode).toBe('disabled');
    expect(sim.upgrades).toEqual([
      expect.objectContaining({
        status: 101,
        socketId: 1,
        userId: user.userId,
        headers: expect.objectContaining(headers),
      }),
    ]);
    expect(sim.stats).toMatchObject({
      wsUpgrades: 1,
      wsRequests: 2,
      openWsSockets: 1,
      agentBConnections: 1,
      agentRequests: 0,
      sseBRequests: 0,
    });
    sim.resetStats();
    expect(sim.stats).toMatchObject({ wsUpgrades: 0, wsRequests: 0, openWsSockets: 1, openAgentBConnections: 1 });
  });

  it('greets each new socket with the chosen frames before any request, until told to stop', async () => {
    const { sim, wsUrl } = await withToken();
    sim.greetWsSockets([...connected({ sid: 'greeting' }), { raw: 'hello' }]);
    const greeted = await dial(wsUrl);
    expect(await greeted.frame(0)).toEqual({ type: 'connected', sid: 'greeting' });
    await until(() => greeted.frames.length === 2);
    expect(greeted.frames[1]).toBe('hello');
    greeted.send(WS_BODY);
    await greeted.frame(1 + DEFAULT_FRAMES.length);
    expect(greeted.frames.slice(2)).toEqual(DEFAULT_FRAMES);
    sim.greetWsSockets(undefined);
    const plain = await dial(wsUrl);
    plain.send(WS_BODY);
    await plain.frame(DEFAULT_FRAMES.length - 1);
    expect(plain.frames).toEqual(DEFAULT_FRAMES);
  });

  it('works with a standards WebSocket client too (undici)', async () => {
    const { wsUrl } = await withToken();
    const ws = new UndiciWebSocket(wsUrl);
    const frames: string[] = [];
    ws.addEventListener('message', (event) => frames.push(String(event.data)));
    await new Promise((resolve) => ws.addEventListener('open', resolve));
    ws.send(JSON.stringify(WS_BODY));
    await until(() => frames.length === DEFAULT_FRAMES.length);
    expect(frames).toEqual(DEFAULT_FRAMES);
    ws.close();
  });

  it('refuses a missing, foreign, revoked or expired token with a real HTTP 401', async () => {
    const { sim, user, token, wsUrl } = await withToken();
    expect(await refusal(sim.agentWsUrl)).toMatchObject({ status: 401, body: '401 Unauthorized: invalid token' });
    expect((await refusal(`${sim.agentWsUrl}?token=not.a.token`)).status).toBe(401);
    sim.revokeTokens(user.userId);
    expect(await refusal(wsUrl)).toMatchObject({ status: 401, body: expect.stringContaining('invalid token') });
    expect(sim.upgrades.map((u) => u.status)).toEqual([401, 401, 401]);
    expect(sim.upgrades[2]!.userId).toBe(user.userId);
    expect(sim.stats).toMatchObject({ wsRefusedUpgrades: 3, wsUpgrades: 0, openWsSockets: 0 });
    expect(token).toBeTruthy();

    const expired = await withToken({ tokenTtlSeconds: 0 });
    expect(await refusal(expired.wsUrl)).toMatchObject({ status: 401, body: '401 Unauthorized: token expired' });
  });

  it('refuseUpgrades answers every upgrade with the chosen status, body and headers until cleared', async () => {
    const { sim, wsUrl } = await withToken();
    sim.refuseUpgrades(429, 'too many requests', { 'retry-after': '7' });
    expect(await refusal(wsUrl)).toMatchObject({
      status: 429,
      body: 'too many requests',
      headers: { 'retry-after': '7' },
    });
    sim.refuseUpgrades(403);
    expect(await refusal(wsUrl)).toMatchObject({ status: 403, body: '403 Forbidden' });
    sim.refuseUpgrades(undefined);
    await dial(wsUrl);
    expect(await refusal(`${sim.agentWsUrl.replace('/ws/', '/wss/')}?token=x`)).toMatchObject({ status: 404 });
    const plainGet = await request(wsUrl.replace(/^ws:/, 'http:'));
    expect([plainGet.statusCode, plainGet.headers.upgrade, await plainGet.body.text()]).toEqual([
      426,
      'websocket',
      expect.stringContaining('426'),
    ]);
  });

  it('answers a second request frame on a busy socket with a busy error frame', async () => {
    const { sim, wsUrl } = await withToken();
    // The client's close ends the wait.
    sim.enqueue(sse([...nested(text('slow')), { delayMs: 60_000 }, ...nested(finish())]));
    const client = await dial(wsUrl);
    client.send(WS_BODY);
    await client.frame(0);
    client.send(WS_BODY);
    await until(() => client.frames.some((f) => f.includes('"busy"')));
    expect(JSON.parse(client.frames.find((f) => f.includes('"busy"'))!)).toEqual({
      type: 'error',
      data: { code: 'busy', message: expect.any(String) },
    });
    expect(sim.requests.map((r) => r.rejected)).toEqual([undefined, 'busy']);
    expect(sim.stats).toMatchObject({ wsRequests: 2, wsRejectedRequests: 1 });
  });

  it('rejects bodies of the wrong shape with a bad_request frame and keeps the socket', async () => {
    const { sim, wsUrl } = await withToken();
    const client = await dial(wsUrl);
    const noThinking = { ...WS_BODY, config: { system: '' } };
    const cases: [unknown, string][] = [
      [SSE_B_BODY, '`model`'],
      [GEN_A_SAMPLE_BODY, '`prompt`'],
      [{ ...WS_BODY, tools: [] }, '`tools`'],
      [{ ...WS_BODY, type: 'user_request' }, '`type`'],
      [noThinking, 'thinkingMode'],
      [{ ...WS_BODY, messages: 'hi' }, '`messages`'],
      [{ ...WS_BODY, modelName: 1 }, '`modelName`'],
      ['{not json', 'not JSON'],
    ];
    for (const [i, [body, mention]] of cases.entries()) {
      client.send(body);
      const frame = await client.frame(i);
      expect(frame).toMatchObject({ type: 'error', data: { code: 'bad_request' } });
      expect(frame.data.message).toMatch(/^400 Bad Request: /);
      expect(frame.data.message).toContain(mention);
    }
    client.ws.send(Buffer.from(JSON.stringify(WS_BODY)), { binary: true });
    expect((await client.frame(cases.length)).data.message).toContain('text frames');
    client.send(WS_BODY);
    await client.frame(cases.length + DEFAULT_FRAMES.length);
    expect(sim.requests.map((r) => r.rejected ?? 'ok')).toEqual([
      ...cases.map(() => 'bad_request'),
      'bad_request',
      'ok',
    ]);
  });

  // Spec §4.1–§4.3: each key the reference client wrote, spelled as it wrote it. A misspelled key is one a server
  // reading the spelled keys never sees, so the simulator refuses it rather than let a regression through.
  it('refuses misspelled or extra keys at every level of a Generation B body', async () => {
    const { wsUrl } = await withToken();
    const client = await dial(wsUrl);
    const { maxTokens: _maxTokens, ...noMaxTokens } = WS_BODY;
    const user = (content: unknown[], extra: Record<string, unknown> = {}) => ({
      ...WS_BODY,
      messages: [{ role: 'user', content, ...extra }],
    });
    const result = { type: 'tool_result', tool_use_id: 't1', content: 'ok' };
    const cases: [unknown, string][] = [
      [{ ...noMaxTokens, max_tokens: 12000 }, '`max_tokens`'],
      [noMaxTokens, '`maxTokens`'],
      [{ ...WS_BODY, modelname: 'x' }, '`modelname`'],
      [{ ...WS_BODY, config: { system: 'rules', thinkingMode: 'enabled', thinking_mode: 'x' } }, '`thinking_mode`'],
      [{ ...WS_BODY, config: { thinkingMode: 'enabled' } }, '`config.system`'],
      [user([{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }]), '`cache_control`'],
      [user([{ type: 'image', source: { type: 'base64', data: 'QUJD', media_type: 'image/png' } }]), '`type`'],
      [user([{ type: 'thinking', thinking: 'secret', signature: 'sig' }]), '`thinking`'],
      [user([result]), '`ToolResults`'],
      [user([result], { toolResults: [{ ToolUseID: 't1', Content: 'ok' }] }), '`toolResults`'],
      [user([result], { ToolResults: [{ toolUseId: 't1', Content: 'ok' }] }), '`toolUseId`'],
      [user([result], { ToolResults: [{ ToolUseID: 't2', Content: 'ok' }] }), 'ToolUseID must be `t1`'],
      [user([{ type: 'text', text: 'no results' }], { ToolResults: [] }), 'one entry per tool_result'],
    ];
    for (const [i, [body, mention]] of cases.entries()) {
      client.send(body);
      const frame = await client.frame(i);
      expect(frame, mention).toMatchObject({ type: 'error', data: { code: 'bad_request' } });
      expect(frame.data.message).toContain(mention);
    }
    // What the reference client wrote for §8.2's structured follow-up is accepted.
    client.send(
      user([{ content: 'ok', has_input: true, is_error: true, name: 'Read', tool_use_id: 't1', type: 'tool_result' }], {
        ToolResults: [{ Name: 'Read', ToolUseID: 't1', Content: 'ok', IsError: true, HasInput: true }],
      }),
    );
    expect(await client.frame(cases.length)).not.toMatchObject({ type: 'error' });
  });

  it('refuses an upgrade whose URL carries a query parameter besides token', async () => {
    const { sim, wsUrl } = await withToken();
    expect(await refusal(`${wsUrl}&orchids_api_version=2`)).toMatchObject({
      status: 400,
      body: expect.stringContaining('`orchids_api_version`'),
    });
    expect(sim.upgrades.map((u) => u.status)).toEqual([400]);
  });

  it('plays scripted closes, drops, error frames and HTTP errors as frames', async () => {
    const { sim, wsUrl } = await withToken();
    sim.enqueue(sse(wsClose(1011, 'boom')));
    const first = await dial(wsUrl);
    first.send(WS_BODY);
    expect(await first.closed).toEqual({ code: 1011, reason: 'boom' });
    expect(first.frames).toEqual([]);

    sim.enqueue(sse([...nested(text('part')), ...drop()]));
    const second = await dial(wsUrl);
    second.send(WS_BODY);
    expect((await second.closed).code).toBe(1006);
    expect(second.frames).toHaveLength(3);

    sim.enqueue(sse(errorFrame('rate_limit', 'too many requests', 'flat')));
    sim.enqueue(httpError(402, 'You have run out of credits.'));
    sim.enqueue(sse([...nested(reply('bye')), ...wsClose(1000)]));
    const third = await dial(wsUrl);
    third.send(WS_BODY);
    expect(await third.frame(0)).toEqual({ type: 'error', code: 'rate_limit', message: 'too many requests' });
    third.send(WS_BODY);
    expect(await third.frame(1)).toEqual({
      type: 'error',
      data: { code: 'http_402', message: '402 You have run out of credits.' },
    });
    third.send(WS_BODY);
    expect(await third.closed).toEqual({ code: 1000, reason: '' });
    expect(third.frames).toHaveLength(2 + 4);
    await until(() => sim.stats.openWsSockets === 0);
  });

  it('closes idle sockets on demand and after wsIdleTimeoutMs, never one with a request in flight', async () => {
    const { sim, wsUrl } = await withToken();
    const idle = await dial(wsUrl);
    idle.send(WS_BODY);
    await idle.frame(DEFAULT_FRAMES.length - 1);
    sim.enqueue(sse([...nested(text('slow')), { delayMs: 60_000 }]));
    const busy = await dial(wsUrl);
    busy.send(WS_BODY);
    await busy.frame(0);
    expect(sim.closeIdleWsSockets()).toBe(1);
    expect(await idle.closed).toEqual({ code: 1001, reason: 'idle' });
    expect(busy.ws.readyState).toBe(WebSocket.OPEN);
    await until(() => sim.stats.openWsSockets === 1);

    const timed = await withToken({ wsIdleTimeoutMs: 50 });
    const client = await dial(timed.wsUrl);
    client.send(WS_BODY);
    expect(await client.closed).toEqual({ code: 1001, reason: 'idle timeout' });
    expect(client.frames).toEqual(DEFAULT_FRAMES); // the timer starts only once the answer is out
  });

  it('closes a socket with 1008 when its dial-time token expired or was revoked, before answering', async () => {
    const { sim, user, wsUrl } = await withToken();
    const client = await dial(wsUrl);
    client.send(WS_BODY);
    await client.frame(DEFAULT_FRAMES.length - 1);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000); // past the 60 s token life, for the simulator in this process too
    client.send(WS_BODY);
    expect(await client.closed).toEqual({ code: 1008, reason: 'token expired' });
    expect(client.frames).toHaveLength(DEFAULT_FRAMES.length);
    vi.useRealTimers();

    const again = await withToken();
    const revoked = await dial(again.wsUrl);
    again.sim.revokeTokens(again.user.userId);
    revoked.send(WS_BODY);
    expect(await revoked.closed).toEqual({ code: 1008, reason: 'invalid token' });
    expect(sim.requests.at(-1)).toMatchObject({ rejected: 'token expired', userId: user.userId });
  });

  it('counts pings', async () => {
    const { sim, wsUrl } = await withToken();
    const client = await dial(wsUrl);
    client.ws.ping();
    client.ws.ping();
    await until(() => sim.stats.wsPings === 2);
  });
});

describe('Generation B SSE, shapes on every endpoint, and protocol switches', () => {
  it('serves Generation B SSE on its own host and refuses the other bodies with 400', async () => {
    const { sim, token } = await withToken();
    expect(new URL(sim.agentBUrl).port).not.toBe(new URL(sim.agentUrl).port);
    const ok = await post(sim.agentBUrl, token, SSE_B_BODY);
    expect(ok).toMatchObject({ status: 200, type: 'text/event-stream' });
    expect(ok.text).toBe(renderSse((DEFAULT_RESPONSE_B as { steps: SimStep[] }).steps));
    expect(await post(sim.agentBUrl, token, GEN_A_SAMPLE_BODY)).toMatchObject({
      status: 400,
      text: expect.stringContaining('`prompt`'),
    });
    expect(await post(sim.agentBUrl, token, WS_BODY)).toMatchObject({
      status: 400,
      text: expect.stringContaining('`model`'),
    });
    expect(await post(sim.agentBUrl, undefined, SSE_B_BODY)).toMatchObject({
      status: 401,
      text: '401 Unauthorized: invalid token',
    });
    const genA = await post(sim.agentUrl, token, SSE_B_BODY);
    expect(genA).toMatchObject({
      status: 400,
      text: expect.stringMatching(/^400 Bad Request: .*Generation A.*`messages`/),
    });
    expect((await post(sim.agentUrl, token, GEN_A_SAMPLE_BODY)).status).toBe(200);
    expect(sim.requests.map((r) => [r.protocol, r.rejected])).toEqual([
      ['sse-b', undefined],
      ['sse-b', 'bad_request'],
      ['sse-b', 'bad_request'],
      ['sse-b', 'invalid token'],
      ['sse-a', 'bad_request'],
      ['sse-a', undefined],
    ]);
    expect(sim.stats).toMatchObject({
      sseBRequests: 4,
      unauthorizedSseBRequests: 1,
      agentRequests: 2,
      unauthorizedAgentRequests: 0,
    });

    // The SSE body's top-level system is omitempty (§4.1): absent with an empty config.system, a copy otherwise.
    const noSystem = { ...SSE_B_BODY, config: { system: '', thinkingMode: 'enabled' } };
    const { system: _system, ...withoutCopy } = noSystem;
    expect((await post(sim.agentBUrl, token, withoutCopy)).status).toBe(200);
    for (const [body, mention] of [
      [noSystem, 'leaves out `system`'],
      [{ ...SSE_B_BODY, system: 'other rules' }, 'a copy of `config.system`'],
      [{ ...SSE_B_BODY, model: 'claude-opus-4-6' }, 'a copy of `modelName`'],
    ] as const) {
      expect(await post(sim.agentBUrl, token, body)).toMatchObject({
        status: 400,
        text: expect.stringContaining(mention),
      });
    }

    const lenient = await withToken({ checkShapes: false });
    expect((await post(lenient.sim.agentUrl, lenient.token, { messages: [] })).status).toBe(200);
  });

  it('drives all three protocols from one script', async () => {
    const { sim, wsUrl, token } = await withToken();
    const steps = [...connected(), ...nested([...text('same'), ...finish()])];
    for (let i = 0; i < 3; i++) sim.enqueue(sse(steps));
    const client = await dial(wsUrl);
    client.send(WS_BODY);
    await client.frame(steps.length - 1);
    expect(client.frames).toEqual(renderWsFrames(steps));
    expect((await post(sim.agentBUrl, token, SSE_B_BODY)).text).toBe(renderSse(steps));
    expect((await post(sim.agentUrl, token, GEN_A_SAMPLE_BODY)).text).toBe(renderSse(steps));
    expect(sim.pendingResponses()).toBe(0);
  });

  it('turns single endpoints off (404) so a client can meet a one-protocol upstream', async () => {
    const { sim, token, wsUrl } = await withToken();
    expect(sim.setProtocols({ ws: false, sseB: false })).toEqual({ ws: false, sseB: false, sseA: true });
    expect(await refusal(wsUrl)).toMatchObject({ status: 404 });
    expect((await post(sim.agentBUrl, token, SSE_B_BODY)).status).toBe(404);
    expect((await post(sim.agentUrl, token, GEN_A_SAMPLE_BODY)).status).toBe(200);
    sim.setProtocols({ sseA: false, ws: true });
    expect((await post(sim.agentUrl, token, GEN_A_SAMPLE_BODY)).status).toBe(404);
    await dial(wsUrl);
    expect(sim.requests.map((r) => r.rejected)).toEqual(['disabled', undefined, 'disabled']);
    expect(sim.upgrades.map((u) => u.status)).toEqual([404, 101]);
  });

  it('offers the new controls over the /__sim API', async () => {
    const { sim, wsUrl } = await withToken();
    const control = async (method: 'GET' | 'POST', route: string, body?: unknown) => {
      const res = await request(`${sim.controlUrl}${route}`, {
        method,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.statusCode, json: (await res.body.json()) as any };
    };
    expect((await control('GET', '/urls')).json).toEqual(sim.urls());
    expect((await control('POST', '/protocols', { ws: false })).json).toEqual({ ws: false, sseB: true, sseA: true });
    expect((await refusal(wsUrl)).status).toBe(404);
    await control('POST', '/protocols', { ws: true });
    await control('POST', '/refuse-upgrades', { status: 429, headers: { 'retry-after': '3' } });
    expect(await refusal(wsUrl)).toMatchObject({ status: 429, headers: { 'retry-after': '3' } });
    await control('POST', '/refuse-upgrades', {});
    await control('POST', '/default-response', { response: sse(nested(reply('b default'))), generation: 'b' });
    const client = await dial(wsUrl);
    client.send(WS_BODY);
    expect((await client.frame(1)).event.data.delta).toBe('b default');
    await client.frame(3);
    expect((await control('POST', '/close-idle-ws', { code: 4000 })).json).toEqual({ closed: 1 });
    expect((await client.closed).code).toBe(4000);
    expect((await control('GET', '/upgrades')).json.map((u: { status: number }) => u.status)).toEqual([404, 429, 101]);
    expect((await control('GET', '/stats')).json).toMatchObject({ wsUpgrades: 1, wsRefusedUpgrades: 2 });
  });
});
