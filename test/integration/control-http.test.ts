import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { attachAppControl, type AppControl } from '../../main/core/control/app-control';
import { readRuntimeInfo } from '../../main/core/control/runtime-file';
import { startOfLocalDay, startOfNextLocalDay } from '../../contract/local-day';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { StreamText } from '../helpers/wait';
import { postMessages, postRaw } from '../helpers/messages';

/** The control API's cap on a call's body (MAX_CALL_BODY_BYTES), past which it is a 413. */
const MAX_CALL_BODY_BYTES = 16 * 1024 * 1024;
let stack: Stack;
let control: AppControl;
afterEach(async () => stack?.stop());

async function setup(): Promise<string> {
  stack = await startStack();
  const distDir = tempDir();
  fs.mkdirSync(path.join(distDir, 'renderer'), { recursive: true });
  fs.mkdirSync(path.join(distDir, 'renderer-bridge'), { recursive: true });
  fs.writeFileSync(
    path.join(distDir, 'renderer', 'index.html'),
    '<!doctype html><html><head><title>t</title></head>' +
      '<body><script type="module" src="./app.js"></script></body></html>',
  );
  fs.writeFileSync(path.join(distDir, 'renderer', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(distDir, 'renderer-bridge', 'bridge.js'), 'window.orchids = {}');
  control = attachAppControl(stack.core, { distDir });
  control.announce(stack.url);
  return fs.readFileSync(path.join(stack.dataDir, 'control-token'), 'utf8').trim();
}

/** Opens the live event stream as the window does, and waits for its first event (always a status). */
async function openEvents(token: string) {
  const response = await request(`${stack.url}/_tray/api/events`, { headers: { authorization: `Bearer ${token}` } });
  const stream = new StreamText(response.body);
  const first = await stream.until((t) => t.length > 0, { what: 'the first event' });
  return { response, stream, first };
}

/** How many events named `name` a stream's text holds so far. */
const eventsNamed = (text: string, name: string): number => text.split(`event: ${name}\n`).length - 1;

async function call(channel: string, input: unknown, headers: Record<string, string>) {
  const response = await request(`${stack.url}/_tray/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-orchids-tray': '1', ...headers },
    body: JSON.stringify({ input }),
  });
  return { status: response.statusCode, json: (await response.body.json()) as any };
}

describe('the contract over HTTP (headless)', () => {
  it('the dashboard link trades a one-time code for a strict session cookie; the window has the bridge', async () => {
    const token = await setup();
    const link = control.transport.dashboardUrl(stack.url);
    expect(link).toMatch(new RegExp(`^${stack.url}/_tray/\\?code=otc_[A-Za-z0-9_-]{43}$`));
    expect(link).not.toContain(token);
    const signIn = await request(link);
    expect(signIn.statusCode).toBe(303);
    expect(signIn.headers.location).toBe('/_tray/');
    const cookie = String(signIn.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(token);
    await signIn.body.dump();
    const page = await request(`${stack.url}/_tray/`, { headers: { cookie: cookie.split(';')[0]! } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(await page.body.text()).toContain('<head><script src="/_tray/bridge.js"></script>');
    const anonymous = await request(`${stack.url}/_tray/`);
    expect(anonymous.statusCode).toBe(401);
    await anonymous.body.dump();
    const wrong = await request(`${stack.url}/_tray/?code=otc_not-a-code`);
    expect(wrong.statusCode).toBe(401);
    await wrong.body.dump();
    expect(readRuntimeInfo(stack.dataDir)).toMatchObject({ url: stack.url, pid: process.pid, shell: 'headless' });
  });

  it('answers calls with envelopes; refuses missing tokens, missing headers, bad input, unknown channels', async () => {
    const token = await setup();
    const auth = { authorization: `Bearer ${token}` };
    const listed = await call('accounts:list', undefined, auth);
    expect(listed).toMatchObject({
      status: 200,
      json: { ok: true, value: [{ id: stack.accountIds[0], email: stack.users[0]!.email }] },
    });
    expect((await call('accounts:list', undefined, {})).status).toBe(401);
    const noHeader = await request(`${stack.url}/_tray/api/accounts:list`, {
      method: 'POST',
      headers: auth,
      body: '{}',
    });
    expect(noHeader.statusCode).toBe(403);
    await noHeader.body.dump();
    expect((await call('accounts:update', { id: 'one' }, auth)).json).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/^id:/) },
    });
    expect((await call('accounts:drop-database', undefined, auth)).json).toMatchObject({
      ok: false,
      error: { code: 'unknown_channel' },
    });
    expect((await call('accounts:add', { cookie: 'nonsense' }, auth)).json).toMatchObject({
      ok: false,
      error: { code: 'invalid_cookie' },
    });
    expect((await call('settings:set', { key: 'port', value: 'eighty' }, auth)).json).toMatchObject({
      ok: false,
      error: { code: 'invalid_setting' },
    });
    const paused = await call('proxy:pause', undefined, auth);
    expect(paused.json.value).toMatchObject({ paused: true, shell: 'headless', url: stack.url });
    const refused = await postMessages(stack.url);
    expect(refused.statusCode).toBe(529);
    // Shown at once: a client retrying in silence would hide that only resuming brings the proxy back.
    expect(refused.headers['x-should-retry']).toBe('false');
    // The command as typed in another terminal: this app's data folder is not the default one.
    const resume = `ORCHIDS_TRAY_DATA_DIR=${stack.dataDir} npm run cli -- proxy resume`;
    expect(((await refused.body.json()) as any).error.message).toContain(
      `paused. Resume it from the tray menu, the window, or: ${resume}`,
    );
    const chat = await request(`${stack.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(chat.statusCode).toBe(503); // OpenAI's overloaded status
    expect(((await chat.body.json()) as any).error.message).toContain(resume);
    expect((await call('proxy:resume', undefined, auth)).json.value.paused).toBe(false);
    // The window's Diagnostics reads the same object /health gives a monitor, figures and all.
    const health = (await call('proxy:health', undefined, auth)).json.value;
    const route = (await (await request(`${stack.url}/health`)).body.json()) as any;
    expect(Object.keys(health).sort()).toEqual(Object.keys(route).sort());
    expect(health).toMatchObject({ status: 'ok', version: paused.json.value.version, upstream: route.upstream });
    expect(health.server.connections.open).toBeGreaterThan(0);
  });

  it('refuses a body /v1 would refuse, in the same format and with the same statuses; accepts UTF-8 JSON', async () => {
    const token = await setup();
    const headers = { authorization: `Bearer ${token}`, 'x-orchids-tray': '1' };
    const body = '{}';
    const notJson = /^Content-Type must be application\/json\.$/;
    const refusals: Array<[string | undefined, string | Buffer, number, RegExp]> = [
      [undefined, body, 400, notJson],
      ['text/plain', body, 400, notJson],
      ['text/plain; charset=utf-16', Buffer.from(body, 'utf16le'), 400, notJson],
      ['application/json; charset=utf-16', Buffer.from(body, 'utf16le'), 415, /charset "utf-16" is not supported/],
      ['application/json; charset=iso-8859-1', body, 415, /charset "iso-8859-1" is not supported/],
      [`application/json; charset=${'x'.repeat(3000)}`, body, 415, /^Content-Type charset "x{40}…" is not supported/],
      ['application/json', Buffer.from([0x7b, 0xff, 0x7d]), 400, /not valid UTF-8/],
      ['application/json', '', 400, /body is empty/],
      // Where it broke, not the body's bytes there: a body may hold a cookie.
      [
        'application/json',
        '{"input": {"cookie": __client=FAKE}}',
        400,
        /^The request body is not valid JSON: expected a value at line 1, column 22 \(byte 21\)\.$/,
      ],
      ['application/json', 'null', 400, /must be a JSON object/],
      ['application/json', '[]', 400, /must be a JSON object/],
    ];
    const answers = [];
    for (const [type, sent] of refusals) {
      // undici leaves out a header whose value is undefined: postRaw's default type is then not sent.
      const answer = await postRaw(stack.url, sent, {
        path: '/_tray/api/accounts:list',
        headers: { ...headers, 'content-type': type as string },
      });
      answers.push({ type, status: answer.status, json: answer.json, requestId: answer.headers['request-id'] });
    }
    // Every row at once, so a failure shows the whole table.
    expect(answers).toMatchObject(
      refusals.map(([type, , status, message]) => ({
        type,
        status,
        json: { type: 'error', error: { type: 'invalid_request_error', message: expect.stringMatching(message) } },
      })),
    );
    for (const answer of answers) expect(answer.json.request_id).toBe(answer.requestId);
    for (const type of ['application/json; charset=UTF-8', 'Application/JSON;charset="utf8"']) {
      const answer = await postRaw(stack.url, body, {
        path: '/_tray/api/accounts:list',
        headers: { ...headers, 'content-type': type },
      });
      expect({ type, status: answer.status, ok: answer.json.ok }).toEqual({ type, status: 200, ok: true });
    }
  });

  it('refuses a body past its cap with 413, declared or not, before reading it all', async () => {
    const token = await setup();
    const headers = { authorization: `Bearer ${token}`, 'x-orchids-tray': '1', 'content-type': 'application/json' };
    const tooBig = Buffer.alloc(MAX_CALL_BODY_BYTES + 1, 0x20);
    const declared = await postRaw(stack.url, tooBig, { path: '/_tray/api/accounts:list', headers });
    // Sent in chunks without a length: refused once the bytes pass the cap.
    const chunked = await request(`${stack.url}/_tray/api/accounts:list`, {
      method: 'POST',
      headers,
      body: Readable.from([tooBig.subarray(0, MAX_CALL_BODY_BYTES), tooBig.subarray(MAX_CALL_BODY_BYTES)]),
    }).then(async (r) => ({ status: r.statusCode, json: (await r.body.json()) as any }));
    for (const answer of [declared, chunked]) {
      expect(answer).toMatchObject({
        status: 413,
        json: {
          type: 'error',
          error: {
            type: 'request_too_large',
            message: `Request exceeds the maximum allowed number of bytes (${MAX_CALL_BODY_BYTES}).`,
          },
        },
      });
    }
    expect(stack.core.proxy.health().server.bodyBudget.inUse).toBe(0);
  });

  it('streams live events to an authorised client', async () => {
    const token = await setup();
    const { response: events, stream, first } = await openEvents(token);
    expect(events.headers['content-type']).toContain('text/event-stream');
    expect(first).toMatch(/^event: proxyStatus\n/);
    const answered = await postMessages(stack.url);
    await answered.body.dump();
    const withReport = await stream.until((t) => t.includes('event: requestsFinished'), {
      what: 'a requestsFinished event',
    });
    await stream.until((t) => t.includes('event: counts'), { what: 'a counts event' });
    events.body.destroy();
    // The report's number in the live totals is one the stats snapshot already counts, so the window adds it once.
    const lines = withReport.split('\n');
    const reportLine = lines[lines.indexOf('event: requestsFinished') + 1];
    const [report] = JSON.parse(reportLine!.replace(/^data: /, '')) as Array<{ statsSeq: number }>;
    const asked = Date.now();
    const snapshot = (await call('stats:get', undefined, { authorization: `Bearer ${token}` })).json.value;
    expect(snapshot.today.requests).toBe(1);
    // It says which local day its totals are, so the window turns "today" at the core's midnight, not its own.
    expect([startOfLocalDay(asked), startOfLocalDay(Date.now())]).toContain(snapshot.dayStartsAt);
    expect(snapshot.nextDayAt).toBe(startOfNextLocalDay(snapshot.dayStartsAt));
    expect(report!.statsSeq).toBe(1);
    expect(snapshot.counted).toBe(report!.statsSeq);
  });

  it('tells live clients when the account list changes, whoever changed it; a refusal tells nothing', async () => {
    const token = await setup();
    const auth = { authorization: `Bearer ${token}` };
    const { response: events, stream } = await openEvents(token);
    const changes = (text: string): number => eventsNamed(text, 'accountsChanged');
    const [account] = (await call('accounts:list', undefined, auth)).json.value as Array<{ id: number }>;

    expect((await call('accounts:update', { id: account!.id, name: 'Renamed' }, auth)).json.ok).toBe(true);
    await stream.until((t) => changes(t) === 1, { what: 'accountsChanged after a rename' });
    expect((await call('accounts:update', { id: 999_999, name: 'Nobody' }, auth)).json.ok).toBe(false);
    expect((await call('accounts:remove', { id: account!.id }, auth)).json.ok).toBe(true);
    // Events arrive in order: had the refused update told anything, it would be counted before the removal's.
    const text = await stream.until((t) => changes(t) >= 2 && t.includes('"accounts":{"total":0'), {
      what: 'accountsChanged after the removal, and a status with no usable account',
    });
    expect(changes(text)).toBe(2);
    events.body.destroy();
  });

  it('tells live clients when a setting changes; a refused value tells nothing', async () => {
    const token = await setup();
    const auth = { authorization: `Bearer ${token}` };
    const { response: events, stream } = await openEvents(token);
    const changes = (text: string): number => eventsNamed(text, 'settingsChanged');

    expect((await call('settings:set', { key: 'logRetentionCount', value: 321 }, auth)).json.ok).toBe(true);
    await stream.until((t) => changes(t) === 1, { what: 'settingsChanged after a save' });
    expect((await call('settings:set', { key: 'logRetentionCount', value: -1 }, auth)).json.ok).toBe(false);
    expect((await call('settings:reset', { key: 'logRetentionCount' }, auth)).json.ok).toBe(true);
    // Events arrive in order: had the refused value told anything, it would be counted before the reset's.
    const text = await stream.until((t) => changes(t) >= 2, { what: 'settingsChanged after the reset' });
    expect(changes(text)).toBe(2);
    events.body.destroy();
  });

  it('hides the API key in settings, shows a generated key once, and exports cookies only on request', async () => {
    const token = await setup();
    const auth = { authorization: `Bearer ${token}` };
    const generated = (await call('settings:generateApiKey', undefined, auth)).json.value;
    expect(generated.apiKey).toMatch(/^ot-[A-Za-z0-9_-]{32}$/);
    expect(generated.settings.find((s: { key: string }) => s.key === 'apiKey').value).toBe('••••••••');
    expect(JSON.stringify((await call('settings:get', undefined, auth)).json)).not.toContain(generated.apiKey);
    const exported = (await call('accounts:export', undefined, auth)).json.value;
    expect(exported.count).toBe(1);
    expect(JSON.parse(exported.json).accounts[0]).toMatchObject({
      email: stack.users[0]!.email,
      cookie: stack.sim.currentCookie(stack.users[0]!.userId),
    });
    const reimported = (
      await call('accounts:import', { json: exported.json }, { ...auth, 'x-api-key': generated.apiKey })
    ).json.value;
    expect(reimported).toEqual({ added: 0, updated: 1, failed: [] });
  });
});

describe('the HTTP transport and the lifecycle', () => {
  it('pushes a fresh status when the proxy is paused; a graceful stop does not wait for event streams', async () => {
    const token = await setup();
    const { stream } = await openEvents(token);
    stack.core.proxy.pause();
    await stream.until((t) => /"paused":true/.test(t), { what: 'a proxy status saying "paused":true' });
    const started = Date.now();
    await stack.core.stop(5000);
    expect(Date.now() - started).toBeLessThan(2000); // not the 5 s grace period
  });

  it('a request that just finished can be opened at once, record included', async () => {
    const token = await setup();
    stack.core.settings.set('debugLogs', true);
    const answered = await postMessages(stack.url);
    await answered.body.dump();
    const requestId = String(answered.headers['request-id']);
    const opened = (await call('history:record', { requestId }, { authorization: `Bearer ${token}` })).json.value;
    expect(opened.row).toMatchObject({ requestId, status: 200 });
    expect(opened.record).toMatchObject({ requestId, summary: { status: 200 } });
  });
});
