import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachAppControl } from '../../main/core/control/app-control';
import { startStack, type Stack } from '../helpers/stack';
import { fakeWindowBuild } from '../helpers/window-build';

/**
 * The Host check against the names DNS rebinding and near-miss spellings produce, on every route group. Each name
 * is sent as written (a raw request line, so no client library normalises it), with and without a port.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
  attachAppControl(stack.core, { distDir: fakeWindowBuild() });
});
afterAll(async () => {
  await stack?.stop();
});

const ROUTE_GROUPS: Array<[string, string, string?]> = [
  ['GET', '/'],
  ['GET', '/health'],
  ['GET', '/api/hello'],
  ['GET', '/v1/models'],
  ['POST', '/v1/messages', '{"model":"claude-sonnet-4-6","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}'],
  ['GET', '/_tray/'],
  ['POST', '/_tray/api/accounts:list', '{}'],
];

const HOSTILE = [
  '127.0.0.1.evil.test', // the classic rebinding name: loopback-looking, but a domain
  'localhost.evil.test',
  'evil.127.0.0.1',
  'a127.0.0.1',
  '[::1].evil.test',
  '127.0.0.1@evil.test', // userinfo forms
  'evil.test@127.0.0.1',
  'localhost.', // trailing dots
  '127.0.0.1.',
  '[::1].',
  '127.1', // short and numeric forms a resolver would accept
  '0x7f.1',
  '0x7f000001',
  '2130706433',
  '127.0.0.01',
  '127.000.0.1',
  '127.0.0.256',
  '[::ffff:127.0.0.1]', // IPv4-mapped IPv6
  '[::ffff:7f00:1]',
  '[0:0:0:0:0:0:0:1]',
  'LOCALHOST.EVIL.TEST', // mixed case
  'evil.example.test',
  'localhost:3002:80',
  'localhost:http',
];

const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]', 'LocalHost', 'LOCALHOST', '127.1.2.3'];

/** The status line's code for a request sent byte for byte as given. */
function status(method: string, target: string, host: string, body?: string): Promise<number> {
  const port = Number(new URL(stack.url).port);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      const length =
        body === undefined ? '' : `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`;
      socket.write(
        `${method} ${target} HTTP/1.1\r\nhost: ${host}\r\n${length}` +
          `x-orchids-tray: 1\r\nconnection: close\r\n\r\n${body ?? ''}`,
      );
    });
    let reply = '';
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('latin1');
      const match = /^HTTP\/1\.1 (\d{3})/.exec(reply);
      if (match) {
        resolve(Number(match[1]));
        socket.destroy();
      }
    });
    socket.on('error', reject);
    socket.on('close', () => reject(new Error(`no status line for ${method} ${target} Host: ${host}`)));
  });
}

describe('the Host check, table-driven', () => {
  for (const [method, target, body] of ROUTE_GROUPS) {
    it(`refuses every rebinding-style name on ${method} ${target}`, async () => {
      const port = new URL(stack.url).port;
      for (const name of HOSTILE) {
        for (const host of [name, `${name}:${port}`]) {
          expect(await status(method, target, host, body), `Host: ${host}`).toBe(403);
        }
      }
    });

    it(`accepts loopback names on ${method} ${target}`, async () => {
      const port = new URL(stack.url).port;
      for (const name of LOOPBACK) {
        for (const host of [name, `${name}:${port}`]) {
          const code = await status(method, target, host, body);
          expect(code, `Host: ${host}`).not.toBe(403);
          expect(code, `Host: ${host}`).toBeLessThan(500);
        }
      }
    });
  }
});

/**
 * The host a request names in its request line (the absolute form a client sends to a proxy) counts instead of its
 * Host header, as HTTP says; a second Host header is refused outright: a proxy in front could read the other one.
 */
describe('the host of an absolute-form target, and a Host sent twice', () => {
  for (const [method, target, body] of ROUTE_GROUPS) {
    it(`refuses a hostile name in the request line on ${method} ${target}`, async () => {
      const port = new URL(stack.url).port;
      for (const name of ['evil.example.test', '127.0.0.1.evil.test', `127.0.0.1:${port}@evil.test`, 'evil.test']) {
        const absolute = `http://${name}${target}`;
        expect(await status(method, absolute, `127.0.0.1:${port}`, body), absolute).toBe(403);
      }
    });

    it(`serves a loopback name in the request line on ${method} ${target}`, async () => {
      const port = new URL(stack.url).port;
      for (const name of ['127.0.0.1', `localhost:${port}`, `[::1]:${port}`]) {
        const code = await status(method, `http://${name}${target}`, 'evil.example.test', body);
        expect(code, name).not.toBe(403);
        expect(code, name).toBeLessThan(500);
        expect(code, name).toBe(await status(method, target, `127.0.0.1:${port}`, body));
      }
    });

    it(`refuses a Host header sent twice on ${method} ${target}`, async () => {
      const port = new URL(stack.url).port;
      for (const [first, second] of [
        [`127.0.0.1:${port}`, 'evil.example.test'],
        ['evil.example.test', `127.0.0.1:${port}`],
        [`127.0.0.1:${port}`, `127.0.0.1:${port}`],
      ]) {
        expect(await status(method, target, `${first}\r\nhost: ${second}`, body), `${first}, ${second}`).toBe(400);
      }
    });
  }
});
