import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli';
import { attachAppControl } from '../../main/core/control/app-control';
import { OrchidsCore } from '../../main/core/core';
import { ServerStartError } from '../../main/core/server/http-server';
import { OrchidsSimulator } from '../sim/orchids-simulator';
import { simConfig } from '../helpers/sim-env';
import { fakeWindowBuild } from '../helpers/window-build';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';

/**
 * Remote mode, on a second loopback address: binding 127.0.0.2 with ORCHIDS_TRAY_ALLOW_REMOTE=1 is remote mode
 * (any address but 127.0.0.1, ::1 and localhost is), while nothing leaves this machine. Linux routes all of
 * 127.0.0.0/8 to the loopback interface; other systems may not have 127.0.0.2.
 */
const REMOTE_HOST = '127.0.0.2';
const KEY = 'test-remote-key-0123456789';
const LISTED = 'orchids-box.example.test';
const REMOTE_ENV = { ORCHIDS_TRAY_HOST: REMOTE_HOST, ORCHIDS_TRAY_ALLOW_REMOTE: '1' };

let stack: Stack | undefined;
let sim: OrchidsSimulator | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
  await sim?.close();
  sim = undefined;
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** An address of this machine's own (not loopback), as a remote client would name it; undefined on a bare host. */
const ownAddress = (): string | undefined =>
  Object.values(os.networkInterfaces())
    .flat()
    .find((entry) => entry && !entry.internal && entry.family === 'IPv4')?.address;

async function call(path: string, host: string, headers: Record<string, string> = {}, init: { body?: string } = {}) {
  const response = await request(`${stack!.url}${path}`, {
    method: init.body ? 'POST' : 'GET',
    headers: { host: `${host}:${new URL(stack!.url).port}`, 'content-type': 'application/json', ...headers },
    body: init.body,
  });
  const text = await response.body.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.statusCode, headers: response.headers, json };
}

const message = JSON.stringify({
  model: 'claude-sonnet-4-6',
  max_tokens: 5,
  messages: [{ role: 'user', content: 'hi' }],
});

describe.runIf(process.platform === 'linux')('remote mode (bound to 127.0.0.2)', () => {
  it('refuses to start without an API key, saying so', async () => {
    sim = await OrchidsSimulator.start();
    const dataDir = tempDir();
    dirs.push(dataDir);
    const core = new OrchidsCore({ env: REMOTE_ENV, config: { dataDir, ...simConfig(sim) }, port: 0, log: () => {} });
    try {
      await expect(core.start()).rejects.toThrow(ServerStartError);
      await expect(core.start()).rejects.toThrow(/without an API key.*ORCHIDS_TRAY_API_KEY/);
      // The command sets the key of this app's folder, not the default one's.
      await expect(core.start()).rejects.toThrow(
        `or: ORCHIDS_TRAY_DATA_DIR=${dataDir} npm run cli -- settings set apiKey <key>`,
      );
    } finally {
      await core.stop(0);
    }
  });

  it('accepts its own addresses and the listed names with the key, and refuses other names', async () => {
    stack = await startStack({ env: { ...REMOTE_ENV, ORCHIDS_TRAY_API_KEY: KEY, ORCHIDS_TRAY_ALLOWED_HOSTS: LISTED } });
    expect(new URL(stack.url).hostname).toBe(REMOTE_HOST);
    const names = [REMOTE_HOST, LISTED, LISTED.toUpperCase(), '127.0.0.1', 'localhost'];
    const own = ownAddress();
    if (own) names.push(own);
    for (const name of names) {
      const answer = await call('/v1/messages', name, { 'x-api-key': KEY }, { body: message });
      expect(answer.status, name).toBe(200);
    }
    for (const name of ['evil.example.test', `${LISTED}.evil.test`, `127.0.0.2.evil.test`]) {
      const answer = await call('/v1/messages', name, { 'x-api-key': KEY }, { body: message });
      expect(answer.status, name).toBe(403);
      expect(answer.json.error.message, name).toMatch(/Host names for remote clients \(ORCHIDS_TRAY_ALLOWED_HOSTS\)/);
    }
  });

  it('applies the key to every route: the API, the root, /health details and the dashboard', async () => {
    stack = await startStack({ env: { ...REMOTE_ENV, ORCHIDS_TRAY_API_KEY: KEY } });
    attachAppControl(stack.core, { distDir: fakeWindowBuild() });

    for (const route of ['/v1/models', '/', '/_tray/', '/_tray/api/events']) {
      const anonymous = await call(route, REMOTE_HOST);
      expect(anonymous.status, route).toBe(401);
      expect(anonymous.json.error.type, route).toBe('authentication_error');
      const wrong = await call(route, REMOTE_HOST, { 'x-api-key': 'not-the-key' });
      expect(wrong.status, route).toBe(401);
    }
    // A browser is asked for the key (HTTP Basic, the key as the password) and then reaches the dashboard's own
    // sign-in, which still wants its link.
    const dashboard = await call('/_tray/', REMOTE_HOST);
    expect(dashboard.headers['www-authenticate']).toMatch(/^Basic realm="Orchids Tray"/);
    const basic = `Basic ${Buffer.from(`anyone:${KEY}`).toString('base64')}`;
    const signedOut = await call('/_tray/', REMOTE_HOST, { authorization: basic });
    expect(signedOut.status).toBe(401);
    expect(String(signedOut.json)).toMatch(/Dashboard/);

    expect((await call('/v1/models', REMOTE_HOST, { 'x-api-key': KEY })).status).toBe(200);
    expect((await call('/v1/models', REMOTE_HOST, { authorization: `Bearer ${KEY}` })).status).toBe(200);

    const bare = await call('/health', REMOTE_HOST);
    expect(bare).toMatchObject({ status: 200, json: { status: 'ok' } });
    expect(Object.keys(bare.json)).toEqual(['status']);
    // Claude Code's connectivity check sends no key; its answer says no more than the bare /health.
    expect(await call('/api/hello', REMOTE_HOST)).toMatchObject({ status: 200, json: { status: 'ok' } });
    const detailed = await call('/health', REMOTE_HOST, { 'x-api-key': KEY });
    expect(detailed.json).toMatchObject({
      status: 'ok',
      accounts: { total: 1 },
      server: { remote: true },
      upstream: { ws: { dials: 0 }, clerkClockOffsetSeconds: 0 },
    });
  });

  it("refuses the OpenAI routes without the key in OpenAI's format, as on loopback", async () => {
    stack = await startStack({ env: { ...REMOTE_ENV, ORCHIDS_TRAY_API_KEY: KEY } });
    const chat = JSON.stringify({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] });
    for (const route of ['/v1/chat/completions', '/v1/responses']) {
      const anonymous = await call(route, REMOTE_HOST, {}, { body: chat });
      expect(anonymous.status, route).toBe(401);
      expect(anonymous.json.error, route).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    }
    const messages = await call('/v1/messages', REMOTE_HOST, {}, { body: message });
    expect(messages.json).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
  });

  it('fails closed when the key goes away while running', async () => {
    stack = await startStack({ env: REMOTE_ENV, dataDir: await keyedDataDir() });
    stack.core.settings.reset('apiKey');
    const answer = await call('/v1/messages', REMOTE_HOST, { 'x-api-key': KEY }, { body: message });
    expect(answer.status).toBe(401);
    expect(answer.json.error.message).toMatch(/has no API key, so it refuses every request/);
  });

  it('the CLI reaches it with the stored key beside the install token', async () => {
    stack = await startStack({ env: REMOTE_ENV, dataDir: await keyedDataDir() });
    const distDir = tempDir();
    fs.mkdirSync(path.join(distDir, 'renderer'), { recursive: true });
    attachAppControl(stack.core, { distDir }).announce(stack.url);
    const lines: string[] = [];
    const env = { ORCHIDS_TRAY_DATA_DIR: stack.dataDir };
    expect(await runCli(['dashboard'], (line) => lines.push(line), env)).toBe(0);
    expect(lines.join('\n')).toMatch(/^Dashboard: http:\/\/127\.0\.0\.2:\d+\/_tray\/\?code=otc_/m);
    lines.length = 0;
    expect(await runCli(['accounts', 'list', '--json'], (line) => lines.push(line), env)).toBe(0);
    expect(JSON.parse(lines.join('\n'))).toHaveLength(1);
  });

  it("the CLI says which key it lacks when the app's key came from its own environment", async () => {
    stack = await startStack({ env: { ...REMOTE_ENV, ORCHIDS_TRAY_API_KEY: KEY } });
    attachAppControl(stack.core, { distDir: fakeWindowBuild() }).announce(stack.url);
    const notes: string[] = [];
    const env = { ORCHIDS_TRAY_DATA_DIR: stack.dataDir };
    await expect(
      runCli(
        ['accounts', 'list'],
        () => {},
        env,
        (line) => notes.push(line),
      ),
    ).rejects.toThrow(/HTTP 401/);
    expect(notes.join('\n')).toMatch(/no ORCHIDS_TRAY_API_KEY here.*Set ORCHIDS_TRAY_API_KEY here/);
    notes.length = 0;
    const lines: string[] = [];
    const withKey = { ...env, ORCHIDS_TRAY_API_KEY: KEY };
    expect(
      await runCli(
        ['accounts', 'list', '--json'],
        (line) => lines.push(line),
        withKey,
        (l) => notes.push(l),
      ),
    ).toBe(0);
    expect(JSON.parse(lines.join('\n'))).toHaveLength(1);
    expect(notes).toEqual([]);
  });
});

/** A data folder whose stored settings already hold the key (set through the CLI before the first start). */
async function keyedDataDir(): Promise<string> {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const setup = new OrchidsCore({ env: {}, config: { dataDir }, port: 0, log: () => {} });
  setup.settings.set('apiKey', KEY);
  await setup.stop(0);
  return dataDir;
}
