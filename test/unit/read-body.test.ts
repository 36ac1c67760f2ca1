import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody } from '../../main/core/server/json-body';

/**
 * A request object lives as long as its client keeps the connection open, often a minute or more after the answer.
 * readBody must leave nothing on it that reaches the body it read: a 31 MB body once stayed in memory that long, for
 * every kept-alive connection, through the listeners it had left on the request.
 */
let server: http.Server;
let url: string;
const seen: Array<{ outcome: string; aborted: number; error: number; before: { aborted: number; error: number } }> = [];
const agent = new Agent();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const before = { aborted: req.listenerCount('aborted'), error: req.listenerCount('error') };
    readBody(req, 1024).then(
      (body) => record(`${body.length} bytes`),
      (error: Error) => record(error.name),
    );
    function record(outcome: string): void {
      seen.push({ outcome, aborted: req.listenerCount('aborted'), error: req.listenerCount('error'), before });
      res.end(outcome);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await agent.close();
  await new Promise((resolve) => server.close(resolve));
});

async function send(body: Buffer, headers: Record<string, string> = {}): Promise<string> {
  const response = await request(url, { method: 'POST', body, headers, dispatcher: agent });
  return response.body.text();
}

describe('readBody leaves no listener on the request', () => {
  it('after a plain body, a compressed one, and one refused as too large', async () => {
    expect(await send(Buffer.alloc(500, 0x61))).toBe('500 bytes');
    expect(await send(zlib.gzipSync(Buffer.alloc(700, 0x62)), { 'content-encoding': 'gzip' })).toBe('700 bytes');
    expect(await send(Buffer.alloc(2000, 0x63))).toBe('BodyError');
    expect(seen).toHaveLength(3);
    for (const { outcome, aborted, error, before } of seen) {
      expect({ aborted, error }, outcome).toEqual(before);
    }
  });
});
