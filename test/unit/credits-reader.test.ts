import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditsReader } from '../../main/core/credits/credits-reader';
import { BROWSER_USER_AGENT } from '../../main/core/credits/site-http';
import { fakeJwt } from '../sim/fake-jwt';

/**
 * The credits action call itself (protocol 4.1), against a site that answers each action id as the test sets it and
 * keeps every call's headers and body. Ids, users and tokens are placeholders.
 */
const answers = new Map<string, { status: number; body: string; headers?: Record<string, string> }>();
const seen: Array<{ headers: http.IncomingHttpHeaders; body: string; method: string; url: string }> = [];
const server = http.createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (body += chunk));
  req.on('end', () => {
    seen.push({ headers: req.headers, body, method: req.method ?? '', url: req.url ?? '' });
    const answer = answers.get(String(req.headers['next-action'])) ?? { status: 404, body: 'no such action' };
    res.writeHead(answer.status, { 'content-type': 'text/x-component', ...answer.headers });
    res.end(answer.body);
  });
});
const agent = new Agent();
let siteUrl = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const PROFILE = '0:{"a":"$@1"}\n1:{"userId":"user_XXXX","plan":"PRO","credits":96571,"lastFreeCreditsRedeem":null}\n';
const ID_A = 'a'.repeat(42);
const ID_B = 'b'.repeat(42);

/** A reader whose discovery hands out the given ids in turn, and whose router state is never available. */
function reader(ids: string[]) {
  const asked: string[] = [];
  const forgotten: string[] = [];
  const read = new CreditsReader({
    siteUrl,
    http: { dispatcher: () => agent, timeoutMs: 5_000 },
    discovery: {
      actionId: () => {
        const id = ids[Math.min(asked.length, ids.length - 1)]!;
        asked.push(id);
        return Promise.resolve(id);
      },
      forget: (id) => void forgotten.push(id),
    },
    routerState: {
      kept: () => undefined,
      get: () => Promise.reject(new Error('no router state here')),
      worked: () => undefined,
      forget: () => undefined,
    },
  });
  return { read, asked, forgotten };
}

describe('the credits action call (protocol 4.1)', () => {
  it('is POST / with the page’s headers, the session JWT as the only cookie, ["<user id>"] as body', async () => {
    seen.length = 0;
    answers.set(ID_A, { status: 200, body: PROFILE });
    const jwt = fakeJwt({ sid: 'sess_XXXX', sub: 'user_XXXX', exp: 4_102_444_800 });
    expect(await reader([ID_A]).read.read(jwt, 'user_XXXX')).toEqual({
      plan: 'PRO',
      credits: 96_571,
      monthlyLimit: 2_000_000,
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/', body: '["user_XXXX"]' });
    expect(seen[0]!.headers).toMatchObject({
      accept: 'text/x-component',
      'content-type': 'text/plain;charset=UTF-8',
      'user-agent': BROWSER_USER_AGENT,
      'next-action': ID_A,
      origin: siteUrl,
      referer: `${siteUrl}/`,
      cookie: `__session=${jwt}`,
    });
    expect(seen[0]!.headers).not.toHaveProperty('next-router-state-tree');
    expect(seen[0]!.headers).not.toHaveProperty('x-deployment-id');
  });

  it('asks for the user the session JWT names (sub) when the account has no user id', async () => {
    seen.length = 0;
    answers.set(ID_A, { status: 200, body: PROFILE });
    await reader([ID_A]).read.read(fakeJwt({ sid: 'sess_XXXX', sub: 'user_FROMSUB', exp: 4_102_444_800 }), '');
    expect(seen[0]!.body).toBe('["user_FROMSUB"]');
    await expect(reader([ID_A]).read.read(fakeJwt({ sid: 'sess_XXXX' }), '')).rejects.toThrow(
      /^the account has no Orchids user id$/,
    );
  });

  it.each([
    ['the x-nextjs-action-not-found header', { status: 404, body: '', headers: { 'x-nextjs-action-not-found': '1' } }],
    ['only the words "server action not found"', { status: 404, body: 'Error: Server action not found.' }],
  ])('a stale id told by %s is found again and the call repeated once', async (_name, stale) => {
    seen.length = 0;
    answers.set(ID_A, stale);
    answers.set(ID_B, { status: 200, body: PROFILE });
    const { read, asked, forgotten } = reader([ID_A, ID_B]);
    expect(await read.read(fakeJwt({ sub: 'user_XXXX' }), 'user_XXXX')).toMatchObject({ credits: 96_571 });
    expect(asked).toEqual([ID_A, ID_B]);
    expect(forgotten).toEqual([ID_A]);
    expect(seen.map((c) => c.headers['next-action'])).toEqual([ID_A, ID_B]);
  });
});
