import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli';
import { attachAppControl, type AppControl } from '../../main/core/control/app-control';
import { CODE_TTL_MS, EXPORT_FRESH_MS, SESSION_TTL_MS } from '../../main/core/control/dashboard-access';
import { simEnv } from '../helpers/sim-env';
import { fakeWindowBuild } from '../helpers/window-build';
import { startStack, type Stack } from '../helpers/stack';
import { HI, postMessages } from '../helpers/messages';

/**
 * The dashboard link and what it unlocks (issue 12, item 4): a one-time code instead of the install token, sessions
 * that end, a fresh link one command away, a rotatable install token, and exports only from a recent sign-in.
 */
let stack: Stack | undefined;
let control: AppControl;
let now = Date.now();
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function setup(): Promise<Stack> {
  stack = await startStack();
  now = Date.now();
  control = attachAppControl(stack.core, { distDir: fakeWindowBuild(), now: () => now });
  control.announce(stack.url);
  return stack;
}

const token = (): string => fs.readFileSync(path.join(stack!.dataDir, 'control-token'), 'utf8').trim();

/** Opens a link as a browser does; the session cookie it set ("name=value"), or undefined with the status. */
async function open(link: string): Promise<{ status: number; cookie?: string; text: string }> {
  const response = await request(link);
  const cookie = response.headers['set-cookie'];
  return {
    status: response.statusCode,
    cookie: cookie ? String(cookie).split(';')[0] : undefined,
    text: await response.body.text(),
  };
}

async function call(channel: string, headers: Record<string, string>, input?: unknown) {
  const response = await request(`${stack!.url}/_tray/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-orchids-tray': '1', ...headers },
    body: JSON.stringify({ input }),
  });
  const setCookie = response.headers['set-cookie'];
  const text = await response.body.text();
  return {
    status: response.statusCode,
    json: response.statusCode === 200 ? JSON.parse(text) : text,
    cookie: setCookie ? String(setCookie).split(';')[0] : undefined,
  };
}

describe('the dashboard link', () => {
  it('carries a one-time code, never the install token; the session cookie is neither', async () => {
    await setup();
    const link = control.transport.dashboardUrl(stack!.url);
    expect(link).not.toContain(token());
    const first = await open(link);
    expect(first.status).toBe(303);
    expect(first.cookie).toMatch(/^orchids_tray_session=ots_[A-Za-z0-9_-]{43}$/);
    expect(first.cookie).not.toContain(token());
    expect(first.cookie).not.toContain(new URL(link).searchParams.get('code')!);
    const again = await open(link);
    expect(again.status).toBe(401);
    // The app named no other way (the desktop app does not): the CLI's alone.
    expect(again.text).toBe(
      'This sign-in link was already used, or it has expired. Get a fresh link: run `npm run cli -- dashboard`.\n',
    );
    // The old kind of link, with the install token in the address, signs nobody in.
    const old = await open(`${stack!.url}/_tray/?token=${token()}`);
    expect(old.status).toBe(401);
    expect(old.cookie).toBeUndefined();
    expect(old.text).toMatch(/no longer carry the install token/);
  });

  it('a spent link in a browser is a readable page saying what to do; other clients keep plain text', async () => {
    await setup();
    const link = control.transport.dashboardUrl(stack!.url);
    expect((await open(link)).status).toBe(303);
    // What Chromium and Firefox send for a link clicked.
    const accept = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    const page = await request(link, { headers: { accept } });
    const html = await page.body.text();
    expect(page.statusCode).toBe(401);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    // The app page's own headers: the same CSP (no inline script or style), no caching, no framing.
    const app = await request(`${stack!.url}/_tray/`, {
      headers: { cookie: (await open(control.transport.dashboardUrl(stack!.url))).cookie! },
    });
    await app.body.text();
    for (const name of ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'cache-control']) {
      expect(page.headers[name], name).toBe(app.headers[name]);
    }
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toMatch(/<title>[^<]*sign-in link[^<]*<\/title>/i);
    expect(html).toContain('This sign-in link was already used, or it has expired.');
    expect(html).toContain('<code>npm run cli -- dashboard</code>');
    expect(html).not.toMatch(/<script|\sstyle=|<style/i);
    // Its stylesheet is a file of the app's origin, served without a session, as the CSP allows.
    const sheet = /<link rel="stylesheet" href="([^"]+)">/.exec(html)![1]!;
    const css = await request(new URL(sheet, link));
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(await css.body.text()).toMatch(/^body \{ font:/m);
    // The other refusals of a browser without a session are pages too.
    const bare = await request(`${stack!.url}/_tray/`, { headers: { accept } });
    expect(bare.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(await bare.body.text()).toContain('Open the &quot;Dashboard:&quot; link Orchids Tray printed');
    // DECISION (tested): a client that does not ask for HTML (curl, a script) still reads one plain line.
    const plain = await request(link, { headers: { accept: '*/*' } });
    expect(plain.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(await plain.body.text()).toMatch(/^This sign-in link was already used/);
  });

  it('a spent link opened again by the browser it signed in goes to the dashboard; others are refused', async () => {
    await setup();
    const link = control.transport.dashboardUrl(stack!.url);
    const { cookie } = await open(link);
    // The same link again (history, a bookmark) from the browser it signed in: where it meant to go, no new session.
    const again = await request(link, { headers: { cookie: cookie! } });
    await again.body.text();
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/_tray/');
    expect(again.headers['set-cookie']).toBeUndefined();
    // A session that is not live (made up, or ended) changes nothing: the refusal as before.
    const stranger = await request(link, { headers: { cookie: 'orchids_tray_session=ots_made-up' } });
    expect(stranger.statusCode).toBe(401);
    expect(await stranger.body.text()).toMatch(/^This sign-in link was already used/);
  });

  it('expires unused after a few minutes; sessions end after a working day', async () => {
    await setup();
    const stale = control.transport.dashboardUrl(stack!.url);
    const fresh = control.transport.dashboardUrl(stack!.url);
    now += CODE_TTL_MS + 1;
    expect((await open(stale)).status).toBe(401);
    const later = control.transport.dashboardUrl(stack!.url);
    const signedIn = await open(later);
    expect(signedIn.status).toBe(303);
    expect((await open(fresh)).status).toBe(401);
    expect((await call('accounts:list', { cookie: signedIn.cookie! })).status).toBe(200);
    now += SESSION_TTL_MS + 1;
    expect((await call('accounts:list', { cookie: signedIn.cookie! })).status).toBe(401);
  });

  it('a fresh link is one command away, from the running app', async () => {
    await setup();
    const lines: string[] = [];
    const env = { ORCHIDS_TRAY_DATA_DIR: stack!.dataDir, ...simEnv(stack!.sim) };
    expect(await runCli(['dashboard'], (line) => lines.push(line), env)).toBe(0);
    const link = /^Dashboard: (\S+)$/m.exec(lines.join('\n'))![1]!;
    expect(link).toMatch(/\/_tray\/\?code=otc_/);
    expect((await open(link)).status).toBe(303);
  });

  it('is asked for with no body; a body, declared or chunked, is refused rather than ignored', async () => {
    await setup();
    const ask = async (body?: string | Readable, headers: Record<string, string> = {}) => {
      const response = await request(`${stack!.url}/_tray/link`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token()}`, ...headers },
        body,
      });
      return { status: response.statusCode, json: (await response.body.json()) as any };
    };
    // As the CLI asks, with an empty body declared, and with an empty chunked one.
    for (const answer of [await ask(), await ask(''), await ask(Readable.from([]))]) {
      expect(answer).toMatchObject({ status: 200, json: { url: expect.stringMatching(/\/_tray\/\?code=otc_/) } });
    }
    const refused = {
      status: 400,
      json: {
        type: 'error',
        error: { type: 'invalid_request_error', message: '/_tray/link takes no request body: send none.' },
      },
    };
    const json = { 'content-type': 'application/json' };
    expect(await ask('{"ttl": 3600}', json)).toMatchObject(refused);
    expect(await ask('not json')).toMatchObject(refused);
    expect(await ask(Readable.from([Buffer.from('{"ttl":'), Buffer.from(' 3600}')]), json)).toMatchObject(refused);
    // The connection is still good for the next request.
    expect((await ask()).status).toBe(200);
  });
});

describe('exporting cookies', () => {
  it('is refused to a session signed in over a few minutes ago, until a fresh link signs it in again', async () => {
    await setup();
    const signedIn = await open(control.transport.dashboardUrl(stack!.url));
    const fresh = await call('accounts:export', { cookie: signedIn.cookie! });
    expect(fresh.json).toMatchObject({ ok: true, value: { count: 1 } });
    now += EXPORT_FRESH_MS + 1;
    const stale = await call('accounts:export', { cookie: signedIn.cookie! });
    expect(stale.json).toMatchObject({ ok: false, error: { code: 'reauthenticate' } });
    expect(stale.json.error.message).toMatch(/sign-in from the last 5 minutes.*npm run cli -- dashboard/);
    expect(JSON.stringify(stale.json)).not.toContain(stack!.sim.currentCookie(stack!.users[0]!.userId)!);
    // Other calls still work for that session; only the export wants a recent sign-in.
    expect((await call('accounts:list', { cookie: signedIn.cookie! })).json.ok).toBe(true);
    const again = await open(control.transport.dashboardUrl(stack!.url));
    expect((await call('accounts:export', { cookie: again.cookie! })).json.ok).toBe(true);
  });
});

describe('rotating the install token', () => {
  it('from the window: every other browser and the old token are out; the window that asked stays in', async () => {
    await setup();
    const before = token();
    const mine = await open(control.transport.dashboardUrl(stack!.url));
    const theirs = await open(control.transport.dashboardUrl(stack!.url));
    const rotated = await call('settings:rotateInstallToken', { cookie: mine.cookie! });
    expect(rotated.json).toMatchObject({ ok: true, value: { rotatedAt: expect.any(Number) } });
    expect(rotated.cookie).toMatch(/^orchids_tray_session=ots_/);
    expect(token()).not.toBe(before);
    expect(token()).toMatch(/^ott_/);
    expect((await call('accounts:list', { cookie: rotated.cookie! })).status).toBe(200);
    expect((await call('accounts:list', { cookie: theirs.cookie! })).status).toBe(401);
    expect((await call('accounts:list', { authorization: `Bearer ${before}` })).status).toBe(401);
    expect((await call('accounts:list', { authorization: `Bearer ${token()}` })).status).toBe(200);
    expect(fs.statSync(path.join(stack!.dataDir, 'control-token')).mode & 0o777).toBe(0o600);
  });

  it('from the CLI, with the app running and without', async () => {
    await setup();
    const env = { ORCHIDS_TRAY_DATA_DIR: stack!.dataDir, ...simEnv(stack!.sim) };
    const before = token();
    const lines: string[] = [];
    expect(await runCli(['token', 'rotate'], (line) => lines.push(line), env)).toBe(0);
    expect(lines.join('\n')).toMatch(/in the running Orchids Tray/);
    expect((await call('accounts:list', { authorization: `Bearer ${before}` })).status).toBe(401);
    expect((await call('accounts:list', { authorization: `Bearer ${token()}` })).status).toBe(200);

    control.retire();
    const stopped = token();
    lines.length = 0;
    expect(await runCli(['token', 'rotate'], (line) => lines.push(line), env)).toBe(0);
    expect(lines.join('\n')).toMatch(/not running/);
    expect(token()).not.toBe(stopped);
  });
});

describe('the install token in a debug record', () => {
  it('is redacted when a prompt quotes it, with the session and the sign-in code', async () => {
    await setup();
    stack!.core.settings.set('debugLogs', true);
    const link = control.transport.dashboardUrl(stack!.url);
    const code = new URL(link).searchParams.get('code')!;
    const session = (await open(control.transport.dashboardUrl(stack!.url))).cookie!.split('=')[1]!;
    const secrets = [token(), code, session];
    const response = await postMessages(stack!.url, {
      ...HI,
      messages: [
        { role: 'user', content: `my token is ${secrets[0]}, link code ${secrets[1]}, session ${secrets[2]}` },
      ],
    });
    await response.body.dump();
    await stack!.core.internals.debugLogs.flushNow();
    const folder = path.join(stack!.dataDir, 'debug-logs');
    const written = fs.readdirSync(folder).map((file) => fs.readFileSync(path.join(folder, file), 'utf8'));
    expect(written.join('')).toContain('my token is [redacted]');
    for (const secret of secrets) expect(written.join('')).not.toContain(secret);
  });
});
