import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountCache } from '../../main/core/accounts/account-cache';
import { AccountService } from '../../main/core/accounts/account-service';
import { CLERK_API_VERSION, CLERK_JS_VERSION, ClerkClient, ClerkError } from '../../main/core/clerk/clerk-client';
import { AccountsRepo } from '../../main/core/db/accounts-repo';
import { openDatabase, type Db } from '../../main/core/db/database';
import { ORCHIDS_DESKTOP_USER_AGENT } from '../../main/core/orchids/desktop-identity';
import { KeyFileSecretBox, type SecretBox } from '../../main/core/secrets/secret-box';
import { decodeFakeJwt, fakeJwt } from '../sim/fake-jwt';
import { parseCookieHeader } from '../sim/clerk';
import { until } from '../helpers/wait';

const SESSION_ID = 'sess_XXXX';
const FIRST_CLIENT = 'fake-client-cookie-XXXX-0';

/**
 * A Clerk that answers exactly as each test sets it: how long the `last_active_token` it offers lives, a failure
 * status, and rotation that makes the previous `__client` stop working at once (as real Clerk's rotating token).
 */
class ScriptedClerk {
  readonly calls: Array<{
    method: string;
    path: string;
    query: string;
    cookie: string;
    headers: http.IncomingHttpHeaders;
    body: string;
  }> = [];
  offeredLifetimeSeconds = 120;
  failWith: number | undefined;
  validClient = FIRST_CLIENT;
  /** GET /v1/client lists another, older session of another user first; last_active_session_id still names ours. */
  staleSessionFirst = false;
  /** Off: the same `__client` keeps working and no Set-Cookie comes back (Clerk without rotation). */
  rotate = true;
  /** While set, answers wait for it: a test can act between a request and its answer. */
  hold: Promise<void> | undefined;
  private rotations = 0;
  private readonly server = http.createServer((req, res) => void this.answer(req, res));
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async answer(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body = '';
    req.setEncoding('utf8');
    for await (const chunk of req) body += chunk as string;
    const [pathname = '', query = ''] = (req.url ?? '').split('?');
    const { headers } = req;
    this.calls.push({
      method: req.method ?? '',
      path: pathname,
      query,
      cookie: String(headers.cookie ?? ''),
      headers,
      body,
    });
    await this.hold;
    const send = (status: number, body: unknown, setCookie: string[] = []): void => {
      res.writeHead(status, {
        'content-type': 'application/json',
        ...(setCookie.length ? { 'set-cookie': setCookie } : {}),
      });
      res.end(JSON.stringify(body));
    };
    if (this.failWith !== undefined)
      return send(this.failWith, { errors: [{ code: 'scripted', message: 'scripted failure' }] });
    if (parseCookieHeader(req.headers.cookie).get('__client') !== this.validClient)
      return send(401, { errors: [{ code: 'authentication_invalid' }] });
    if (this.rotate) this.validClient = `fake-client-cookie-XXXX-${++this.rotations}`;
    const rotated = !this.rotate
      ? []
      : [`__client=${this.validClient}; Path=/; HttpOnly`, `__client_uat=${1_800_000_000 + this.rotations}; Path=/`];
    const exp = (seconds: number): number => Math.floor(Date.now() / 1000) + seconds;
    if (req.method === 'GET' && pathname === '/v1/client') {
      const offered = fakeJwt({
        sid: SESSION_ID,
        sub: 'user_XXXX',
        exp: exp(this.offeredLifetimeSeconds),
        from: 'client',
      });
      const session = {
        id: SESSION_ID,
        status: 'active',
        user: { id: 'user_XXXX', email_addresses: [{ email_address: 'user1@example.test' }] },
        last_active_token: { jwt: offered },
      };
      const stale = {
        id: 'sess_STALE',
        status: 'active',
        user: { id: 'user_STALE', email_addresses: [{ email_address: 'stale@example.test' }] },
        last_active_token: { jwt: fakeJwt({ sid: 'sess_STALE', sub: 'user_STALE', exp: exp(3600), from: 'stale' }) },
      };
      const sessions = this.staleSessionFirst ? [stale, session] : [session];
      return send(200, { response: { id: 'client_XXXX', last_active_session_id: SESSION_ID, sessions } }, rotated);
    }
    if (req.method === 'POST' && pathname === `/v1/client/sessions/${SESSION_ID}/tokens`) {
      return send(200, { jwt: fakeJwt({ sid: SESSION_ID, sub: 'user_XXXX', exp: exp(120), from: 'tokens' }) }, rotated);
    }
    send(404, { errors: [{ code: 'resource_not_found' }] });
  }
}

/** Counts how often the sealed cookie is opened: the request path must not open it per call. */
function countingBox(inner: SecretBox): SecretBox & { opens: number } {
  const box = {
    kind: inner.kind,
    opens: 0,
    seal: (plain: string) => inner.seal(plain),
    open: (sealed: string) => (box.opens++, inner.open(sealed)),
  };
  return box;
}

let dir: string;
let db: Db;
let clerk: ScriptedClerk;
let agent: Agent;
let secrets: ReturnType<typeof countingBox>;
let service: AccountService;
let cache: AccountCache;
let accountId: number;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orchids-account-clerk-'));
  db = openDatabase(path.join(dir, 'accounts.db'));
  clerk = await new ScriptedClerk().start();
  agent = new Agent();
  secrets = countingBox(new KeyFileSecretBox(dir));
  cache = new AccountCache();
  service = new AccountService({
    repo: new AccountsRepo(db),
    cache,
    clerk: new ClerkClient({ baseUrl: clerk.url, dispatcher: () => agent }),
    secrets,
  });
  accountId = (await service.add({ cookie: FIRST_CLIENT })).account.id;
  service.tokens.forget(accountId); // no current session token until a test gives the account one
  clerk.calls.length = 0;
});

afterEach(async () => {
  service.tokens.stop();
  await clerk.close();
  await agent.close();
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const storedClient = (): string => service.openCookies(cache.get(accountId)!).client!;
const origin = (jwt: string): unknown => decodeFakeJwt(jwt)?.from;

describe('AccountService.mintToken: last_active_token first (spec §2.6)', () => {
  it('takes the token GET /v1/client offers when it outlives the margin: no tokens call', async () => {
    clerk.offeredLifetimeSeconds = 120;
    const jwt = await service.mintToken(accountId, 40_000);
    expect(origin(jwt)).toBe('client');
    expect(clerk.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /v1/client']);
    expect(clerk.calls[0]!.query).toBe(
      `__clerk_api_version=${CLERK_API_VERSION}&_clerk_js_version=${CLERK_JS_VERSION}`,
    );
    // Spec §2.3: the desktop app's headers, as the reference client sent them.
    expect(clerk.calls[0]!.headers).toMatchObject({
      'user-agent': ORCHIDS_DESKTOP_USER_AGENT,
      'accept-language': 'zh-CN',
      origin: 'https://www.orchids.app',
      referer: 'https://www.orchids.app/',
    });
    expect(storedClient()).toBe(clerk.validClient);
  });

  it('mints through POST …/tokens when the offered token is near expiry, sending the rotated cookie', async () => {
    clerk.offeredLifetimeSeconds = 35;
    const jwt = await service.mintToken(accountId, 40_000);
    expect(origin(jwt)).toBe('tokens');
    expect(clerk.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /v1/client',
      `POST /v1/client/sessions/${SESSION_ID}/tokens`,
    ]);
    // The tokens call carries what the GET rotated, in the §2.2 composition.
    expect(clerk.calls[1]!.cookie).toBe(
      '__client=fake-client-cookie-XXXX-2; __client_uat=1800000002; clerk_active_context=sess_XXXX:',
    );
    // Spec §2.5: a form body holding only an empty organization id, with the same version query as the GET.
    expect(clerk.calls[1]!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(clerk.calls[1]!.body).toBe('organization_id=');
    expect(clerk.calls[1]!.query).toBe(clerk.calls[0]!.query);
    expect(storedClient()).toBe(clerk.validClient);
  });

  it('the lifetime the token cache asks for decides', async () => {
    clerk.offeredLifetimeSeconds = 35;
    expect(origin(await service.mintToken(accountId, 20_000))).toBe('client');
    expect(clerk.calls).toHaveLength(1);
  });

  it('a Clerk 429 ends the attempt without a second Clerk call', async () => {
    clerk.failWith = 429;
    const error = await service.mintToken(accountId, 40_000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClerkError);
    expect(error).toMatchObject({ kind: 'unavailable', status: 429 });
    expect(clerk.calls).toHaveLength(1);
  });

  it('sends the current session JWT as __session', async () => {
    const currentToken = fakeJwt({ sid: SESSION_ID, exp: 4_102_444_800 });
    service.tokens.store(accountId, currentToken);
    await service.mintToken(accountId, 40_000);
    expect(clerk.calls[0]!.cookie).toContain(`; __session=${currentToken}; `);
  });
});

// Spec §10 item 21: the original took the user and token from sessions[0] but the session id from the last active.
describe('AccountService with several Clerk sessions: the last active one, never sessions[0] blindly', () => {
  beforeEach(() => {
    clerk.staleSessionFirst = true;
  });

  it('pasting the cookie again finds the same account, its user, email, session and offered token', async () => {
    const result = await service.add({ cookie: clerk.validClient });
    expect(result.created).toBe(false);
    expect(result.account).toMatchObject({
      id: accountId,
      userId: 'user_XXXX',
      email: 'user1@example.test',
      sessionId: SESSION_ID,
    });
    expect(origin(service.tokens.current(accountId)!)).toBe('client');
  });

  it('a token comes from that session: the one Clerk offers with it, or one minted for its id', async () => {
    clerk.offeredLifetimeSeconds = 120;
    expect(origin(await service.mintToken(accountId, 40_000))).toBe('client');
    clerk.offeredLifetimeSeconds = 35;
    expect(origin(await service.mintToken(accountId, 40_000))).toBe('tokens');
    expect(clerk.calls.at(-1)!.path).toBe(`/v1/client/sessions/${SESSION_ID}/tokens`);
  });
});

describe('AccountService: every Clerk call keeps what Clerk rotates', () => {
  it('checkSignIn persists the rotated cookie, so the next call still works', async () => {
    await service.checkSignIn(accountId);
    expect(storedClient()).toBe(clerk.validClient);
    await expect(service.mintToken(accountId, 40_000)).resolves.toBeTruthy();
    expect(clerk.calls.every((c) => !c.cookie.includes('XXXX-0'))).toBe(true);
  });

  it('calls for one account run one after another: a rotating Clerk refuses none of them', async () => {
    clerk.offeredLifetimeSeconds = 35;
    const results = await Promise.allSettled([
      service.mintToken(accountId),
      service.checkSignIn(accountId),
      service.mintToken(accountId),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(clerk.calls).toHaveLength(5); // GET+POST, GET, GET+POST: none refused
    expect(storedClient()).toBe(clerk.validClient);
  });

  it('a cookie pasted while Clerk answers is not overwritten by the rotation of the old one', async () => {
    let release!: () => void;
    clerk.hold = new Promise<void>((resolve) => (release = resolve));
    const minting = service.mintToken(accountId, 40_000);
    await until(() => clerk.calls.length > 0, { what: 'Clerk to receive the call it holds' });
    service.write(accountId, { sealedCookie: secrets.seal('fake-pasted-cookie-XXXX') });
    release();
    await minting;
    expect(storedClient()).toBe('fake-pasted-cookie-XXXX');
  });
});

// Spec 1.2: __client_uat comes from Set-Cookie, else the value held before, else now.
describe('AccountService.add: where __client_uat comes from', () => {
  it('Set-Cookie first, then the pasted or stored value, then now in Unix seconds', async () => {
    expect(cache.get(accountId)!.clientUat).toBe('1800000001'); // rotated by the lookup that added it
    clerk.rotate = false;
    await service.add({ cookie: `__client=${clerk.validClient}; __client_uat=1800000500` });
    expect(cache.get(accountId)!.clientUat).toBe('1800000500');
    await service.add({ cookie: clerk.validClient });
    expect(cache.get(accountId)!.clientUat).toBe('1800000500');

    service.remove(accountId);
    const before = Math.floor(Date.now() / 1000);
    const added = (await service.add({ cookie: clerk.validClient })).account;
    expect(Number(added.clientUat)).toBeGreaterThanOrEqual(before);
    expect(Number(added.clientUat)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });
});

describe('AccountService.cookieHeaderFor', () => {
  it('is the §2.2 header of the stored account with the current token as __session', () => {
    service.tokens.store(accountId, 'fake.session.jwt');
    const account = cache.get(accountId)!;
    expect(service.cookieHeaderFor(accountId)).toBe(
      `__client=${clerk.validClient}; __session=fake.session.jwt; __client_uat=${account.clientUat}; ` +
        `clerk_active_context=${SESSION_ID}:`,
    );
  });

  it('opens the sealed cookie once per change, not once per call', async () => {
    const before = secrets.opens;
    for (let i = 0; i < 500; i++) service.cookieHeaderFor(accountId);
    expect(secrets.opens - before).toBeLessThanOrEqual(1);
    service.tokens.store(accountId, 'fake.session.jwt2');
    expect(service.cookieHeaderFor(accountId)).toContain('__session=fake.session.jwt2;');
    const afterToken = secrets.opens;
    await service.mintToken(accountId, 40_000); // Clerk rotates: the header follows without opening again
    expect(service.cookieHeaderFor(accountId)).toContain(`__client=${clerk.validClient};`);
    expect(secrets.opens).toBe(afterToken);
  });
});
