import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { expectAnthropicError, serveOnce, valid } from '../helpers/bad-input';
import { seeded } from '../helpers/random';
import type { Stack } from '../helpers/stack';

/**
 * What a request carries besides its body: who may call (Host, Origin, the API key), and request targets and header
 * values no client library would send, written to the socket byte for byte.
 */
let stack: Stack;
const { post, stillServing } = serveOnce((started) => (stack = started));

describe('who may call', () => {
  it('refuses a Host that is not loopback (DNS rebinding)', async () => {
    const result = await post(JSON.stringify(valid), { host: 'evil.example.test:3002' });
    expectAnthropicError(result, 403, 'permission_error', /evil\.example\.test/);
  });

  it('accepts localhost and [::1] host names', async () => {
    const port = new URL(stack.url).port;
    for (const host of [`localhost:${port}`, `[::1]:${port}`, `127.0.0.1:${port}`]) {
      expect((await post(JSON.stringify(valid), { host })).status).toBe(200);
    }
  });

  it('refuses a browser page origin unless configured', async () => {
    const refused = await post(JSON.stringify(valid), { origin: 'https://some-site.example.test' });
    expectAnthropicError(refused, 403, 'permission_error', /ORCHIDS_TRAY_ALLOWED_ORIGINS/);
    stack.core.settings.set('allowedOrigins', ['https://some-site.example.test']);
    try {
      const allowed = await post(JSON.stringify(valid), { origin: 'https://some-site.example.test' });
      expect(allowed.status).toBe(200);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://some-site.example.test');
    } finally {
      stack.core.settings.reset('allowedOrigins');
    }
  });

  it('with an API key set, requires it as x-api-key or Bearer, and refuses a wrong one', async () => {
    stack.core.settings.set('apiKey', 'test-key-0123456789');
    try {
      const missing = await post(JSON.stringify(valid));
      expectAnthropicError(missing, 401, 'authentication_error');
      // Asking again cannot help: said so, so clients (Claude Code) show the refusal at once instead of retrying.
      expect(missing.headers['x-should-retry']).toBe('false');
      expectAnthropicError(
        await post(JSON.stringify(valid), { 'x-api-key': 'wrong' }),
        401,
        'authentication_error',
        /invalid x-api-key/,
      );
      // Anthropic's body word for word, however the key came: Claude Code matches this exact text to say
      // "Invalid API key" (it sends the key as a Bearer token when ANTHROPIC_AUTH_TOKEN is set).
      const bearer = await post(JSON.stringify(valid), { authorization: 'Bearer wrong' });
      expect(bearer.headers['x-should-retry']).toBe('false');
      expect(bearer.json).toEqual({
        type: 'error',
        error: { type: 'authentication_error', message: 'invalid x-api-key' },
        request_id: bearer.headers['request-id'],
      });
      expect((await post(JSON.stringify(valid), { 'x-api-key': 'test-key-0123456789' })).status).toBe(200);
      expect((await post(JSON.stringify(valid), { authorization: 'Bearer test-key-0123456789' })).status).toBe(200);
      expect((await request(`${stack.url}/health`)).statusCode).toBe(200);
    } finally {
      stack.core.settings.reset('apiKey');
    }
  });
});

/** The status and body of a request sent byte for byte as given: no client library escapes or checks the target. */
function raw(target: string, extraHeaders = ''): Promise<{ status: number; text: string }> {
  const port = Number(new URL(stack.url).port);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () =>
      socket.write(
        `GET ${target} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n${extraHeaders}connection: close\r\n\r\n`,
        'latin1',
      ),
    );
    let reply = '';
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const match = /^HTTP\/1\.1 (\d{3})/.exec(reply);
      if (!match) return reject(new Error(`no answer to GET ${JSON.stringify(target)}`));
      resolve({ status: Number(match[1]), text: reply.slice(reply.indexOf('\r\n\r\n') + 4) });
    });
  });
}

describe('URLs and headers', () => {
  it('a broken percent-escape is a 400 in the API error format, wherever it is', async () => {
    // Signed in to the dashboard, where its paths are decoded.
    const token = fs.readFileSync(path.join(stack.dataDir, 'control-token'), 'utf8').trim();
    const auth = `authorization: Bearer ${token}\r\n`;
    for (const target of ['/v1/models/%E0%A4%A', '/v1/models/%', '/v1/models/%ZZ', '/_tray/%', '/_tray/%E0%A4%A.js']) {
      const answer = await raw(target, target.startsWith('/_tray') ? auth : '');
      expect(answer.status, target).toBe(400);
      expect(JSON.parse(answer.text), target).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', message: 'The URL has invalid percent-encoding.' },
      });
    }
    await stillServing();
  });

  it('HEAD answers every GET route with its headers and no body', async () => {
    for (const target of ['/', '/health', '/api/hello', '/v1/models', '/v1/models/claude-sonnet-4-6']) {
      const get = await request(`${stack.url}${target}`);
      const getBody = await get.body.text();
      const head = await request(`${stack.url}${target}`, { method: 'HEAD' });
      expect(head.statusCode, target).toBe(200);
      expect(await head.body.text(), target).toBe('');
      expect(head.headers['content-type'], target).toBe(get.headers['content-type']);
      if (target !== '/health') expect(Number(head.headers['content-length']), target).toBe(Buffer.byteLength(getBody));
    }
    const wrong = await request(`${stack.url}/v1/messages`, { method: 'HEAD' });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
  });

  it("the server's own GET paths asked with another method are a 405 naming GET and HEAD", async () => {
    for (const [method, target] of [
      ['POST', '/health'],
      ['DELETE', '/health'],
      ['POST', '/'],
      ['POST', '/api/hello'],
    ] as const) {
      const wrong = await request(`${stack.url}${target}`, { method });
      expect(wrong.statusCode, `${method} ${target}`).toBe(405);
      expect(wrong.headers.allow, `${method} ${target}`).toBe('GET, HEAD');
      expect(await wrong.body.json()).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: `${target} accepts GET, HEAD, not ${method}.` },
        request_id: wrong.headers['request-id'],
      });
    }
  });

  it("the dashboard's routes asked with another method are a 405 naming the methods they take", async () => {
    const token = fs.readFileSync(path.join(stack.dataDir, 'control-token'), 'utf8').trim();
    const authorization = `Bearer ${token}`;
    for (const [method, target, allow] of [
      ['GET', '/_tray/link', 'POST'],
      ['DELETE', '/_tray/link', 'POST'],
      ['GET', '/_tray/api/accounts:list', 'POST'],
      ['PUT', '/_tray/api/accounts:list', 'POST'],
      ['POST', '/_tray/api/events', 'GET, HEAD'],
      ['DELETE', '/_tray/api/events', 'GET, HEAD'],
    ] as const) {
      const wrong = await request(`${stack.url}${target}`, {
        method,
        headers: { authorization, 'x-orchids-tray': '1' },
      });
      expect(wrong.statusCode, `${method} ${target}`).toBe(405);
      expect(wrong.headers.allow, `${method} ${target}`).toBe(allow);
      expect(await wrong.body.json()).toEqual({
        type: 'error',
        error: { type: 'invalid_request_error', message: `${target} accepts ${allow}, not ${method}.` },
        request_id: wrong.headers['request-id'],
      });
    }
    // The live events' GET, asked with HEAD: its headers, and no stream held open.
    const head = await request(`${stack.url}/_tray/api/events`, { method: 'HEAD', headers: { authorization } });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(await head.body.text()).toBe('');
  });

  it('a streamed answer to a request that says Connection: close closes the connection when it ends', async () => {
    const port = Number(new URL(stack.url).port);
    const messages = [{ role: 'user', content: 'hi' }];
    for (const [target, body] of [
      ['/v1/messages', { ...valid, stream: true }],
      ['/v1/chat/completions', { model: 'claude-sonnet-4-6', stream: true, messages }],
      ['/v1/responses', { model: 'claude-sonnet-4-6', stream: true, input: 'hi' }],
    ] as const) {
      const text = JSON.stringify(body);
      const reply = await new Promise<string>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () =>
          socket.write(
            `POST ${target} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\n` +
              `content-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
          ),
        );
        // Kept open, the socket would wait for the keep-alive timeout (65 s): far past this.
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error(`${target}: the connection stayed open after the stream ended`));
        }, 3_000);
        let received = '';
        socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
        socket.on('error', reject);
        socket.on('close', () => {
          clearTimeout(timer);
          resolve(received);
        });
      });
      expect(reply, target).toMatch(/^HTTP\/1\.1 200 /);
      expect(reply, target).toMatch(/\r\nconnection: close\r\n/i);
    }
  });

  it('400 fuzzed request targets and 200 fuzzed header values: never a 5xx, and the server keeps serving', async () => {
    const random = seeded(12_005);
    const int = (n: number) => Math.floor(random() * n);
    const pieces = [
      '/v1/models/',
      '/v1/',
      '/_tray/',
      '/_tray/api/',
      '/health',
      '/',
      '%',
      '%2',
      '%E0%A4%A',
      '%C0%AF',
      '%00',
      '%25',
      '..',
      '//',
      '?',
      '#',
      '&',
      '=',
      'é',
      '\u00ff',
      '~',
      ';',
      '%FF',
      '%uD800',
      'a',
      'models',
      '\\',
    ];
    for (let i = 0; i < 400; i++) {
      let target = pieces[int(6)]!;
      for (let n = int(6); n > 0; n--) target += pieces[int(pieces.length)];
      const answer = await raw(target);
      expect(answer.status, `GET ${target}`).toBeLessThan(500);
    }
    const names = [
      'x-api-key',
      'authorization',
      'anthropic-version',
      'cookie',
      'origin',
      'content-encoding',
      'x-custom',
    ];
    for (let i = 0; i < 200; i++) {
      const bytes = Array.from({ length: 1 + int(40) }, () => String.fromCharCode(0x20 + int(0xdf))).join('');
      const answer = await raw(
        ['/health', '/v1/models', '/_tray/'][int(3)]!,
        `${names[int(names.length)]}: ${bytes}\r\n`,
      );
      expect(answer.status, JSON.stringify(bytes)).toBeLessThan(500);
    }
    await stillServing();
  });
});
