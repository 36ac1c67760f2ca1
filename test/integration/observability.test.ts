import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreEvent } from '../../main/core/events/types';
import { finish, httpError, sse, text, toolCall } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { parseSse } from '../helpers/sse';
import { PINNED_MODES } from '../helpers/upstream';
import { until } from '../helpers/wait';
import { HI, postMessages } from '../helpers/messages';

let stack: Stack;
afterEach(async () => stack?.stop());

async function ask(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await postMessages(stack.url, { ...HI, max_tokens: 50, stream: true, ...body }, { headers });
  const raw = await response.body.text();
  return { status: response.statusCode, requestId: String(response.headers['request-id']), raw };
}

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? walk(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

describe('request history', () => {
  it('leaves one row per request, debug logging on or off', async () => {
    stack = await startStack();
    const { requestId } = await ask({});
    await stack.core.internals.history.flushNow();
    expect(stack.core.internals.historyRepo.get(requestId)).toMatchObject({
      requestId,
      status: 200,
      model: 'claude-sonnet-4-6',
      upstreamModel: 'claude-sonnet-4-6',
      stream: true,
      stopReason: 'end_turn',
      inputTokens: 12,
      outputTokens: 7,
      accountsTried: [stack.accountIds[0]],
      retries: 0,
      debugLog: null,
    });
    expect(stack.core.internals.historyRepo.get(requestId)!.firstByteMs).toBeGreaterThanOrEqual(0);
  });
});

describe('a request the upstream never answered', () => {
  // The upstream said no before any answer, so nothing was read or billed: the row and "Tokens in today" stay at 0
  // instead of counting the proxy's own estimate of the prompt, and the two agree.
  it('counts no tokens in its row or in today’s totals', async () => {
    stack = await startStack({ accounts: 1 });
    stack.sim.onAgentRequest(() => httpError(500, 'upstream exploded'));
    const before = stack.core.history.stats().today;
    const { status, requestId } = await ask({ stream: false });
    expect(status).toBeGreaterThanOrEqual(500);
    await stack.core.internals.history.flushNow();
    expect(stack.core.internals.historyRepo.get(requestId)).toMatchObject({ status, inputTokens: 0, outputTokens: 0 });
    expect(stack.core.history.stats().today).toMatchObject({
      requests: before.requests + 1,
      errors: before.errors + 1,
      inputTokens: before.inputTokens,
      outputTokens: before.outputTokens,
    });
  });
});

describe('a stream the client closes mid-answer', () => {
  it.each(PINNED_MODES)('keeps its row’s protocol and the tokens it was sent ($name)', async (mode) => {
    stack = await startStack({ protocol: mode.setting });
    stack.sim.enqueue(
      sse([...text('A first sentence the client reads. '), { delayMs: 10_000 }, ...text('Never read.'), ...finish()]),
    );
    const controller = new AbortController();
    const response = await postMessages(
      stack.url,
      { ...HI, max_tokens: 50, stream: true },
      { signal: controller.signal },
    );
    const requestId = String(response.headers['request-id']);
    let seen = '';
    for await (const chunk of response.body) {
      seen += String(chunk);
      if (seen.includes('text_delta')) break;
    }
    controller.abort();
    const history = stack.core.internals;
    await until(async () => (await history.history.flushNow(), history.historyRepo.get(requestId) !== undefined), {
      what: 'the closed request’s history row',
    });
    expect(stack.core.internals.historyRepo.get(requestId)).toMatchObject({
      status: 499,
      errorType: 'client_closed',
      protocol: mode.expect,
      accountsTried: [stack.accountIds[0]],
    });
    expect(stack.core.internals.historyRepo.get(requestId)!.outputTokens).toBeGreaterThan(0);
  });
});

describe('an answer the upstream cuts off mid-stream', () => {
  it.each(PINNED_MODES)('leaves a row with its protocol and the tokens the client was sent ($name)', async (mode) => {
    stack = await startStack({ protocol: mode.setting });
    stack.sim.enqueue(sse([...text('A first sentence the client reads. '), { destroy: true }]));
    const { requestId, raw } = await ask({});
    expect(raw).toContain('The answer was cut off');
    await stack.core.internals.history.flushNow();
    const row = stack.core.internals.historyRepo.get(requestId)!;
    expect(row).toMatchObject({ errorType: 'api_error', protocol: mode.expect, stopReason: null });
    expect(row.outputTokens).toBeGreaterThan(0);
  });
});

describe('the debug log', () => {
  it.each(PINNED_MODES)(
    'is off by default, switches on while running, and records the whole story of a request ($name)',
    async (mode) => {
      stack = await startStack({ protocol: mode.setting });
      await ask({});
      await stack.core.internals.debugLogs.flushNow();
      expect(fs.existsSync(path.join(stack.dataDir, 'debug-logs'))).toBe(false);

      stack.core.settings.set('debugLogs', true);
      stack.sim.enqueue(
        sse([
          ...text('Reading.'),
          ...toolCall({ id: 'toolu_sim_log_1', name: 'Read', input: { file_path: '/x' } }),
          ...finish('tool-calls', { inputTokens: 40, outputTokens: 9 }),
        ]),
      );
      const { requestId, raw } = await ask({
        tools: [{ name: 'Read', input_schema: { type: 'object', properties: { file_path: { type: 'string' } } } }],
      });
      await stack.core.internals.history.flushNow();
      await stack.core.internals.debugLogs.flushNow();
      const row = stack.core.internals.historyRepo.get(requestId)!;
      expect(row.debugLog).toMatch(new RegExp(`_${requestId}\\.json$`));
      const record = (await stack.core.internals.debugLogs.read(row.debugLog!))!;

      expect(record.incoming.body).toMatchObject({ model: 'claude-sonnet-4-6', stream: true });
      expect(record.upstream).toHaveLength(1);
      const expected = {
        ws: [`${stack.sim.agentWsUrl}?token=[redacted]`, { cookie: '[redacted]' }],
        'sse-b': [stack.sim.agentBUrl, { authorization: '[redacted]', cookie: '[redacted]' }],
        'sse-a': [stack.sim.agentUrl, { authorization: '[redacted]' }],
      }[mode.expect];
      expect(record.upstream[0]).toMatchObject({
        protocol: mode.expect,
        url: expected[0],
        status: 200,
        accountId: stack.accountIds[0],
      });
      expect(record.upstream[0]!.headers).toEqual(expected[1]);
      const sentBody = record.upstream[0]!.body as { prompt?: string; messages?: Array<{ content: unknown }> };
      if (mode.expect === 'sse-a') expect(sentBody.prompt).toContain('hi');
      else expect(sentBody.messages).toEqual([{ role: 'user', content: 'hi' }]);
      const upstreamTypes = record.upstream[0]!.events.map((e) => JSON.parse(e.data).event?.type);
      expect(upstreamTypes).toEqual([
        'text-start',
        'text-delta',
        'text-end',
        'tool-input-start',
        'tool-input-delta',
        'tool-input-end',
        'tool-call',
        'finish',
      ]);
      expect(record.upstream[0]!.events.every((e, i, all) => e.t >= 0 && (i === 0 || e.t >= all[i - 1]!.t))).toBe(true);
      // What the client got is exactly what the record says it got.
      expect(record.client.map((c) => c.frame).join('')).toBe(raw);
      expect(parseSse(record.client.map((c) => c.frame).join('')).at(-1)!.event).toBe('message_stop');
      expect(record.summary).toMatchObject({
        requestId,
        status: 200,
        stopReason: 'tool_use',
        inputTokens: 40,
        outputTokens: 9,
        accountId: stack.accountIds[0],
        protocol: mode.expect,
      });
      expect(row.protocol).toBe(mode.expect);

      stack.core.settings.set('debugLogs', false);
      const later = await ask({});
      await stack.core.internals.history.flushNow();
      expect(stack.core.internals.historyRepo.get(later.requestId)!.debugLog).toBeNull();
    },
  );

  it('never lets a secret reach any file the app writes', async () => {
    stack = await startStack();
    const apiKey = 'sk-ant-api03-TESTONLY-0123456789abcdefABCDEF';
    const jwt =
      'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyX1RFU1RPTkxZIiwiZXhwIjo5OTk5OTk5OTk5fQ.' +
      'VEVTVE9OTFktc2lnbmF0dXJlLW5vdC1yZWFs';
    const pastedCookie = '__client=TESTONLYclientcookievalue0123456789; __client_uat=1700000000';
    stack.core.settings.set('apiKey', apiKey);
    stack.core.settings.set('debugLogs', true);
    const result = await ask(
      { messages: [{ role: 'user', content: `debug this: Authorization: Bearer ${jwt} and Cookie: ${pastedCookie}` }] },
      { 'x-api-key': apiKey, cookie: pastedCookie },
    );
    expect(result.status).toBe(200);
    await ask({}, { authorization: `Bearer ${apiKey}` });
    await stack.core.stop(1000); // flush every writer; the database closes
    // Every credential the app itself sent upstream: bearer headers, the socket's token parameter, cookie values.
    const sent = stack.sim.requests.flatMap((r) => [
      String(r.headers.authorization ?? '').slice('Bearer '.length),
      new URL(r.url, 'http://sim.invalid').searchParams.get('token') ?? '',
      ...String(r.headers.cookie ?? '')
        .split(/;\s*/)
        .map((pair) => pair.slice(pair.indexOf('=') + 1)),
    ]);
    const secrets = [
      apiKey,
      jwt,
      'TESTONLYclientcookievalue0123456789',
      stack.users[0]!.clientCookie,
      ...sent.filter((s) => s.length > 20),
    ];
    expect(sent.some((s) => s.length > 20)).toBe(true);
    const files = walk(stack.dataDir);
    expect(files.some((f) => f.includes('debug-logs'))).toBe(true);
    expect(files.some((f) => f.endsWith('orchids-tray.db'))).toBe(true);
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      for (const secret of secrets)
        expect(bytes.includes(secret), `${secret.slice(0, 12)}… found in ${file}`).toBe(false);
    }
  });
});

describe('live events', () => {
  it('tell a subscriber about each request, the counts and state changes, in batches', async () => {
    stack = await startStack({ accounts: 1 });
    const events: CoreEvent[] = [];
    const batches: number[] = [];
    const off = stack.core.subscribe((batch) => {
      batches.push(batch.length);
      events.push(...batch);
    });
    const { requestId } = await ask({});
    stack.core.internals.states.recordFailure(stack.accountIds[0]!, {
      kind: 'rate_limited',
      message: 'test',
      retryAfterMs: 60_000,
    });
    const expected = ['request.started', 'request.finished', 'counts.changed', 'account.state'];
    await until(() => expected.every((type) => events.some((e) => e.type === type)), {
      what: `events of each type: ${expected.join(', ')}`,
    });
    off();
    expect(events.find((e) => e.type === 'request.started')).toMatchObject({ requestId });
    expect(events.find((e) => e.type === 'request.finished')).toMatchObject({ report: { requestId, status: 200 } });
    expect(events.find((e) => e.type === 'counts.changed')).toMatchObject({
      counts: [{ accountId: stack.accountIds[0], requestCount: 1 }],
    });
    expect(events.find((e) => e.type === 'account.state')).toMatchObject({
      accountId: stack.accountIds[0],
      status: 'cooling_down',
    });
    expect(batches.length).toBeLessThan(events.length);
  });
});

describe('a graceful stop', () => {
  it('lets an in-flight stream finish, then flushes counts and history', async () => {
    stack = await startStack();
    stack.sim.enqueue(sse([...text('slow '), { delayMs: 600 }, ...text('but complete'), ...finish()]));
    const inflight = ask({});
    // The simulator took the slow answer: the request is in flight, its stream started and held back.
    await until(() => stack.sim.pendingResponses() === 0, { what: 'the simulator to start the slow answer' });
    const stopped = stack.core.stop(5000);
    const { raw, requestId } = await inflight;
    await stopped;
    expect(parseSse(raw).at(-1)!.event).toBe('message_stop');
    const { openDatabase } = await import('../../main/core/db/database');
    const db = openDatabase(path.join(stack.dataDir, 'orchids-tray.db'));
    try {
      expect(
        (db.prepare('SELECT request_count FROM account_usage').get() as { request_count: number }).request_count,
      ).toBe(1);
      expect(db.prepare('SELECT status FROM request_history WHERE request_id = ?').get(requestId)).toEqual({
        status: 200,
      });
    } finally {
      db.close();
    }
  });
});
