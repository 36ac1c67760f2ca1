import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RESPONSE_B,
  connected,
  finish,
  nested,
  renderSse,
  renderWsFrames,
  reply,
  sse,
  text,
  type SimStep,
} from '../sim/orchids-simulator';
import { genBSimulators, post, SSE_B_BODY, WS_BODY } from '../helpers/gen-b-sim';
import { GEN_A_SAMPLE_BODY } from '../helpers/gen-a';

/**
 * The simulator's Generation B SSE endpoint, the bodies each endpoint accepts, and the switches that make the
 * simulator one upstream or another.
 */

const { withToken, dial, refusal } = genBSimulators();

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
