import net from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentRequestInfo, AgentResponse } from '../sim/orchids-simulator';
import {
  creditsExhausted,
  finish,
  httpError,
  reply,
  sse,
  text,
  upstreamError,
  wsClose,
} from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { parseSse } from '../helpers/sse';
import { until } from '../helpers/wait';
import { HI, postMessages } from '../helpers/messages';

/**
 * One row per upstream fault. Each asserts what the client receives, which accounts were tried, and each
 * account's state afterwards. Two accounts: whichever is tried first meets the fault, the other is healthy.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const TIMEOUTS = { ORCHIDS_TRAY_FIRST_BYTE_TIMEOUT_MS: '400', ORCHIDS_TRAY_IDLE_TIMEOUT_MS: '400' };

/**
 * The matrix runs once per column: Generation A over SSE, and Generation B over a WebSocket. The simulator plays a
 * scripted HTTP error on a WebSocket as an error frame naming the status (there is no status line after the
 * upgrade); where a fault has a different shape on a socket (a refused upgrade, a close instead of an EOF), the
 * row says so.
 */
const COLUMNS = ['sse-a', 'ws'] as const;
type Column = (typeof COLUMNS)[number];
let column: Column;

async function twoAccounts(env: Record<string, string> = {}): Promise<Stack> {
  stack = await startStack({ accounts: 2, protocol: column, env: { ...TIMEOUTS, ...env } });
  return stack;
}

/** The first account the proxy tries gets `fault`; every later request, on any account, is answered normally. */
function faultOnFirstAccount(fault: (req: AgentRequestInfo) => AgentResponse | undefined): {
  first: () => string | undefined;
} {
  let first: string | undefined;
  stack.sim.onAgentRequest((req) => {
    first ??= req.userId;
    return req.userId === first ? fault(req) : undefined;
  });
  return { first: () => first };
}

async function ask(options: { stream?: boolean } = {}) {
  const response = await postMessages(stack.url, { ...HI, max_tokens: 50, stream: options.stream ?? true });
  const raw = await response.body.text();
  const requestId = String(response.headers['request-id']);
  await stack.core.internals.history.flushNow();
  const report = stack.core.internals.historyRepo.get(requestId)!;
  return {
    status: response.statusCode,
    headers: response.headers,
    events: options.stream === false || response.statusCode !== 200 ? [] : parseSse(raw),
    json: response.headers['content-type']?.toString().includes('json') ? JSON.parse(raw) : undefined,
    report,
  };
}

const accountOf = (userId: string | undefined): number =>
  stack.accountIds[stack.users.findIndex((u) => u.userId === userId)]!;
const state = (accountId: number) => stack.core.internals.cache.get(accountId)!;
const otherThan = (accountId: number): number => stack.accountIds.find((id) => id !== accountId)!;
const texts = (events: Array<{ event: string; data: any }>) =>
  events
    .filter((e) => e.data?.delta?.type === 'text_delta')
    .map((e) => e.data.delta.text)
    .join('');

function expectCleanAnswer(result: Awaited<ReturnType<typeof ask>>): void {
  expect(result.status).toBe(200);
  const names = result.events.map((e) => e.event).filter((name) => name !== 'ping');
  expect(names.filter((name) => name === 'message_start')).toHaveLength(1);
  expect(names.at(-1)).toBe('message_stop');
  expect(texts(result.events)).toBe('Hello from the Orchids simulator.');
}

describe.each(COLUMNS)('fault matrix (%s)', (name) => {
  beforeEach(() => {
    column = name;
  });

  it('401 then a fresh token: the same account succeeds', async () => {
    await twoAccounts();
    for (const user of stack.users) stack.sim.revokeTokens(user.userId);
    const result = await ask();
    expectCleanAnswer(result);
    expect(result.report.accountsTried).toHaveLength(1);
    // Over a WebSocket the token is checked at the upgrade, which is refused with a real 401.
    if (column === 'ws') expect(stack.sim.stats.wsRefusedUpgrades).toBe(1);
    else expect(stack.sim.stats.unauthorizedAgentRequests).toBe(1);
    expect(state(result.report.accountsTried[0]!).status).toBe('ready');
  });

  it('401 twice: the account is signed out and the other serves', async () => {
    await twoAccounts();
    const { first } = faultOnFirstAccount(() => httpError(401, '401 token expired'));
    const result = await ask();
    expectCleanAnswer(result);
    const failed = accountOf(first());
    expect(result.report.accountsTried).toEqual([failed, otherThan(failed)]);
    expect(result.report.retries).toBe(1);
    expect(state(failed)).toMatchObject({ status: 'signed_out' });
    expect(state(failed).statusReason).toMatch(/401 token expired\. Paste a fresh cookie/);
    expect(state(otherThan(failed)).status).toBe('ready');
  });

  it.each([
    [403, 'blocked'],
    [402, 'quota_exhausted'],
  ] as const)('%i: the account is %s and the other serves', async (status, expected) => {
    await twoAccounts();
    const { first } = faultOnFirstAccount(() => httpError(status, `upstream says ${status}`));
    const result = await ask();
    expectCleanAnswer(result);
    const failed = accountOf(first());
    expect(result.report.accountsTried).toEqual([failed, otherThan(failed)]);
    expect(state(failed).status).toBe(expected);
    expect(state(failed).statusUntil).toBeGreaterThan(Date.now());
    expect(state(otherThan(failed)).status).toBe('ready');
  });

  it('credits_exhausted before any content: quota exhausted, the other serves, no duplicate message', async () => {
    await twoAccounts();
    const { first } = faultOnFirstAccount(() => sse(creditsExhausted()));
    const result = await ask();
    expectCleanAnswer(result);
    const failed = accountOf(first());
    expect(result.report.accountsTried).toEqual([failed, otherThan(failed)]);
    expect(state(failed).status).toBe('quota_exhausted');
  });

  it('429 with Retry-After: cooling down exactly that long', async () => {
    await twoAccounts();
    let failed: number;
    const before = Date.now();
    if (column === 'ws') {
      // A header needs a status line: on a socket it comes with a refused upgrade, here for the one account left.
      failed = stack.accountIds[0]!;
      stack.core.accounts.update(otherThan(failed), { enabled: false });
      stack.sim.refuseUpgrades(429, 'slow down', { 'retry-after': '42' });
      const refused = await ask();
      expect(refused.status).toBe(529);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(41);
    } else {
      const { first } = faultOnFirstAccount(() => httpError(429, 'slow down', { 'retry-after': '42' }));
      expectCleanAnswer(await ask());
      failed = accountOf(first());
    }
    expect(state(failed).status).toBe('cooling_down');
    expect(state(failed).statusUntil! - before).toBeGreaterThanOrEqual(42_000);
    expect(state(failed).statusUntil! - Date.now()).toBeLessThanOrEqual(42_000);
  });

  it('429 without Retry-After: a back-off that heals on its own and grows on repeats', async () => {
    stack = await startStack({
      accounts: 2,
      protocol: column,
      env: TIMEOUTS,
      core: { statePolicy: { rateLimitBaseMs: 300 } },
    });
    const { first } = faultOnFirstAccount(() => httpError(429, 'slow down'));
    expectCleanAnswer(await ask());
    const failed = accountOf(first());
    const firstWait = state(failed).statusUntil! - Date.now();
    expect(state(failed).status).toBe('cooling_down');
    expect(firstWait).toBeGreaterThan(100);
    expect(firstWait).toBeLessThanOrEqual(300);
    // Nobody resets it: the cool-down passes and the account is ready again by itself.
    await until(() => state(failed).status === 'ready', { what: 'the cooled-down account to be ready again' });
    expect(state(failed).status).toBe('ready');
    // Its next 429 (the only account left enabled) waits twice as long.
    stack.core.accounts.update(otherThan(failed), { enabled: false });
    expect((await ask()).status).toBe(529);
    const secondWait = state(failed).statusUntil! - Date.now();
    expect(secondWait).toBeGreaterThan(400);
    expect(secondWait).toBeLessThanOrEqual(600);
  });

  it('500: moved to the other account; one failure does not sideline an account', async () => {
    await twoAccounts();
    const { first } = faultOnFirstAccount(() => httpError(500, 'internal_error'));
    const result = await ask();
    expectCleanAnswer(result);
    const failed = accountOf(first());
    expect(result.report.accountsTried).toEqual([failed, otherThan(failed)]);
    expect(state(failed)).toMatchObject({ status: 'ready', failureStreak: 1 });
  });

  it('connection refused: every account is tried once, then a clear error', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    // A pause longer than the request's budget: no retry on the same account (tested on its own below).
    stack = await startStack({
      accounts: 2,
      protocol: column,
      env: TIMEOUTS,
      core: { sameAccountBackoffMs: () => 10_000 },
    });
    const config = stack.core.config as { agentUrl: string; agentWsUrl: string };
    if (column === 'ws') config.agentWsUrl = `ws://127.0.0.1:${closed}/agent/ws/coding-agent`;
    else config.agentUrl = `http://127.0.0.1:${closed}/agent/coding-agent`;
    const result = await ask();
    expect(result.status).toBe(529);
    expect(result.headers['content-type']).toContain('application/json');
    const body = result.json;
    expect(body.error.type).toBe('overloaded_error');
    expect(body.error.message).toMatch(/2 accounts failed this request.*cannot be reached.*ECONNREFUSED/s);
    expect(result.report.accountsTried.sort()).toEqual([...stack.accountIds].sort());
    for (const id of stack.accountIds) expect(state(id)).toMatchObject({ status: 'ready', failureStreak: 1 });
  });

  it('an upstream address the transport cannot use: a failed attempt in the API format, not a crash', async () => {
    stack = await startStack({ accounts: 1, protocol: column, env: TIMEOUTS });
    const config = stack.core.config as { agentUrl: string; agentWsUrl: string };
    if (column === 'ws') config.agentWsUrl = 'not a url';
    else config.agentUrl = 'not a url';
    const result = await ask();
    expect(result.status).toBeGreaterThanOrEqual(500);
    expect(result.headers['content-type']).toContain('application/json');
    expect(result.json.type).toBe('error');
    expect(new Set(result.report.accountsTried)).toEqual(new Set(stack.accountIds));
    // The server still answers afterwards.
    config.agentUrl = stack.sim.agentUrl;
    config.agentWsUrl = stack.sim.agentWsUrl;
    expectCleanAnswer(await ask());
  });

  it('reset before any content: moved to the other account', async () => {
    await twoAccounts();
    const { first } = faultOnFirstAccount(() => sse([{ raw: '' }, { destroy: true }]));
    const result = await ask();
    expectCleanAnswer(result);
    expect(result.report.accountsTried).toEqual([accountOf(first()), otherThan(accountOf(first()))]);
  });

  it('reset mid-stream: no retry, no duplicate, an error event instead of a fake end_turn', async () => {
    await twoAccounts();
    const { first } = faultOnFirstAccount(() => sse([...text('Half an ans'), { delayMs: 50 }, { destroy: true }]));
    const result = await ask();
    expect(result.status).toBe(200);
    expect(texts(result.events)).toBe('Half an ans');
    const last = result.events.at(-1)!;
    expect(last.event).toBe('error');
    expect(last.data.error.type).toBe('api_error');
    expect(last.data.error.message).toMatch(/cut off/);
    expect(result.events.some((e) => e.event === 'message_delta' || e.event === 'message_stop')).toBe(false);
    expect(result.report).toMatchObject({ accountsTried: [accountOf(first())], errorType: 'api_error' });
  });

  it('silence past the idle timeout mid-stream: the stream ends with an error event', async () => {
    await twoAccounts();
    const { first } = faultOnFirstAccount(() =>
      sse([...text('Thinking out lou'), { delayMs: 1500 }, ...text('d'), ...finish()]),
    );
    const result = await ask();
    expect(texts(result.events)).toBe('Thinking out lou');
    expect(result.events.at(-1)).toMatchObject({
      event: 'error',
      data: { error: { type: 'api_error', message: expect.stringMatching(/silent/) } },
    });
    expect(result.report.accountsTried).toEqual([accountOf(first())]);
  });

  it('silence before any content: moved to the other account', async () => {
    await twoAccounts();
    const { first } = faultOnFirstAccount(() => sse([{ raw: '' }, { delayMs: 1500 }, ...reply('late')]));
    const result = await ask();
    expectCleanAnswer(result);
    expect(result.report.accountsTried).toEqual([accountOf(first()), otherThan(accountOf(first()))]);
  });

  it('malformed SSE: the garbage is skipped and the answer is whole', async () => {
    await twoAccounts();
    stack.sim.onAgentRequest(() =>
      sse([
        { raw: 'data: {not json\n\n' },
        { raw: 'garbage without a field\n\n' },
        ...text('Hello from the Orchids '),
        { raw: 'data: [DONE]\n\n' },
        ...text('simulator.'),
        ...finish(),
      ]),
    );
    const result = await ask();
    expect(result.status).toBe(200);
    expect(texts(result.events)).toBe('Hello from the Orchids simulator.');
    expect(result.events.at(-1)!.event).toBe('message_stop');
  });

  it('EOF without finish: the message closes cleanly with what arrived', async () => {
    await twoAccounts();
    // A socket's end of answer is a normal close (1000).
    const end = column === 'ws' ? wsClose(1000) : [];
    stack.sim.onAgentRequest(() => sse([...text('Hello from the Orchids simulator.'), ...end]));
    const result = await ask();
    expectCleanAnswer(result);
    expect(result.events.find((e) => e.event === 'message_delta')!.data.delta.stop_reason).toBe('end_turn');
    for (const id of stack.accountIds) expect(state(id).status).toBe('ready');
  });

  it('an upstream 400 is the request’s fault: returned as is, not retried', async () => {
    await twoAccounts();
    stack.sim.onAgentRequest(() => httpError(400, '{"error":"input is too long"}'));
    const result = await ask();
    expect(result.status).toBe(400);
    expect(result.json.error).toMatchObject({
      type: 'invalid_request_error',
      // Anthropic's own words first, the ones Claude Code reads to compact its history and try again.
      message: expect.stringMatching(/^prompt is too long: .*input is too long/),
    });
    expect(result.report.accountsTried).toHaveLength(1);
    for (const id of stack.accountIds) expect(state(id)).toMatchObject({ status: 'ready', failureStreak: 0 });
  });

  it('an error event saying the context window is exceeded: a 400 in Anthropic’s words, streamed or not', async () => {
    await twoAccounts();
    stack.sim.onAgentRequest(() => sse(upstreamError('context_window_exceeded', 'conversation exceeds the window')));
    for (const stream of [true, false]) {
      const result = await ask({ stream });
      expect(result.status).toBe(400);
      expect(result.json.error.type).toBe('invalid_request_error');
      expect(result.json.error.message).toMatch(/^prompt is too long: .*context_window_exceeded/);
      expect(result.report.accountsTried).toHaveLength(1);
    }
    for (const id of stack.accountIds) expect(state(id)).toMatchObject({ status: 'ready', failureStreak: 0 });
  });

  it('a 400 about something else is not told as a context overflow', async () => {
    await twoAccounts();
    stack.sim.onAgentRequest(() => httpError(400, '{"error":"messages must be an array"}'));
    const result = await ask();
    expect(result.status).toBe(400);
    expect(result.json.error.message).not.toMatch(/prompt is too long/);
    expect(result.json.error.message).toMatch(/messages must be an array/);
  });

  it('all accounts fail a stream before any content: a real HTTP status, not a 200 with an error inside', async () => {
    await twoAccounts();
    stack.sim.onAgentRequest(() => sse(creditsExhausted()));
    const result = await ask({ stream: true });
    // Every account is out of credits: a billing error clients show at once (waiting an hour is no retry).
    expect(result.status).toBe(402);
    expect(result.headers['content-type']).toContain('application/json');
    expect(result.json.error).toMatchObject({
      type: 'billing_error',
      message: expect.stringMatching(/out of credits/),
    });
    expect(result.headers['x-should-retry']).toBe('false');
    expect(result.report.accountsTried).toHaveLength(2);
  });

  it('one account, a 502 before any content: tried again on the same account after a short pause', async () => {
    stack = await startStack({
      accounts: 1,
      protocol: column,
      env: TIMEOUTS,
      core: { sameAccountBackoffMs: () => 20 },
    });
    let calls = 0;
    stack.sim.onAgentRequest(() => (++calls === 1 ? httpError(502, 'bad gateway') : undefined));
    const result = await ask();
    expectCleanAnswer(result);
    expect(result.report.accountsTried).toEqual([stack.accountIds[0], stack.accountIds[0]]);
    expect(result.report.retries).toBe(1);
    expect(state(stack.accountIds[0]!)).toMatchObject({ status: 'ready', failureStreak: 0 });
  });

  it('one account failing every time: three tries in all, then 529 with the last error', async () => {
    stack = await startStack({
      accounts: 1,
      protocol: column,
      env: TIMEOUTS,
      core: { sameAccountBackoffMs: () => 20 },
    });
    stack.sim.onAgentRequest(() => httpError(503, 'unavailable'));
    const result = await ask();
    expect(result.status).toBe(529);
    expect(result.json.error.message).toMatch(/1 account (failed this request|failing).*503/s);
    expect(result.report.accountsTried).toEqual([stack.accountIds[0], stack.accountIds[0], stack.accountIds[0]]);
    expect(result.report.retries).toBe(2);
  });

  it('no account can take a request: 529 saying why and when the next is ready', async () => {
    await twoAccounts();
    if (column === 'ws') stack.sim.refuseUpgrades(429, 'slow down', { 'retry-after': '41' });
    else stack.sim.onAgentRequest(() => httpError(429, 'slow down', { 'retry-after': '41' }));
    const result = await ask();
    expect(result.status).toBe(529);
    expect(result.json.error.type).toBe('overloaded_error');
    expect(result.json.error.message).toMatch(/2 accounts cooling down; the next is ready in 4[01] s/);
    expect(Number(result.headers['retry-after'])).toBeGreaterThanOrEqual(40);
  });
});
