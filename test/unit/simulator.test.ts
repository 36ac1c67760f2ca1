import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { Pool, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_RESPONSE,
  OrchidsSimulator,
  codingAgentReasoning,
  codingAgentText,
  creditsExhausted,
  decodeFakeJwt,
  fakeJwt,
  finish,
  httpError,
  nested,
  renderSse,
  reply,
  sse,
  text,
  thinking,
  toolCall,
  tokensUsed,
  upstreamError,
  type SimOptions,
  type SimUser,
} from '../sim/orchids-simulator';
import { GEN_A_SAMPLE_BODY } from '../helpers/gen-a';

const Q = '?__clerk_api_version=2025-11-10&_clerk_js_version=5.117.0';
const sims: OrchidsSimulator[] = [];
async function startSim(options?: SimOptions): Promise<OrchidsSimulator> {
  const sim = await OrchidsSimulator.start(options);
  sims.push(sim);
  return sim;
}
afterEach(async () => {
  await Promise.all(sims.splice(0).map((sim) => sim.close()));
});

async function clerkClient(sim: OrchidsSimulator, cookie: string) {
  const res = await request(`${sim.clerkUrl}/v1/client${Q}`, {
    headers: { cookie: `__client=${cookie}; __client_uat=1` },
  });
  return { status: res.statusCode, setCookie: res.headers['set-cookie'], json: (await res.body.json()) as any };
}
async function mint(sim: OrchidsSimulator, sessionId: string, cookie: string) {
  const res = await request(`${sim.clerkUrl}/v1/client/sessions/${sessionId}/tokens${Q}`, {
    method: 'POST',
    headers: { cookie: `__client=${cookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'organization_id=',
  });
  return { status: res.statusCode, setCookie: res.headers['set-cookie'], json: (await res.body.json()) as any };
}
async function mintFor(sim: OrchidsSimulator, user: SimUser): Promise<string> {
  const res = await mint(sim, user.sessionId, user.clientCookie);
  expect(res.status).toBe(200);
  return res.json.jwt as string;
}
const genA = (extra: Record<string, unknown> = {}): string => JSON.stringify({ ...GEN_A_SAMPLE_BODY, ...extra });

async function callAgent(sim: OrchidsSimulator, token: string | undefined, body = genA()) {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await request(sim.agentUrl, { method: 'POST', headers, body });
  return { status: res.statusCode, type: res.headers['content-type'], text: await res.body.text() };
}
async function control(sim: OrchidsSimulator, method: 'GET' | 'POST', route: string, body?: unknown) {
  const res = await request(`${sim.controlUrl}${route}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.statusCode, json: (await res.body.json()) as any };
}

describe('fake JWTs and builders', () => {
  it('fakeJwt makes an obviously unsigned three-segment token that decodes back', () => {
    const token = fakeJwt({ sub: 'user_sim1', exp: 123 });
    const [header, , signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ alg: 'none', typ: 'JWT' });
    expect(signature).toBe('sim-signature');
    expect(decodeFakeJwt(token)).toEqual({ sub: 'user_sim1', exp: 123 });
    expect(decodeFakeJwt('not-a-jwt')).toBeUndefined();
  });

  it('emits the Generation A flat model events', () => {
    const m = (event: unknown) => ({ data: { type: 'model', event } });
    expect(text('héllo!', { chunks: 2 })).toEqual([
      m({ type: 'text-start', id: '1' }),
      m({ type: 'text-delta', id: '1', delta: 'hél' }),
      m({ type: 'text-delta', id: '1', delta: 'lo!' }),
      m({ type: 'text-end', id: '1' }),
    ]);
    expect(thinking('hmm', { signature: 'sig_sim' })[0]).toEqual(
      m({ type: 'reasoning-start', id: '0', signature: 'sig_sim' }),
    );
    expect(toolCall({ id: 'toolu_sim1', name: 'Read', input: { file_path: '/x/a.ts' } })).toEqual([
      m({ type: 'tool-input-start', id: 'toolu_sim1', toolName: 'Read' }),
      m({ type: 'tool-input-delta', id: 'toolu_sim1', delta: '{"file_path":"/x/a.ts"}' }),
      m({ type: 'tool-input-end', id: 'toolu_sim1' }),
      m({ type: 'tool-call', toolCallId: 'toolu_sim1', toolName: 'Read', input: '{"file_path":"/x/a.ts"}' }),
    ]);
    expect(toolCall({ id: 't', name: 'X', input: {}, streamed: false })).toHaveLength(1);
    expect(finish('tool-calls', { inputTokens: 5, outputTokens: 6 })).toEqual([
      m({ type: 'finish', finishReason: 'tool-calls', usage: { inputTokens: 5, outputTokens: 6 } }),
    ]);
    expect(tokensUsed(1, 2)).toEqual([m({ type: 'tokens-used', inputTokens: 1, outputTokens: 2 })]);
    expect(creditsExhausted()).toEqual([
      {
        data: {
          type: 'coding_agent.credits_exhausted',
          data: { code: 'credits_exhausted', message: 'You have run out of credits.' },
        },
      },
    ]);
    expect(upstreamError('bad_request', 'boom')).toEqual([
      { data: { type: 'error', data: { code: 'bad_request', message: 'boom' } } },
    ]);
    expect(codingAgentText('hi')).toEqual([
      { data: { type: 'coding_agent.response.chunk', chunk: { content: 'hi' } } },
    ]);
    expect(codingAgentReasoning('t')[0]).toEqual({
      data: { type: 'coding_agent.reasoning.chunk', data: { text: 't' } },
    });
    expect(httpError(429, 'slow down')).toEqual({ status: 429, body: 'slow down' });
  });

  it('rewrites to the Generation B nested form and renders SSE bytes', () => {
    const steps = nested([
      ...text('hi'),
      ...toolCall({ id: 'toolu_sim1', name: 'Read', input: { file_path: '/x' } }),
      ...finish('tool-calls', { inputTokens: 12, outputTokens: 34 }),
      { raw: ': keep\n\n' },
    ]);
    const n = (data: unknown) => ({ data: { type: 'model', event: { data } } });
    expect(steps[1]).toEqual(n({ type: 'text-delta', id: '1', delta: 'hi' }));
    expect(steps[3]).toEqual(n({ type: 'tool-input-start', id: 'toolu_sim1', tool_name: 'Read' }));
    expect(steps[6]).toEqual(
      n({ type: 'tool-call', callId: 'toolu_sim1', tool_name: 'Read', input: { file_path: '/x' } }),
    );
    expect(steps[7]).toEqual(
      n({ type: 'finish', stop_reason: 'tool-calls', usage: { input_tokens: 12, output_tokens: 34 } }),
    );
    expect(steps[8]).toEqual({ raw: ': keep\n\n' });
    expect(renderSse([...finish(), { raw: 'x' }, { delayMs: 5 }])).toBe(
      'data: {"type":"model","event":{"type":"finish","finishReason":"stop"}}\n\nx',
    );
  });
});

describe('simulated Clerk', () => {
  it('answers /v1/client with the identity and a freshly minted token', async () => {
    const sim = await startSim();
    const user = sim.addUser();
    expect(user).toMatchObject({ userId: 'user_sim1', sessionId: 'sess_sim1', email: 'user1@example.test' });
    expect(decodeFakeJwt(user.clientCookie)).toMatchObject({
      id: 'client_sim1',
      rotating_token: expect.stringMatching(/^rot_/),
    });
    const res = await clerkClient(sim, user.clientCookie);
    expect(res.status).toBe(200);
    const session = res.json.response.sessions[0];
    expect(res.json.response).toMatchObject({ id: 'client_sim1', last_active_session_id: 'sess_sim1' });
    expect(session).toMatchObject({
      id: 'sess_sim1',
      status: 'active',
      user: { id: 'user_sim1', email_addresses: [{ email_address: 'user1@example.test' }] },
    });
    const claims = decodeFakeJwt(session.last_active_token.jwt)!;
    expect(claims).toMatchObject({ sub: 'user_sim1', sid: 'sess_sim1', iss: sim.clerkUrl });
    expect(claims.exp).toBe((claims.iat as number) + 60);
    expect(sim.stats).toMatchObject({ clientLookups: 1, tokenMints: 1, clerkConnections: 1 });
    expect((await clerkClient(sim, fakeJwt({ id: 'client_simX', rotating_token: 'rot_x' }))).json.errors[0].code).toBe(
      'authentication_invalid',
    );
  });

  it('signOut empties the session list and refuses to mint', async () => {
    const sim = await startSim();
    const user = sim.addUser();
    sim.signOut(user.userId);
    const res = await clerkClient(sim, user.clientCookie);
    expect(res.status).toBe(200);
    expect(res.json.response).toMatchObject({ sessions: [], last_active_session_id: null });
    expect((await mint(sim, user.sessionId, user.clientCookie)).status).toBe(401);
    expect(sim.stats.tokenMints).toBe(0);
  });

  it('only mints for the cookie that owns the session', async () => {
    const sim = await startSim();
    const [a, b] = [sim.addUser(), sim.addUser()];
    expect((await mint(sim, a.sessionId, b.clientCookie)).status).toBe(401);
    expect((await mint(sim, a.sessionId, a.clientCookie)).json.object).toBe('token');
    sim.setClerkFailure(503);
    expect((await mint(sim, a.sessionId, a.clientCookie)).status).toBe(503);
    expect((await clerkClient(sim, a.clientCookie)).status).toBe(503);
    sim.setClerkFailure(undefined);
    expect((await clerkClient(sim, a.clientCookie)).status).toBe(200);
  });

  it('rotates __client on every success and invalidates the old value at once', async () => {
    const sim = await startSim({ rotateClientCookie: true });
    const user = sim.addUser();
    const first = user.clientCookie;
    const res = await clerkClient(sim, first);
    const cookies = res.setCookie as string[];
    const next = /^__client=([^;]+); Path=\/; HttpOnly; Secure; SameSite=Lax$/.exec(cookies[0]!)?.[1];
    expect(next).toBeDefined();
    expect(cookies[1]).toMatch(/^__client_uat=\d+; /);
    expect(user.clientCookie).toBe(next);
    expect(sim.currentCookie(user.userId)).toBe(next);
    expect(decodeFakeJwt(next!)).toMatchObject({ id: 'client_sim1' });
    expect((await clerkClient(sim, first)).status).toBe(401);
    expect((await mint(sim, user.sessionId, first)).status).toBe(401);
    const minted = await mint(sim, user.sessionId, next!);
    expect(minted.status).toBe(200);
    expect(sim.userByEmail(user.email)!.clientCookie).not.toBe(next);
  });

  // Spec 1.1 and 1.3: a client that drops a version from the query, or posts the tokens call another way, fails here.
  it('refuses a call without both pinned versions, or a tokens call not in the organization_id= form', async () => {
    const sim = await startSim({ rotateClientCookie: false });
    const user = sim.addUser();
    const get = (query: string) =>
      request(`${sim.clerkUrl}/v1/client${query}`, { headers: { cookie: `__client=${user.clientCookie}` } });
    for (const query of [
      '',
      '?__clerk_api_version=2025-11-10',
      '?_clerk_js_version=5.117.0',
      '?__clerk_api_version=2024-10-01&_clerk_js_version=5.117.0',
    ]) {
      const res = await get(query);
      expect(res.statusCode, query).toBe(400);
      expect(((await res.body.json()) as any).errors[0].code).toBe('request_invalid');
    }
    expect((await get(`?_clerk_js_version=5.117.0&__clerk_api_version=2025-11-10`)).statusCode).toBe(200);

    const post = (headers: Record<string, string>, body: string | undefined) =>
      request(`${sim.clerkUrl}/v1/client/sessions/${user.sessionId}/tokens${Q}`, {
        method: 'POST',
        headers: { cookie: `__client=${user.clientCookie}`, ...headers },
        body,
      });
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    for (const [headers, body] of [
      [form, undefined],
      [form, 'organization_id=org_XXXX'],
      [{ 'content-type': 'application/json' }, '{"organization_id":""}'],
      [{}, 'organization_id='],
    ] as const) {
      expect((await post(headers, body)).statusCode, `${JSON.stringify(headers)} ${body}`).toBe(400);
    }
    expect(sim.stats.tokenMints).toBe(1); // only the well-formed GET above minted
    expect((await mint(sim, user.sessionId, user.clientCookie)).status).toBe(200);
  });

  it('rotates by default, and keeps the pasted cookie when rotation is off', async () => {
    const rotating = await startSim();
    const user = rotating.addUser();
    const first = user.clientCookie;
    expect((await clerkClient(rotating, first)).setCookie).toHaveLength(2);
    expect(user.clientCookie).not.toBe(first);

    const fixed = await startSim({ rotateClientCookie: false });
    const steady = fixed.addUser();
    const res = await clerkClient(fixed, steady.clientCookie);
    expect(res.setCookie).toBeUndefined();
    expect((await mint(fixed, steady.sessionId, steady.clientCookie)).status).toBe(200);
  });
});

describe('simulated agent', () => {
  it('streams the default reply for a minted token and records the request', async () => {
    const sim = await startSim();
    const user = sim.addUser();
    const res = await callAgent(sim, await mintFor(sim, user), genA());
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/event-stream');
    expect(res.text).toBe(renderSse((DEFAULT_RESPONSE as { steps: never[] }).steps));
    expect(res.text.startsWith('data: {"type":"model","event":{"type":"text-start","id":"1"}}\n\n')).toBe(true);
    expect(res.text).toContain('"delta":"Hello from the Orchids simulator."');
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0]).toMatchObject({ userId: 'user_sim1', body: { prompt: 'hi' }, url: '/agent/coding-agent' });
    expect(sim.stats).toMatchObject({ agentRequests: 1, unauthorizedAgentRequests: 0 });
  });

  it('refuses missing, foreign, expired and revoked tokens with a 401 body', async () => {
    const sim = await startSim();
    const user = sim.addUser();
    expect(await callAgent(sim, undefined)).toMatchObject({
      status: 401,
      text: expect.stringContaining('invalid token'),
    });
    expect((await callAgent(sim, fakeJwt({ sub: user.userId, exp: 9e9 }))).status).toBe(401);
    const old = await mintFor(sim, user);
    expect((await callAgent(sim, old, 'not json')).status).toBe(400);
    sim.revokeTokens(user.userId);
    expect(await callAgent(sim, old)).toMatchObject({ status: 401, text: expect.stringMatching(/401.*invalid token/) });
    expect((await callAgent(sim, await mintFor(sim, user))).status).toBe(200);
    expect(sim.stats.unauthorizedAgentRequests).toBe(3);

    const shortLived = await startSim({ tokenTtlSeconds: 0 });
    const token = await mintFor(shortLived, shortLived.addUser());
    expect(await callAgent(shortLived, token)).toMatchObject({
      status: 401,
      text: expect.stringMatching(/401.*token expired/),
    });
  });

  // Spec §2.2 and §7.4: a server reading the spelled keys would never see a misspelled one, so the simulator refuses
  // every key, type and value the last Generation A client did not write, at every level of the body.
  it('refuses misspelled, extra, missing or mistyped keys at every level of a Generation A body', async () => {
    const sim = await startSim();
    const token = await mintFor(sim, sim.addUser());
    const { model: _model, ...noModel } = GEN_A_SAMPLE_BODY;
    const { currentPage: _currentPage, ...noCurrentPage } = GEN_A_SAMPLE_BODY;
    const read = { name: 'Read', description: 'Read a file', input_schema: { type: 'object' } };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...GEN_A_SAMPLE_BODY, chat_history: [] }, '`chat_history`'],
      [{ ...GEN_A_SAMPLE_BODY, isLocal: false }, '`isLocal`'],
      [{ ...GEN_A_SAMPLE_BODY, messages: [{ role: 'user', content: 'hi' }] }, '`messages`'],
      [{ ...GEN_A_SAMPLE_BODY, system: [] }, '`system`'],
      [noCurrentPage, 'needs `currentPage`'],
      [{ ...GEN_A_SAMPLE_BODY, chatHistory: [{ role: 'user', content: 'x', tool_calls: [] }] }, '`tool_calls`'],
      [{ ...GEN_A_SAMPLE_BODY, chatHistory: [{ role: 'system', content: 'x' }] }, 'user or assistant'],
      [{ ...GEN_A_SAMPLE_BODY, chatHistory: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] }, 'plain text'],
      [{ ...GEN_A_SAMPLE_BODY, projectId: '' }, '`projectId`'],
      [{ ...GEN_A_SAMPLE_BODY, currentPage: null }, '`currentPage` must be `{}`'],
      [{ ...GEN_A_SAMPLE_BODY, agentMode: '' }, '`agentMode`'],
      [{ ...GEN_A_SAMPLE_BODY, mode: 'chat' }, '`mode`'],
      [{ ...GEN_A_SAMPLE_BODY, gitRepoUrl: null }, '`gitRepoUrl`'],
      [{ ...GEN_A_SAMPLE_BODY, chatSessionId: 12345678 }, '`chatSessionId`'],
      [{ ...GEN_A_SAMPLE_BODY, apiVersion: '2' }, '`apiVersion`'],
      [{ ...GEN_A_SAMPLE_BODY, model: '' }, '`model`'],
      [{ ...GEN_A_SAMPLE_BODY, tools: [] }, '`tools`'],
      [{ ...GEN_A_SAMPLE_BODY, tools: [{ ...read, inputSchema: {} }] }, '`inputSchema`'],
      [{ ...GEN_A_SAMPLE_BODY, tools: [{ ...read, description: '' }] }, 'tools[0].description'],
      [
        { ...GEN_A_SAMPLE_BODY, tools: [{ type: 'function', function: { name: 'Read', input_schema: {} } }] },
        '`input_schema`',
      ],
      [{ ...GEN_A_SAMPLE_BODY, tools: [{ description: 'no name', input_schema: {} }] }, '`name`'],
    ];
    for (const [body, mention] of cases) {
      const res = await callAgent(sim, token, JSON.stringify(body));
      expect(res.status, mention).toBe(400);
      expect(res.text, mention).toContain(mention);
    }
    // What the reference client wrote is accepted: no model, tools in either shape, no description.
    const fn = { type: 'function', function: { name: 'Bash', parameters: { type: 'object' } } };
    for (const body of [noModel, { ...GEN_A_SAMPLE_BODY, tools: [read, { name: 'Glob', input_schema: {} }, fn] }]) {
      expect((await callAgent(sim, token, JSON.stringify(body))).status).toBe(200);
    }
  });

  it('answers per-user queues before the global queue, FIFO, then the responder, then the default', async () => {
    const sim = await startSim();
    const [a, b] = [sim.addUser(), sim.addUser()];
    const [ta, tb] = [await mintFor(sim, a), await mintFor(sim, b)];
    sim.enqueue(sse(reply('global 1')));
    sim.enqueue(sse(reply('global 2')));
    sim.enqueue(sse(reply('for b')), b.userId);
    sim.enqueue((req) => httpError(429, `slow down ${req.userId}`), b.userId);
    sim.onAgentRequest((req) => (req.body.prompt === 'respond' ? sse(reply('responder')) : undefined));
    sim.setDefaultResponse(sse(reply('new default')));
    expect((await callAgent(sim, tb)).text).toContain('for b');
    expect(await callAgent(sim, tb)).toMatchObject({ status: 429, text: 'slow down user_sim2' });
    expect((await callAgent(sim, tb)).text).toContain('global 1');
    expect((await callAgent(sim, ta)).text).toContain('global 2');
    expect(sim.pendingResponses()).toBe(0);
    expect((await callAgent(sim, ta, genA({ prompt: 'respond' }))).text).toContain('responder');
    expect((await callAgent(sim, ta)).text).toContain('new default');
  });

  it('honours raw and delay steps and resets the connection mid-stream on destroy', async () => {
    const sim = await startSim();
    const token = await mintFor(sim, sim.addUser());
    sim.enqueue(sse([{ raw: ': ping\r\n\r\n' }, { delayMs: 150 }, ...reply('late')]));
    const started = Date.now();
    const slow = await callAgent(sim, token);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(slow.text.startsWith(': ping\r\n\r\ndata: ')).toBe(true);

    sim.enqueue(sse([...text('partial'), { destroy: true }, ...finish()]));
    const res = await request(sim.agentUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: genA(),
    });
    expect(res.statusCode).toBe(200);
    let received = '';
    await expect(
      (async () => {
        for await (const chunk of res.body) received += String(chunk);
      })(),
    ).rejects.toThrow();
    expect(received).toContain('"delta":"partial"');
    expect(received).not.toContain('finish');
  });

  it('stops writing when the client aborts', async () => {
    const sim = await startSim();
    const token = await mintFor(sim, sim.addUser());
    sim.enqueue(sse([...text('first'), { delayMs: 10_000 }, ...text('never')]));
    const abort = new AbortController();
    const res = await request(sim.agentUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: genA(),
      signal: abort.signal,
    });
    for await (const chunk of res.body) {
      expect(String(chunk)).toContain('first');
      break;
    }
    abort.abort();
    await expect.poll(() => sim.stats.openAgentConnections).toBe(0);
  });

  it('keeps one TCP connection across sequential requests from one pool', async () => {
    const sim = await startSim();
    const token = await mintFor(sim, sim.addUser());
    const url = new URL(sim.agentUrl);
    // One connection per pool: undici marks a client free a tick after the body ends, so an unbounded pool may
    // open a spare socket for a back-to-back request. A server that closed idle sockets would still push the count up.
    const pool = new Pool(url.origin, { connections: 1 });
    try {
      for (let i = 0; i < 5; i++) {
        const res = await pool.request({
          path: url.pathname,
          method: 'POST',
          body: genA(),
          headers: { authorization: `Bearer ${token}` },
        });
        expect(await res.body.text()).toContain('Hello from the Orchids simulator.');
      }
      expect((await control(sim, 'GET', '/stats')).json).toMatchObject({ agentRequests: 5, agentConnections: 1 });
      expect(sim.stats).toMatchObject({ agentConnections: 1, openAgentConnections: 1 });
    } finally {
      await pool.close();
    }
    sim.resetStats();
    expect(sim.stats).toMatchObject({ agentRequests: 0, tokenMints: 0, agentConnections: 0 });
  });

  it('can stop recording requests, and close() ends live sockets', async () => {
    const sim = await startSim();
    const token = await mintFor(sim, sim.addUser());
    sim.setRecording(false);
    await callAgent(sim, token);
    expect(sim.requests).toHaveLength(0);
    expect(sim.stats).toMatchObject({ agentRequests: 1, openAgentConnections: 1 });
    await sim.close(); // the client's keep-alive socket is still open; close() must end it and settle the gauge
    expect(sim.stats.openAgentConnections).toBe(0);
  });
});

describe('control API and standalone process', () => {
  it('scripts a simulator over HTTP', async () => {
    const sim = await startSim();
    const user = (await control(sim, 'POST', '/users', { email: 'ops@example.test' })).json as SimUser;
    expect(sim.userByEmail('ops@example.test')?.userId).toBe(user.userId);
    await control(sim, 'POST', '/enqueue', { response: sse(reply('from control')), userId: user.userId });
    const token = await mintFor(sim, user);
    expect((await callAgent(sim, token)).text).toContain('from control');
    expect((await control(sim, 'POST', '/sign-out', { userId: user.userId })).json).toEqual({ ok: true });
    // The user came over HTTP as a copy: Clerk rotated its cookie when the token was minted.
    expect((await clerkClient(sim, sim.currentCookie(user.userId)!)).json.response.sessions).toEqual([]);
    expect((await control(sim, 'POST', '/sign-out', { userId: 'user_simNope' })).status).toBe(400);
    await control(sim, 'POST', '/reset-stats');
    expect((await control(sim, 'GET', '/stats')).json).toMatchObject({ agentRequests: 0, tokenMints: 0 });
  });

  it('main.ts prints one JSON line, serves, and exits on SIGTERM', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'orchids-sim-'));
    try {
      const outfile = path.join(dir, 'sim.cjs');
      await build({
        entryPoints: [fileURLToPath(new URL('../sim/main.ts', import.meta.url))],
        bundle: true,
        platform: 'node',
        format: 'cjs',
        outfile,
        logLevel: 'silent',
      }); // cjs, as scripts/build-main.mjs builds it: ws is CommonJS
      const child = spawn(process.execPath, [outfile], {
        env: { ...process.env, SIM_TOKEN_TTL_SECONDS: '5' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const lines = createInterface({ input: child.stdout });
      const [line] = await lines[Symbol.asyncIterator]()
        .next()
        .then((r) => [r.value as string]);
      const urls = JSON.parse(line!) as {
        clerkUrl: string;
        agentUrl: string;
        agentWsUrl: string;
        agentBUrl: string;
        controlUrl: string;
      };
      expect(urls.agentUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/agent\/coding-agent$/);
      expect(urls.agentWsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/agent\/ws\/coding-agent$/);
      expect(urls.agentBUrl).toBe(`${urls.agentWsUrl.replace(/^ws:/, 'http:').replace('/ws/', '/')}`);
      expect(new URL(urls.agentBUrl).port).not.toBe(new URL(urls.agentUrl).port);
      const remote = { clerkUrl: urls.clerkUrl, controlUrl: urls.controlUrl } as OrchidsSimulator;
      const user = (await control(remote, 'POST', '/users', {})).json as SimUser;
      const claims = decodeFakeJwt(
        (await clerkClient(remote, user.clientCookie)).json.response.sessions[0].last_active_token.jwt,
      )!;
      expect(claims.exp).toBe((claims.iat as number) + 5);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
