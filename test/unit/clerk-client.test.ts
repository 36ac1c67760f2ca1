import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClerkClient, ClerkError } from '../../main/core/clerk/clerk-client';

// Every value is a placeholder. One scripted answer per call: status, body, Set-Cookie lines.
let next: { status: number; body: string; setCookie?: string[] } = { status: 200, body: '{}' };
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(next.status, {
    'content-type': 'application/json',
    ...(next.setCookie ? { 'set-cookie': next.setCookie } : {}),
  });
  res.end(next.body);
});
const agent = new Agent();
let clerk: ClerkClient;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  clerk = new ClerkClient({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    dispatcher: () => agent,
  });
});
afterAll(async () => {
  await agent.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const COOKIES = { client: 'fake-client-XXXX', sessionId: 'sess_XXXX' };
const ROTATED = ['__client=fake-client-rotated; Path=/; HttpOnly', '__client_uat=1800000000; Path=/'];
const session = (id: string, user: string, email?: string) => ({
  id,
  status: 'active',
  user: { id: user, email_addresses: email ? [{ email_address: email }] : [] },
  last_active_token: { jwt: `jwt-of-${id}` },
});
const client = (response: unknown) => JSON.stringify({ response });

async function failure(call: () => Promise<unknown>): Promise<ClerkError> {
  const error = await call().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ClerkError);
  return error as ClerkError;
}

// Spec 1.2, 1.3 and 1.6: which answers sign the account out (rejected) and which only mean "try later".
describe('ClerkClient: what each Clerk answer means for the account', () => {
  it.each([
    [401, 'rejected'],
    [403, 'rejected'],
    [404, 'rejected'],
    [429, 'unavailable'],
    [400, 'unavailable'],
    [500, 'unavailable'],
    [503, 'unavailable'],
  ] as const)('HTTP %i on either call is %s, with the status kept', async (status, kind) => {
    next = { status, body: '{"errors":[{"code":"scripted"}]}', setCookie: ROTATED };
    for (const call of [() => clerk.lookup(COOKIES), () => clerk.mintToken('sess_XXXX', COOKIES)]) {
      expect(await failure(call)).toMatchObject({ kind, status });
    }
  });

  it('a 200 that is not JSON, or a tokens answer without a jwt, is unavailable, not a sign-out', async () => {
    next = { status: 200, body: '<html>maintenance</html>' };
    expect(await failure(() => clerk.lookup(COOKIES))).toMatchObject({ kind: 'unavailable', status: 200 });
    next = { status: 200, body: '{"object":"token"}' };
    expect(await failure(() => clerk.mintToken('sess_XXXX', COOKIES))).toMatchObject({ kind: 'unavailable' });
  });

  it('no sessions (signed out) is rejected, saying to sign in again (“no active sessions”)', async () => {
    for (const response of [{ id: 'client_XXXX', sessions: [], last_active_session_id: null }, null]) {
      next = { status: 200, body: client(response) };
      const error = await failure(() => clerk.lookup(COOKIES));
      expect(error).toMatchObject({ kind: 'rejected', status: 200 });
      expect(error.message).toMatch(/no active session: sign in to orchids\.app again/);
    }
    next = { status: 200, body: client({ sessions: [{ ...session('sess_XXXX', ''), user: {} }] }) };
    expect(await failure(() => clerk.lookup(COOKIES))).toMatchObject({ kind: 'rejected' });
  });
});

describe('ClerkClient.lookup: the session it reads (spec 1.2, protocol-unknowns item 21)', () => {
  it('falls back to sessions[0] when last_active_session_id names none of them', async () => {
    next = {
      status: 200,
      body: client({
        last_active_session_id: 'sess_GONE',
        sessions: [session('sess_A', 'user_A', 'a@example.test'), session('sess_B', 'user_B', 'b@example.test')],
      }),
    };
    const { identity } = await clerk.lookup(COOKIES);
    expect(identity).toEqual({
      sessionId: 'sess_A',
      userId: 'user_A',
      email: 'a@example.test',
      lastActiveToken: 'jwt-of-sess_A',
    });
  });

  it('keeps a user without an e-mail address, with an empty e-mail (the original refused it)', async () => {
    next = { status: 200, body: client({ last_active_session_id: 'sess_A', sessions: [session('sess_A', 'user_A')] }) };
    expect((await clerk.lookup(COOKIES)).identity).toMatchObject({ userId: 'user_A', email: '' });
  });

  it('an empty last_active_token is no offered token', async () => {
    next = {
      status: 200,
      body: client({
        last_active_session_id: 'sess_A',
        sessions: [{ ...session('sess_A', 'user_A'), last_active_token: null }],
      }),
    };
    expect((await clerk.lookup(COOKIES)).identity.lastActiveToken).toBeUndefined();
  });

  it('takes the rotated __client and __client_uat from a 200 only', async () => {
    next = {
      status: 200,
      body: client({ last_active_session_id: 'sess_A', sessions: [session('sess_A', 'user_A')] }),
      setCookie: ROTATED,
    };
    expect((await clerk.lookup(COOKIES)).rotated).toEqual({ client: 'fake-client-rotated', clientUat: '1800000000' });
  });
});
