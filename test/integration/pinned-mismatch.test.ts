import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli';
import { attachAppControl } from '../../main/core/control/app-control';
import type { CoreEvent } from '../../main/core/events/types';
import { simEnv } from '../helpers/sim-env';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';

/**
 * A pinned `upstreamProtocol` the service does not speak fails every request while every account stays "ready": the
 * core keeps a note of it in the status the window, the tray and the CLI read, until the pin answers or changes.
 */
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

async function ask(s: Stack): Promise<number> {
  const response = await request(`${s.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] }),
  });
  await response.body.text();
  return response.statusCode;
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
});
