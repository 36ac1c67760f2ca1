import { request } from 'undici';
import { loopbackCertificate } from '../helpers/loopback-cert';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OrchidsCore } from '../../main/core/core';
import { OrchidsSimulator } from '../sim/orchids-simulator';
import { simConfig } from '../helpers/sim-env';
import { tempDir } from '../helpers/temp-dir';

/**
 * HTTP/2 to the upstream, negotiated by ALPN through the one shared dispatcher: against a TLS simulator that offers
 * h2, sixteen concurrent SSE requests share one connection; against one that offers only HTTP/1.1, the same
 * requests fall back to it. The certificate is made here and trusted through the core's `extraCa`
 * (ORCHIDS_TRAY_CA_FILE), never by turning verification off.
 */
let cert = '';
let key = '';
beforeAll(async () => {
  ({ cert, key } = await loopbackCertificate());
}, 60_000);

let sim: OrchidsSimulator | undefined;
let core: OrchidsCore | undefined;
afterEach(async () => {
  await core?.stop(1000);
  await sim?.close();
  core = sim = undefined;
});

async function stack(protocol: 'sse-a' | 'sse-b', h2: boolean) {
  sim = await OrchidsSimulator.start({ tls: { key, cert, h2 } });
  core = new OrchidsCore({
    env: { ORCHIDS_TRAY_UPSTREAM_PROTOCOL: protocol },
    config: { dataDir: tempDir(), ...simConfig(sim), extraCa: cert },
    port: 0,
    log: () => {},
  });
  const url = await core.start();
  await core.accounts.add({ cookie: sim.addUser().clientCookie });
  sim.resetStats();
  return url;
}

async function ask(url: string): Promise<string> {
  const response = await request(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'claude-sonnet-4-6', max_tokens: 20, messages: [{ role: 'user', content: 'hi' }] }),
  });
  const text = await response.body.text();
  expect(response.statusCode, text).toBe(200);
  return text;
}

describe('HTTP/2 to the upstream', () => {
  it.each(['sse-a', 'sse-b'] as const)('%s over h2: 16 concurrent requests share one connection', async (protocol) => {
    const url = await stack(protocol, true);
    // The first request opens the connection (a burst from cold may open a few while the first TLS handshake is
    // still under way); from then on everything rides on it.
    await ask(url);
    sim!.resetStats();
    const answers = await Promise.all(Array.from({ length: 16 }, () => ask(url)));
    expect(answers.every((a) => a.includes('Hello from the Orchids simulator.'))).toBe(true);
    // HTTP/2 requests carry pseudo-headers; HTTP/1.1 ones do not.
    expect(sim!.requests.every((r) => r.headers[':method'] === 'POST')).toBe(true);
    const connections = protocol === 'sse-a' ? sim!.stats.agentConnections : sim!.stats.agentBConnections;
    expect(connections).toBe(0); // no new connection: the warm one carried all sixteen
    const open = protocol === 'sse-a' ? sim!.stats.openAgentConnections : sim!.stats.openAgentBConnections;
    expect(open).toBe(1);
  });

  it('falls back to HTTP/1.1 where the upstream does not offer h2', async () => {
    const url = await stack('sse-a', false);
    await Promise.all(Array.from({ length: 8 }, () => ask(url)));
    expect(sim!.requests.some((r) => r.headers[':method'] !== undefined)).toBe(false);
    expect(sim!.stats.agentConnections).toBeGreaterThan(1);
    expect(sim!.stats.agentConnections).toBeLessThanOrEqual(8);
  });

  it('the upstreamHttp2 setting off keeps an h2 upstream on HTTP/1.1, and on again brings h2 back', async () => {
    const url = await stack('sse-a', true);
    await ask(url);
    // HTTP/2 requests carry pseudo-headers; HTTP/1.1 ones do not.
    const methods = (from: number) => sim!.requests.slice(from).map((r) => r.headers[':method']);
    expect(methods(0)).toEqual(['POST']);

    core!.settings.set('upstreamHttp2', false);
    sim!.resetStats();
    let from = sim!.requests.length;
    await Promise.all(Array.from({ length: 4 }, () => ask(url)));
    expect(methods(from)).toEqual([undefined, undefined, undefined, undefined]);
    expect(sim!.stats.agentConnections).toBeGreaterThan(0); // the h2 session is not reused: new h1 connections

    core!.settings.set('upstreamHttp2', true);
    from = sim!.requests.length;
    await ask(url);
    expect(methods(from)).toEqual(['POST']);
  });

  it('Clerk over h2 too: an account is added and its token minted through the TLS simulator', async () => {
    await stack('sse-a', true);
    expect(core!.accounts.list()).toHaveLength(1);
    expect(core!.accounts.list()[0]!.email).toMatch(/@example\.test$/);
  });

  it('a WebSocket dial to an h2 host still goes over HTTP/1.1 (no extended CONNECT needed)', async () => {
    sim = await OrchidsSimulator.start({ tls: { key, cert, h2: true } });
    core = new OrchidsCore({
      env: { ORCHIDS_TRAY_UPSTREAM_PROTOCOL: 'ws' },
      config: { dataDir: tempDir(), ...simConfig(sim), extraCa: cert },
      port: 0,
      log: () => {},
    });
    const url = await core.start();
    await core.accounts.add({ cookie: sim.addUser().clientCookie });
    expect(await ask(url)).toContain('Hello from the Orchids simulator.');
    expect(sim.stats.wsUpgrades).toBe(1);
  });
});
