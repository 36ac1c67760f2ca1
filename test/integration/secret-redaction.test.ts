/**
 * Secrets never reach the sinks of error text: the history row, the live event, `logs --json` and `--csv` (the
 * window's Export CSV writes the same file), the account's reason, `accounts list`, the core's log lines and the
 * `accounts test` report. Every secret here is an obvious fake.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Dispatcher } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HISTORY_CSV_HEADER } from '../../contract/history-csv';
import type { HistoryView } from '../../contract/request-views';
import { cliOk } from '../helpers/cli';
import { attachAppControl } from '../../main/core/control/app-control';
import type { CoreEvent } from '../../main/core/events/types';
import { parseCsv } from '../helpers/csv';
import { postMessages } from '../helpers/messages';
import { simEnv } from '../helpers/sim-env';
import { until } from '../helpers/wait';
import { startStack, type Stack } from '../helpers/stack';
import { fakeWindowBuild } from '../helpers/window-build';
import { httpError } from '../sim/orchids-simulator';

const FAKE_CLIENT_COOKIE = '__client=fake.client.cookie.for.tests.0001';
const FAKE_ANTHROPIC_KEY = 'sk-ant-api03-FAKE-not-a-real-key-0000';
/** A key typed by hand, in no shape the pattern pass knows: only the literal redaction can catch it. */
const HAND_TYPED_API_KEY = 'my-own-proxy-key-4242';

let stack: Stack | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await stack?.stop();
  stack = undefined;
});

async function failedRequest(s: Stack, headers: Record<string, string> = {}) {
  const response = await postMessages(s.url, undefined, { headers });
  const body = await response.body.text();
  expect(response.statusCode).toBeGreaterThanOrEqual(400);
  return body;
}

/** Every sink's text once the request has failed; the app is stopped first so the CLI reads the data folder. */
async function sinks(s: Stack, events: CoreEvent[]) {
  await s.core.internals.history.flushNow();
  // Live events are delivered in batches, a few times a second.
  await until(() => events.some((e) => e.type === 'request.finished'));
  const rows = s.core.internals.historyRepo.query({ limit: 10 });
  const accounts = s.core.internals.repo.list();
  const finished = events.filter((e) => e.type === 'request.finished');
  const states = events.filter((e) => e.type === 'account.state');
  await s.core.stop(1000);
  const env = { ORCHIDS_TRAY_DATA_DIR: s.dataDir, ...simEnv(s.sim) };
  const cli = (...args: string[]): Promise<string> => cliOk(env, ...args);
  const json = await cli('logs', '--json');
  const csv = await cli('logs', '--csv');
  const list = await cli('accounts', 'list', '--json');
  return {
    row: rows[0]!.errorMessage ?? '',
    event: finished.map((e) => e.type === 'request.finished' && e.report.errorMessage).join('\n'),
    json: (JSON.parse(json) as HistoryView[])[0]!.errorMessage ?? '',
    csv: parseCsv(`${csv}\n`)[1]![HISTORY_CSV_HEADER.indexOf('error_message')]!,
    reason: accounts[0]!.statusReason,
    stateEvent: states.map((e) => e.type === 'account.state' && e.reason).join('\n'),
    list,
    logs: s.logs.join('\n'),
  };
}

function expectNowhere(found: Record<string, string>, secrets: readonly string[]) {
  for (const [sink, text] of Object.entries(found)) {
    for (const secret of secrets) expect(text, `${sink} holds a secret`).not.toContain(secret);
  }
}

describe('error text is redacted where it is written', () => {
  it('an upstream error body echoing a Clerk cookie, an Anthropic key, the install token and the API key', async () => {
    stack = await startStack({
      protocol: 'sse-a',
      core: { statePolicy: { failingThreshold: 1 }, sameAccountBackoffMs: () => 0 },
    });
    attachAppControl(stack.core, { distDir: fakeWindowBuild() });
    const installToken = fs.readFileSync(path.join(stack.dataDir, 'control-token'), 'utf8').trim();
    expect(installToken.length).toBeGreaterThan(16);
    stack.core.settings.set('apiKey', HAND_TYPED_API_KEY);
    const echo =
      `bad request from ${FAKE_CLIENT_COOKIE}; key ${FAKE_ANTHROPIC_KEY}; ` +
      `t ${installToken}; k ${HAND_TYPED_API_KEY}`;
    for (let i = 0; i < 4; i++) stack.sim.enqueue(httpError(502, echo));
    const events: CoreEvent[] = [];
    stack.core.subscribe((batch) => events.push(...batch));

    const answer = await failedRequest(stack, { 'x-api-key': HAND_TYPED_API_KEY });
    const found = await sinks(stack, events);

    // The text is there, only its secrets are not: the rows say what went wrong.
    for (const sink of ['row', 'event', 'json', 'csv', 'reason', 'stateEvent'] as const) {
      expect(found[sink], sink).toContain('Orchids answered HTTP 502: bad request from __client=[redacted]');
    }
    expect(found.row).toContain('[redacted-key]');
    expect(found.list).toContain('__client=[redacted]');
    expectNowhere({ ...found, answer }, ['fake.client.cookie', FAKE_ANTHROPIC_KEY, installToken, HAND_TYPED_API_KEY]);
  });

  it('a WebSocket dial failure whose error names the URL, with the session token in its query', async () => {
    stack = await startStack({
      protocol: 'ws',
      core: { statePolicy: { failingThreshold: 1 }, sameAccountBackoffMs: () => 0 },
    });
    const pool = stack.core.internals.pool;
    const shared = pool.dispatcher;
    const dialed: string[] = [];
    // undici's connection errors name a host and port today; one that named the whole URL (or a proxy's error page
    // quoting it) must still leave the token out. The dial goes to a port where nothing listens.
    const naming = shared.compose((dispatch) => (options, handler) => {
      if (!options.upgrade) return dispatch(options, handler);
      const url = `${String(options.origin)}${options.path}`;
      dialed.push(url);
      const failing = new Proxy(handler, {
        get: (target, key) =>
          key === 'onResponseError'
            ? (controller: Dispatcher.DispatchController, error: Error & { code?: string }) =>
                target.onResponseError?.(
                  controller,
                  Object.assign(new Error(`connect ${error.code ?? 'ECONNREFUSED'} ${url}`), { code: error.code }),
                )
            : Reflect.get(target, key),
      });
      return dispatch({ ...options, origin: 'http://127.0.0.1:1' }, failing);
    });
    vi.spyOn(pool, 'dispatcher', 'get').mockReturnValue(naming);
    const events: CoreEvent[] = [];
    stack.core.subscribe((batch) => events.push(...batch));

    const answer = await failedRequest(stack);
    const token = new URL(dialed[0]!).searchParams.get('token')!;
    expect(token).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]*$/);
    const found = await sinks(stack, events);

    for (const sink of ['row', 'event', 'json', 'csv', 'reason'] as const) {
      expect(found[sink], sink).toContain('?token=[redacted-jwt]');
    }
    expectNowhere({ ...found, answer }, [token]);
  });
});

describe('accounts test', () => {
  it('reports what the service said without the secrets it echoed', async () => {
    stack = await startStack({ protocol: 'sse-a' });
    stack.sim.enqueue(httpError(503, `busy; your cookie ${FAKE_CLIENT_COOKIE} and key ${FAKE_ANTHROPIC_KEY}`));
    const result = await stack.core.accounts.test(stack.accountIds[0]!);
    expect(result.steps[1]!.detail).toBe(
      'Orchids answered HTTP 503: busy; your cookie __client=[redacted] and key [redacted-key]',
    );
    expect(result.verdict).toContain('__client=[redacted]');
    expectNowhere({ report: JSON.stringify(result) }, ['fake.client.cookie', FAKE_ANTHROPIC_KEY]);
  });
});
