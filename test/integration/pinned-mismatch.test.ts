import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli';
import { attachAppControl } from '../../main/core/control/app-control';
import { OrchidsCore } from '../../main/core/core';
import type { CoreEvent } from '../../main/core/events/types';
import { simConfig, simEnv } from '../helpers/sim-env';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

/**
 * A pinned `upstreamProtocol` the service does not speak fails every request while every account stays "ready": the
 * core keeps a note of it in the status the window, the tray and the CLI read, until the pin answers or changes.
 */
let stack: Stack | undefined;
const restarted: OrchidsCore[] = [];
afterEach(async () => {
  for (const core of restarted.splice(0)) await core.stop(0);
  await stack?.stop();
  stack = undefined;
});

/** The app started again on the stack's folder and simulator, after its own core stopped. */
async function restart(s: Stack, env: Record<string, string> = {}): Promise<OrchidsCore> {
  for (const core of restarted.splice(0)) await core.stop(0);
  await s.core.stop(1000);
  const core = new OrchidsCore({ env, config: { dataDir: s.dataDir, ...simConfig(s.sim) }, port: 0, log: () => {} });
  restarted.push(core);
  await core.start();
  return core;
}

async function ask(s: Stack, headers: Record<string, string> = {}): Promise<number> {
  const response = await request(`${s.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.body.text();
  return response.statusCode;
}

/** `GET /health` as a script reads it. */
async function health(s: Stack, headers: Record<string, string> = {}): Promise<Record<string, any>> {
  const response = await request(`${s.url}/health`, { headers });
  expect(response.statusCode).toBe(200);
  return (await response.body.json()) as Record<string, any>;
}

/** A pinned-to-ws core whose simulator refuses WebSocket upgrades, and the proxy.changed pushes it publishes. */
async function pinnedToRefusedWs(env: Record<string, string> = {}) {
  const s = await startStack({ serves: { ws: false, sseB: true, sseA: true }, env });
  stack = s;
  if (!env.ORCHIDS_TRAY_UPSTREAM_PROTOCOL) s.core.settings.set('upstreamProtocol', 'ws');
  const pushes: CoreEvent[] = [];
  s.core.subscribe((batch) => pushes.push(...batch.filter((e) => e.type === 'proxy.changed')));
  return { s, pushes };
}

/** `npm run cli -- proxy status` against the running stack (its control attached), as a person runs it. */
async function proxyStatus(running: Stack): Promise<string[]> {
  const lines: string[] = [];
  await runCli(['proxy', 'status'], (line) => lines.push(line), {
    ORCHIDS_TRAY_DATA_DIR: running.dataDir,
    ...simEnv(running.sim),
  });
  return lines;
}

describe('a pinned protocol the service does not speak', () => {
  it('is in the status after a request meets it, with when, and the window hears of it', async () => {
    const { s, pushes } = await pinnedToRefusedWs();
    expect(s.core.proxy.status().pinnedMismatch).toBeNull();
    const before = Date.now();
    expect(await ask(s)).not.toBe(200);
    const pin = s.core.proxy.status().pinnedMismatch;
    expect(pin).toEqual({ protocol: 'ws', at: expect.any(Number), fromEnv: false });
    expect(pin!.at).toBeGreaterThanOrEqual(before);
    // The accounts still look ready: the note is the only thing in the status that says requests fail.
    expect(s.core.proxy.status().serving.state).toBe('serving');
    await until(() => pushes.length > 0);
    // A second failure moves the time, not the note: no second push for the same trouble.
    const pushed = pushes.length;
    expect(await ask(s)).not.toBe(200);
    expect(s.core.proxy.status().pinnedMismatch?.at).toBeGreaterThanOrEqual(pin!.at);
    // A pause is pushed after anything the failure published, so once it arrives the count is final.
    s.core.proxy.pause();
    await until(() => pushes.length > pushed);
    expect(pushes.length).toBe(pushed + 1);
  });

  it('goes with the next request the pinned protocol serves', async () => {
    const { s, pushes } = await pinnedToRefusedWs();
    expect(await ask(s)).not.toBe(200);
    expect(s.core.proxy.status().pinnedMismatch).not.toBeNull();
    await until(() => pushes.length > 0);
    const pushed = pushes.length;
    s.sim.setProtocols({ ws: true });
    expect(await ask(s)).toBe(200);
    expect(s.core.proxy.status().pinnedMismatch).toBeNull();
    await until(() => pushes.length > pushed);
  });

  it.each(['auto', 'sse-b'] as const)('goes when the setting changes to %s', async (next) => {
    const { s } = await pinnedToRefusedWs();
    expect(await ask(s)).not.toBe(200);
    expect(s.core.proxy.status().pinnedMismatch).not.toBeNull();
    s.core.settings.set('upstreamProtocol', next);
    expect(s.core.proxy.status().pinnedMismatch).toBeNull();
    expect(await ask(s)).toBe(200);
    expect(s.core.proxy.status().pinnedMismatch).toBeNull();
  });

  it('says when the environment holds the pin', async () => {
    const { s } = await pinnedToRefusedWs({ ORCHIDS_TRAY_UPSTREAM_PROTOCOL: 'ws' });
    expect(await ask(s)).not.toBe(200);
    expect(s.core.proxy.status().pinnedMismatch).toMatchObject({ protocol: 'ws', fromEnv: true });
  });

  it('`proxy status` says it, with the command that sets auto, and says nothing once it is gone', async () => {
    const { s } = await pinnedToRefusedWs();
    attachAppControl(s.core, { distDir: tempDir() }).announce(s.url);
    expect(await ask(s)).not.toBe(200);
    const lines = await proxyStatus(s);
    expect(lines[0]).toBe('Running · ws not answering: 1 account ready.');
    expect(lines[1]).toBe(
      'The upstream protocol is pinned to ws, and Orchids does not answer on it here, so every request fails. ' +
        'Set auto to let Orchids Tray find the protocol the service speaks: ' +
        'npm run cli -- settings set upstreamProtocol auto',
    );
    s.core.settings.set('upstreamProtocol', 'auto');
    const after = await proxyStatus(s);
    expect(after[0]).toBe('Running: 1 account ready.');
    expect(after.join('\n')).not.toContain('pinned');
  });

  it('/health tells a script, with the command line’s way out, while status stays ok; and goes with it', async () => {
    const { s } = await pinnedToRefusedWs();
    expect((await health(s)).pinnedMismatch).toBeNull();
    expect(await ask(s)).not.toBe(200);
    const noted = await health(s);
    // The server is up and the accounts ready: this field is what says every request fails.
    expect(noted.status).toBe('ok');
    expect(noted.pinnedMismatch).toEqual({
      protocol: 'ws',
      at: s.core.proxy.status().pinnedMismatch!.at,
      fromEnv: false,
      message:
        'The upstream protocol is pinned to ws, and Orchids does not answer on it here, so every request fails. ' +
        'Set auto to let Orchids Tray find the protocol the service speaks: ' +
        'npm run cli -- settings set upstreamProtocol auto',
    });
    s.core.settings.set('upstreamProtocol', 'auto');
    expect((await health(s)).pinnedMismatch).toBeNull();
  });

  it('/health names the environment as what to change when it holds the pin', async () => {
    const { s } = await pinnedToRefusedWs({ ORCHIDS_TRAY_UPSTREAM_PROTOCOL: 'ws' });
    expect(await ask(s)).not.toBe(200);
    expect((await health(s)).pinnedMismatch).toMatchObject({
      fromEnv: true,
      message: expect.stringMatching(/ORCHIDS_TRAY_UPSTREAM_PROTOCOL pins it: set it to auto .* and restart/),
    });
  });

  // Remote mode on a second loopback address (see remote-mode.test.ts): only the status is public there.
  it.runIf(process.platform === 'linux')('/health in remote mode shows it only to a caller with the key', async () => {
    const key = 'test-remote-key-0123456789';
    const { s } = await pinnedToRefusedWs({
      ORCHIDS_TRAY_HOST: '127.0.0.2',
      ORCHIDS_TRAY_ALLOW_REMOTE: '1',
      ORCHIDS_TRAY_API_KEY: key,
    });
    expect(await ask(s, { 'x-api-key': key })).not.toBe(200);
    expect(s.core.proxy.status().pinnedMismatch).not.toBeNull();
    expect(await health(s)).toEqual({ status: 'ok' });
    expect((await health(s, { 'x-api-key': key })).pinnedMismatch).toMatchObject({ protocol: 'ws', fromEnv: false });
  });

  it('is never noted under auto, which moves on to a protocol that answers', async () => {
    const s = await startStack({ serves: { ws: false, sseB: true, sseA: true } });
    stack = s;
    expect(await ask(s)).toBe(200);
    expect(s.core.proxy.status().pinnedMismatch).toBeNull();
  });

  it('is not noted for a refusal of this account (429), which is not a wrong protocol', async () => {
    const s = await startStack();
    stack = s;
    s.core.settings.set('upstreamProtocol', 'ws');
    s.sim.refuseUpgrades(429);
    expect(await ask(s)).not.toBe(200);
    expect(s.core.proxy.status().pinnedMismatch).toBeNull();
  });

  it('is said again after a restart while the pin holds, before any request meets it', async () => {
    const { s } = await pinnedToRefusedWs();
    expect(await ask(s)).not.toBe(200);
    const { at } = s.core.proxy.status().pinnedMismatch!;
    const again = await restart(s);
    // With when a request last met it: "Running · ws not answering", not "Running" while every request fails.
    expect(again.proxy.status().pinnedMismatch).toEqual({ protocol: 'ws', at, fromEnv: false });
    expect(again.proxy.health().pinnedMismatch).toMatchObject({ protocol: 'ws', at });
  });

  it('after a restart, goes with a request served on the pin, for good', async () => {
    const { s } = await pinnedToRefusedWs();
    expect(await ask(s)).not.toBe(200);
    const again = await restart(s);
    expect(again.proxy.status().pinnedMismatch).not.toBeNull();
    s.sim.setProtocols({ ws: true });
    expect(await ask({ ...s, url: again.proxy.url })).toBe(200);
    expect(again.proxy.status().pinnedMismatch).toBeNull();
    expect((await restart(s)).proxy.status().pinnedMismatch).toBeNull();
  });

  it('is not said after a restart that lifted the environment’s pin, nor later when it pins again', async () => {
    const { s } = await pinnedToRefusedWs({ ORCHIDS_TRAY_UPSTREAM_PROTOCOL: 'ws' });
    expect(await ask(s)).not.toBe(200);
    expect(s.core.proxy.status().pinnedMismatch).toMatchObject({ protocol: 'ws', fromEnv: true });
    expect((await restart(s, { ORCHIDS_TRAY_UPSTREAM_PROTOCOL: 'auto' })).proxy.status().pinnedMismatch).toBeNull();
    // Gone, not hidden: pinned again, nothing is said until a request meets it again.
    const pinnedAgain = await restart(s, { ORCHIDS_TRAY_UPSTREAM_PROTOCOL: 'ws' });
    expect(pinnedAgain.proxy.status().pinnedMismatch).toBeNull();
  });
});
