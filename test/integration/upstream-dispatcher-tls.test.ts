import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { request } from 'undici';
import { loopbackCertificate } from '../helpers/loopback-cert';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { UpstreamDispatcher } from '../../main/core/upstream/dispatcher';

/**
 * The dispatcher's TLS with an extra CA (ORCHIDS_TRAY_CA_FILE): servers signed by it are trusted, and every
 * connection uses one context made for the dispatcher, not a context of its own built from the ~140 system roots
 * at each connect (which cost tens of milliseconds of CPU per new upstream connection).
 */
let cert = '';
let key = '';
beforeAll(async () => {
  ({ cert, key } = await loopbackCertificate());
}, 60_000);

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(h2: boolean): Promise<string> {
  const handler = (_req: unknown, res: { end(body: string): void }) => res.end('ok');
  const secure = h2
    ? http2.createSecureServer({ key, cert, allowHTTP1: true }, handler)
    : https.createServer({ key, cert }, handler);
  await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise((resolve) => {
        if ('closeAllConnections' in secure) secure.closeAllConnections();
        secure.close(resolve);
      }),
  );
  return `https://127.0.0.1:${(secure.address() as AddressInfo).port}`;
}

describe('upstream dispatcher TLS with an extra CA', () => {
  it.each([
    ['HTTP/1.1', false],
    ['HTTP/2', true],
  ] as const)('trusts it over %s, with one shared context for every connection', async (_name, h2) => {
    const origin = await server(h2);
    const connect = vi.spyOn(tls, 'connect');
    const dispatcher = new UpstreamDispatcher({
      connectTimeoutMs: 5000,
      firstByteTimeoutMs: 5000,
      idleTimeoutMs: 5000,
      extraCa: cert,
    });
    cleanups.push(() => dispatcher.destroy());
    // Concurrent POSTs from cold: each needs a connection of its own until the first handshake tells the protocol.
    const answers = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const response = await request(origin, { method: 'POST', body: '{}', dispatcher });
        return response.body.text();
      }),
    );
    expect(answers).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(dispatcher.protocolOf(origin)).toBe(h2 ? 'h2' : 'h1');
    const options = connect.mock.calls.map((call) => call[0] as tls.ConnectionOptions);
    expect(options.length).toBeGreaterThan(1);
    expect(options.every((o) => o.ca === undefined && o.secureContext === options[0]!.secureContext)).toBe(true);
    expect(options[0]!.secureContext).toBeDefined();
  });
});
