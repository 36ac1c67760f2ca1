import net from 'node:net';
import { Agent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { sse, text, finish } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { until } from '../helpers/wait';
import { HI, postMessages } from '../helpers/messages';

let stack: Stack;
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await stack?.stop();
});

const LIMITS = {
  maxConnections: 8,
  reservedConnections: 2,
  headersTimeoutMs: 400,
  requestTimeoutMs: 800,
  keepAliveTimeoutMs: 5_000,
};

const port = (): number => Number(new URL(stack.url).port);

/** Sends the headers of a 100 KB upload and a few bytes of it, then nothing. Resolves once connected. */
function stalledUpload(): Promise<net.Socket & { gone: Promise<void> }> {
  return new Promise((resolve) => {
    const socket = net.connect(port(), '127.0.0.1', () => {
      socket.write(
        `POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:${port()}\r\ncontent-type: application/json\r\n` +
          'content-length: 100000\r\n\r\n{"model":',
      );
      resolve(Object.assign(socket, { gone }));
    });
    const gone = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => undefined);
    socket.resume();
    sockets.push(socket);
  });
}

async function health(): Promise<{ status: number; json: any }> {
  const response = await request(`${stack.url}/health`, { reset: true, dispatcher: new Agent() });
  return { status: response.statusCode, json: await response.body.json() };
}

describe('slow and stalled clients', () => {
  it('stalled uploads past the connection cap never keep /health out: the longest-waiting make room', async () => {
    stack = await startStack({ core: { serverLimits: { ...LIMITS, requestTimeoutMs: 60_000 } } });
    const stalled = [];
    for (let i = 0; i < 3 * LIMITS.maxConnections; i++) stalled.push(await stalledUpload());
    const answer = await health();
    expect(answer.status).toBe(200);
    // The earliest stalled uploads were displaced as later connections arrived; the latest are still open.
    await stalled[0]!.gone;
    expect(stalled.at(-1)!.destroyed).toBe(false);
    expect(answer.json.server.connections.displaced).toBeGreaterThanOrEqual(2 * LIMITS.maxConnections);
    expect(answer.json.server.connections.open).toBeLessThanOrEqual(LIMITS.maxConnections);
  });

  it('closes connections too slow to send their headers, and uploads too slow to finish their body', async () => {
    stack = await startStack({ core: { serverLimits: LIMITS } });
    const silent = net.connect(port(), '127.0.0.1');
    sockets.push(silent);
    silent.on('error', () => undefined);
    const silentReply: Buffer[] = [];
    silent.on('data', (chunk: Buffer) => silentReply.push(chunk));
    const upload = await stalledUpload();
    const uploadReply: Buffer[] = [];
    upload.on('data', (chunk: Buffer) => uploadReply.push(chunk));
    await Promise.all([new Promise((resolve) => silent.once('close', resolve)), upload.gone]);
    expect(Buffer.concat(silentReply).toString()).toMatch(/^HTTP\/1\.1 408/);
    expect(Buffer.concat(uploadReply).toString()).toMatch(/^HTTP\/1\.1 408/);
    expect((await health()).status).toBe(200);
  });

  it('an aborted upload costs no log line, only a count', async () => {
    stack = await startStack({ core: { serverLimits: { ...LIMITS, requestTimeoutMs: 60_000 } } });
    const uploads = await Promise.all(Array.from({ length: 5 }, () => stalledUpload()));
    // Each request has reached the server (its headers were read) before the client gives up.
    await until(() => stack.core.internals.server.inflightRequests === 5, { timeoutMs: 4000 });
    for (const upload of uploads) upload.destroy();
    await until(() => stack.core.proxy.health().server.connections.abortedUploads === 5, { timeoutMs: 4000 });
    expect(stack.logs.filter((line) => /unexpected error|aborted/i.test(line))).toEqual([]);
  });

  it('keeps connections for /health when API requests fill the rest, and tells API clients to retry', async () => {
    stack = await startStack({ core: { serverLimits: LIMITS } });
    const apiSlots = LIMITS.maxConnections - LIMITS.reservedConnections;
    const held = Array.from({ length: apiSlots }, () => {
      stack.sim.enqueue(sse([{ delayMs: 30_000 }, ...text('late'), ...finish()]));
      const controller = new AbortController();
      const response = postMessages(stack.url, HI, { signal: controller.signal, dispatcher: new Agent() }).catch(
        () => undefined,
      );
      return { controller, response };
    });
    await until(() => stack.sim.requests.length === apiSlots, { timeoutMs: 4000 });
    const refused = await postMessages(stack.url, HI, { dispatcher: new Agent() });
    expect(refused.statusCode).toBe(529);
    expect(refused.headers['retry-after']).toBe('2');
    expect(await refused.body.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    const answer = await health();
    expect(answer.status).toBe(200);
    expect(answer.json.server.connections.apiRefused).toBe(1);
    for (const { controller } of held) controller.abort();
    await Promise.all(held.map(({ response }) => response));
  });
});
