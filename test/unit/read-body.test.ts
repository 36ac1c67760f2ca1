import { createHash } from 'node:crypto';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody } from '../../main/core/server/read-body';
import { until } from '../helpers/wait';

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

/**
 * A body of known length is read into one Buffer made for it, and with `checkUtf8` its bytes are checked as they
 * arrive. Sent over a raw socket in pieces cut inside characters, so the server sees many chunks.
 */
describe('readBody with a Content-Length', () => {
  let raw: http.Server;
  let port = 0;
  const outcomes: string[] = [];

  beforeAll(async () => {
    raw = http.createServer((req, res) => {
      readBody(req, 8 * 1024 * 1024, { checkUtf8: true }).then(
        (body) => record(`${body.length} ${sha256(body)}`),
        (error: Error & { status?: number }) => record(`${error.name} ${error.status ?? ''}`.trim()),
      );
      function record(outcome: string): void {
        outcomes.push(outcome);
        res.end();
      }
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    port = (raw.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => raw.close(resolve)));

  const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
  const text = Buffer.from('{"text":"' + 'naïve café — 🍵 ok; '.repeat(100_000) + '"}');

  /** Sends a head declaring `declared` bytes, then `body` in pieces of 1,000 to 70,000 bytes; `end` half-closes. */
  async function upload(body: Buffer, declared: number, end = false): Promise<string> {
    const before = outcomes.length;
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.resume();
    socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-length: ${declared}\r\n\r\n`);
    for (let at = 0, piece = 1_001; at < body.length; at += piece, piece = (piece * 7) % 70_001) {
      await new Promise<void>((resolve) => socket.write(body.subarray(at, at + piece), () => resolve()));
    }
    if (end) socket.end();
    await until(() => outcomes.length > before);
    socket.destroy();
    return outcomes[before]!;
  }

  it('gives the bytes sent, whatever the chunks', async () => {
    expect(await upload(text, text.length)).toBe(`${text.length} ${sha256(text)}`);
  });

  it('refuses invalid UTF-8 anywhere in the body with 400', async () => {
    for (const at of [0, 1_000, 1_500_000, text.length - 1]) {
      const broken = Buffer.from(text);
      broken[at] = 0xff;
      expect(await upload(broken, broken.length), String(at)).toBe('BodyError 400');
    }
    // A character cut short by the end of the body.
    const cut = Buffer.concat([text.subarray(0, 5000), Buffer.from([0xf0, 0x9f])]);
    expect(await upload(cut, cut.length)).toBe('BodyError 400');
  });

  it('answers Content-Length mismatches as before: the declared bytes, or the client gone', async () => {
    const declared = text.indexOf(' ok', 2_000_000); // a prefix that ends between characters
    expect(await upload(text, declared)).toBe(`${declared} ${sha256(text.subarray(0, declared))}`);
    expect(await upload(text.subarray(0, 1_000_000), 2_000_000, true)).toBe('ClientGoneError');
  });
});
