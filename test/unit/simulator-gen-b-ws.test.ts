import { request, WebSocket as UndiciWebSocket } from 'undici';
import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import {
  connected,
  drop,
  errorFrame,
  finish,
  httpError,
  nested,
  reply,
  responseStarted,
  sse,
  text,
  wsClose,
} from '../sim/orchids-simulator';
import { DEFAULT_FRAMES, genBSimulators, SSE_B_BODY, WS_BODY } from '../helpers/gen-b-sim';
import { GEN_A_SAMPLE_BODY } from '../helpers/gen-a';
import { until } from '../helpers/wait';

/** The simulator's Generation B WebSocket endpoint, as a client of it meets it: upgrades, frames, closes, refusals. */

const { withToken, dial, refusal } = genBSimulators();

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
