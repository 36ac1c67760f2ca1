/**
 * The simulated Clerk frontend API (protocol 1.2, 1.3) and the identity state both servers share: users, their
 * current `__client` cookies, and every bearer token the simulator minted (the agent accepts only those).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeFakeJwt, fakeJwt, simRandom } from './fake-jwt';
import { readBody } from './http-util';
import type { SimStats } from './stats';

export interface SimUser {
  clientCookie: string;
  clientUat: string;
  sessionId: string;
  userId: string;
  email: string;
}

interface UserRecord {
  /** the object handed to the test; mutated on rotation so it always shows the live cookie */
  user: SimUser;
  clientId: string;
  signedOut: boolean;
  /** tokens with seq <= this were revoked */
  revokedThroughSeq: number;
}

interface TokenRecord {
  userId: string;
  seq: number;
  expiresAtMs: number;
}

export type TokenCheck =
  { ok: true; userId: string } | { ok: false; reason: 'token expired' | 'invalid token'; userId: string | undefined };

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export class SimAuthority {
  /** the `iss` claim; set once the Clerk server knows its URL */
  issuer = '';
  private readonly users = new Map<string, UserRecord>();
  private readonly byCookieValue = new Map<string, UserRecord>();
  private readonly bySessionId = new Map<string, UserRecord>();
  private readonly tokens = new Map<string, TokenRecord>();
  private userCounter = 0;
  // A sequence, not a clock, orders mints against revocations: both can happen within one millisecond.
  private mintSeq = 0;

  constructor(
    private readonly stats: SimStats,
    private readonly options: { tokenTtlSeconds: number; rotateClientCookie: boolean; clockOffsetMs: number },
  ) {}

  /** Now on this Clerk's clock, which may run off this machine's (clockOffsetMs). */
  clockNow(): number {
    return Date.now() + this.options.clockOffsetMs;
  }

  addUser(partial: Partial<SimUser> = {}): SimUser {
    const n = ++this.userCounter;
    const clientCookie =
      partial.clientCookie ?? fakeJwt({ id: `client_sim${n}`, rotating_token: `rot_${simRandom()}` });
    const user: SimUser = {
      clientCookie,
      clientUat: partial.clientUat ?? String(nowSeconds()),
      sessionId: partial.sessionId ?? `sess_sim${n}`,
      userId: partial.userId ?? `user_sim${n}`,
      email: partial.email ?? `user${n}@example.test`,
    };
    if (this.users.has(user.userId)) throw new Error(`simulator: user ${user.userId} already exists`);
    if (this.bySessionId.has(user.sessionId)) throw new Error(`simulator: session ${user.sessionId} already exists`);
    if (this.byCookieValue.has(clientCookie)) throw new Error('simulator: that __client cookie is already in use');
    const cookieId = decodeFakeJwt(clientCookie)?.id;
    const rec: UserRecord = {
      user,
      clientId: typeof cookieId === 'string' ? cookieId : `client_sim${n}`,
      signedOut: false,
      revokedThroughSeq: 0,
    };
    this.users.set(user.userId, rec);
    this.byCookieValue.set(clientCookie, rec);
    this.bySessionId.set(user.sessionId, rec);
    return user;
  }

  listUsers(): SimUser[] {
    return [...this.users.values()].map((rec) => rec.user);
  }

  user(userId: string): SimUser | undefined {
    return this.users.get(userId)?.user;
  }

  userByEmail(email: string): SimUser | undefined {
    for (const rec of this.users.values()) if (rec.user.email === email) return rec.user;
    return undefined;
  }

  signOut(userId: string): void {
    this.record(userId).signedOut = true;
  }

  revokeTokens(userId: string): void {
    this.record(userId).revokedThroughSeq = this.mintSeq;
  }

  recordByCookie(cookie: string | undefined): UserRecord | undefined {
    return cookie === undefined ? undefined : this.byCookieValue.get(cookie);
  }

  recordBySession(sessionId: string): UserRecord | undefined {
    return this.bySessionId.get(sessionId);
  }

  mint(rec: UserRecord): string {
    const seq = ++this.mintSeq;
    const nowMs = Date.now();
    const expiresAtMs = nowMs + this.options.tokenTtlSeconds * 1000;
    const claimedNowMs = nowMs + this.options.clockOffsetMs;
    // The claim is floored, so the proxy (which trusts `exp`) never believes a token lives longer than we accept it.
    const jwt = fakeJwt({
      sub: rec.user.userId,
      sid: rec.user.sessionId,
      iat: Math.floor(claimedNowMs / 1000),
      exp: Math.floor((claimedNowMs + this.options.tokenTtlSeconds * 1000) / 1000),
      iss: this.issuer,
      jti: `jti_sim${seq}`,
    });
    if (this.tokens.size >= 50_000) this.pruneExpired(nowMs);
    this.tokens.set(jwt, { userId: rec.user.userId, seq, expiresAtMs });
    this.stats.tokenMints++;
    return jwt;
  }

  checkBearer(authorization: string | undefined): TokenCheck {
    const match = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return this.checkToken(match?.[1]);
  }

  /** A bare token, as a WebSocket dial carries it in `?token=`; checked again on every request frame. */
  checkToken(jwt: string | undefined): TokenCheck {
    const token = jwt === undefined ? undefined : this.tokens.get(jwt);
    if (!token) return { ok: false, reason: 'invalid token', userId: undefined };
    const rec = this.users.get(token.userId);
    if (!rec || token.seq <= rec.revokedThroughSeq) return { ok: false, reason: 'invalid token', userId: token.userId };
    if (token.expiresAtMs <= Date.now()) return { ok: false, reason: 'token expired', userId: token.userId };
    return { ok: true, userId: token.userId };
  }

  /** The signed-in user a live session JWT minted here belongs to (what a `__session` cookie proves). */
  recordBySessionToken(jwt: string | undefined): UserRecord | undefined {
    const token = jwt === undefined ? undefined : this.tokens.get(jwt);
    const rec = token === undefined ? undefined : this.users.get(token.userId);
    if (!token || !rec || rec.signedOut || token.seq <= rec.revokedThroughSeq || token.expiresAtMs <= Date.now())
      return undefined;
    return rec;
  }

  /** Clerk's rotating token: the old `__client` stops working the moment a new one is issued. */
  rotateIfEnabled(rec: UserRecord): string[] {
    if (!this.options.rotateClientCookie) return [];
    const next = fakeJwt({ id: rec.clientId, rotating_token: `rot_${simRandom()}` });
    this.byCookieValue.delete(rec.user.clientCookie);
    this.byCookieValue.set(next, rec);
    rec.user.clientCookie = next;
    rec.user.clientUat = String(nowSeconds());
    return [
      `__client=${next}; Path=/; HttpOnly; Secure; SameSite=Lax`,
      `__client_uat=${rec.user.clientUat}; Path=/; Secure; SameSite=Lax`,
    ];
  }

  private record(userId: string): UserRecord {
    const rec = this.users.get(userId);
    if (!rec) throw new Error(`simulator: unknown user ${userId}`);
    return rec;
  }

  private pruneExpired(nowMs: number): void {
    for (const [jwt, token] of this.tokens) if (token.expiresAtMs <= nowMs) this.tokens.delete(jwt);
  }
}

export interface ClerkControls {
  delayMs: number;
  failureStatus: number | undefined;
}

const TOKENS_PATH = /^\/v1\/client\/sessions\/([^/]+)\/tokens$/;

/**
 * The versions every Clerk call of Orchids' desktop client names (spec 1.1), written out here rather than imported
 * from the app, so a change to the app's constants is a change the simulator refuses.
 */
export const SIM_CLERK_QUERY = '__clerk_api_version=2025-11-10&_clerk_js_version=5.117.0';
const REQUIRED_QUERY = new URLSearchParams(SIM_CLERK_QUERY);

/**
 * Why the call does not have the shape Orchids' client gave it, or undefined: each pinned version in the query, and
 * for the tokens call the form body of spec 1.3, `organization_id=`. Whether real Clerk refuses other versions is
 * not known (docs/protocol-unknowns.md, item 22); refusing them here makes a regression fail a test instead of
 * passing unnoticed.
 */
function malformed(req: IncomingMessage, body: string, isTokens: boolean): string | undefined {
  const query = new URLSearchParams((req.url ?? '').split('?')[1] ?? '');
  for (const [name, value] of REQUIRED_QUERY) {
    if (query.get(name) !== value) return `simulator: ${name}=${value} is required, got ${query.get(name) ?? 'none'}`;
  }
  if (!isTokens) return undefined;
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? ''))
    return 'simulator: the tokens call posts a form (application/x-www-form-urlencoded)';
  const form = new URLSearchParams(body);
  if (!form.has('organization_id') || form.get('organization_id') !== '')
    return 'simulator: the tokens call posts organization_id= (empty)';
  return undefined;
}

export function parseCookieHeader(header: string | string[] | undefined): Map<string, string> {
  const out = new Map<string, string>();
  const joined = Array.isArray(header) ? header.join('; ') : (header ?? '');
  for (const part of joined.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

function sendJson(res: ServerResponse, status: number, value: unknown, setCookies: string[] = []): void {
  const body = JSON.stringify(value);
  const headers: Record<string, string | string[] | number> = {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  };
  if (setCookies.length > 0) headers['set-cookie'] = setCookies;
  res.writeHead(status, headers);
  res.end(body);
}

function clerkError(code: string, message: string): unknown {
  return { errors: [{ code, message, long_message: message }] };
}

function clientJson(rec: UserRecord, jwt: string | undefined): unknown {
  const { user } = rec;
  const sessions =
    jwt === undefined
      ? []
      : [
          {
            object: 'session',
            id: user.sessionId,
            status: 'active',
            user: {
              object: 'user',
              id: user.userId,
              email_addresses: [{ object: 'email_address', id: `idn_sim_${user.userId}`, email_address: user.email }],
            },
            last_active_token: { object: 'token', jwt },
          },
        ];
  return {
    response: {
      object: 'client',
      id: rec.clientId,
      sessions,
      last_active_session_id: jwt === undefined ? null : user.sessionId,
    },
    client: null,
  };
}

/**
 * Generation B spec §2.4: `GET /v1/client` without `__client`. A live session JWT gets the user's current
 * `__client` (not a rotated one: the browser that holds the session keeps working); anything else gets an empty
 * client and no cookie.
 */
function answerBootstrap(res: ServerResponse, auth: SimAuthority, session: string | undefined): void {
  const rec = auth.recordBySessionToken(session);
  if (!rec)
    return sendJson(res, 200, {
      response: { object: 'client', sessions: [], last_active_session_id: null },
      client: null,
    });
  return sendJson(res, 200, clientJson(rec, undefined), [
    `__client=${rec.user.clientCookie}; Path=/; HttpOnly; Secure; SameSite=Lax`,
    `__client_uat=${rec.user.clientUat}; Path=/; Secure; SameSite=Lax`,
  ]);
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

export function createClerkHandler(
  auth: SimAuthority,
  stats: SimStats,
  controls: ClerkControls,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) =>
    void readBody(req).then(
      (body) => handle(req, res, body),
      () => res.destroy(),
    );
  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    res.setHeader('date', new Date(auth.clockNow()).toUTCString());
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const isClient = req.method === 'GET' && path === '/v1/client';
    const tokensMatch = req.method === 'POST' ? TOKENS_PATH.exec(path) : null;
    if (isClient) stats.clientLookups++;
    else if (tokensMatch) stats.tokenRequests++;
    else return sendJson(res, 404, clerkError('resource_not_found', `simulator: no Clerk route ${req.method} ${path}`));
    const refused = malformed(req, body, tokensMatch !== null);
    if (refused) return sendJson(res, 400, clerkError('request_invalid', refused));

    const answer = (): void => {
      if (res.destroyed) return;
      if (controls.failureStatus !== undefined) {
        const status = controls.failureStatus;
        return sendJson(res, status, clerkError('sim_failure', `simulated Clerk failure (HTTP ${status})`));
      }
      const cookies = parseCookieHeader(req.headers.cookie);
      if (isClient && !cookies.has('__client')) return answerBootstrap(res, auth, cookies.get('__session'));
      const rec = auth.recordByCookie(cookies.get('__client'));
      if (isClient) {
        if (!rec)
          return sendJson(res, 401, clerkError('authentication_invalid', 'Unable to authenticate the request.'));
        if (rec.signedOut) return sendJson(res, 200, clientJson(rec, undefined));
        const setCookies = auth.rotateIfEnabled(rec);
        return sendJson(res, 200, clientJson(rec, auth.mint(rec)), setCookies);
      }
      const owner = auth.recordBySession(safeDecode(tokensMatch?.[1] ?? ''));
      if (!rec || rec !== owner || rec.signedOut) {
        return sendJson(res, 401, clerkError('authentication_invalid', 'Unable to authenticate the request.'));
      }
      const setCookies = auth.rotateIfEnabled(rec);
      return sendJson(res, 200, { object: 'token', jwt: auth.mint(rec) }, setCookies);
    };
    if (controls.delayMs > 0) setTimeout(answer, controls.delayMs).unref();
    else answer();
  }
}
