import { request, type Dispatcher } from 'undici';
import { ORCHIDS_DESKTOP_USER_AGENT, ORCHIDS_WEB_ORIGIN } from '../orchids/desktop-identity';
import { clerkCookieHeader, rotatedFromSetCookie, type ClerkCookies, type RotatedCookies } from './cookie-header';
import { describeServerClock, observeServerDate } from './server-clock';

export type { RotatedCookies } from './cookie-header';

/** The Clerk frontend API version Orchids' clients pin (spec §2.3); Clerk may refuse or reshape answers for others. */
export const CLERK_API_VERSION = '2025-11-10';
/** The clerk-js release Orchids' desktop client ships (spec §2.3, §10 item 22). */
export const CLERK_JS_VERSION = '5.117.0';
const CLERK_QUERY = `__clerk_api_version=${CLERK_API_VERSION}&_clerk_js_version=${CLERK_JS_VERSION}`;

const CLIENT_HEADERS = {
  'user-agent': ORCHIDS_DESKTOP_USER_AGENT,
  'accept-language': 'zh-CN',
  origin: ORCHIDS_WEB_ORIGIN,
  referer: `${ORCHIDS_WEB_ORIGIN}/`,
};

export interface ClerkIdentity {
  sessionId: string;
  userId: string;
  email: string;
  /** A session JWT Clerk handed out with the client: used instead of a mint while it has life left. */
  lastActiveToken: string | undefined;
}

/** `rejected`: Clerk refused the cookie (the user must sign in again). `unavailable`: try later. */
export type ClerkErrorKind = 'rejected' | 'unavailable';

export class ClerkError extends Error {
  constructor(
    readonly kind: ClerkErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ClerkError';
  }
}

export interface ClerkClientOptions {
  baseUrl: string;
  /** A function, so the core can swap its pool (a changed connect timeout) without rebuilding clients. */
  dispatcher: () => Dispatcher;
  timeoutMs?: number;
  /** For the app's log: told when Clerk's clock is found to run apart from this machine's (or back in step). */
  log?: (line: string) => void;
}

/**
 * Clerk's frontend API, one HTTP call per method and no retries: a refused or throttled call is reported to the
 * caller as it is (spec §8.5: a 429 must not turn into a second call). Persisting what Clerk rotates is the
 * caller's job (AccountService), so every method returns the rotated cookies alongside its answer.
 */
export class ClerkClient {
  private readonly baseUrl: string;

  constructor(private readonly options: ClerkClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** `GET /v1/client`: who the cookie belongs to, and its active session. */
  async lookup(cookies: ClerkCookies): Promise<{ identity: ClerkIdentity; rotated: RotatedCookies }> {
    const { json, status, rotated } = await this.call('GET', `/v1/client?${CLERK_QUERY}`, cookies, CLIENT_HEADERS);
    const client = (json as { response?: ClientResource | null } | undefined)?.response;
    const sessions = client?.sessions ?? [];
    const session = sessions.find((s) => s.id === client?.last_active_session_id) ?? sessions[0];
    if (!client || !session) {
      throw new ClerkError(
        'rejected',
        'Clerk says this cookie has no active session: sign in to orchids.app again and copy a fresh cookie.',
        status,
      );
    }
    const userId = session.user?.id;
    if (!userId) throw new ClerkError('rejected', 'Clerk returned a session without a user.', status);
    return {
      identity: {
        sessionId: session.id,
        userId,
        email: session.user?.email_addresses?.[0]?.email_address ?? '',
        lastActiveToken: session.last_active_token?.jwt || undefined,
      },
      rotated,
    };
  }

  /**
   * Spec §2.4: `GET /v1/client` with a cookie header that has no `__client`, so Clerk hands one out for the
   * session in `__session`. Resolves with whatever Clerk set (possibly nothing); the body is not needed.
   */
  async bootstrap(cookies: ClerkCookies): Promise<RotatedCookies> {
    return (await this.call('GET', `/v1/client?${CLERK_QUERY}`, { ...cookies, client: undefined }, CLIENT_HEADERS))
      .rotated;
  }

  /** `POST /v1/client/sessions/{sid}/tokens`: a fresh short-lived session JWT for the upstream. */
  async mintToken(sessionId: string, cookies: ClerkCookies): Promise<{ jwt: string; rotated: RotatedCookies }> {
    const { json, status, rotated } = await this.call(
      'POST',
      `/v1/client/sessions/${encodeURIComponent(sessionId)}/tokens?${CLERK_QUERY}`,
      cookies,
      { 'content-type': 'application/x-www-form-urlencoded' },
      'organization_id=',
    );
    const jwt = (json as { jwt?: unknown } | undefined)?.jwt;
    if (typeof jwt !== 'string' || !jwt) throw new ClerkError('unavailable', 'Clerk answered without a token.', status);
    return { jwt, rotated };
  }

  private async call(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    cookies: ClerkCookies,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; rotated: RotatedCookies; json: unknown }> {
    let response: Dispatcher.ResponseData;
    const timeout = this.options.timeoutMs ?? 10_000;
    const cookie = clerkCookieHeader(cookies);
    try {
      response = await request(this.baseUrl + pathAndQuery, {
        method,
        headers: { ...headers, ...(cookie ? { cookie } : {}), accept: 'application/json' },
        body,
        dispatcher: this.options.dispatcher(),
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
    } catch (error) {
      throw new ClerkError('unavailable', `Clerk cannot be reached: ${(error as Error).message}`);
    }
    // Read as the headers arrive: the tokens this answer carries are judged on Clerk's clock.
    if (observeServerDate(response.headers.date)) this.options.log?.(`[clerk] ${describeServerClock('Clerk')}`);
    const text = await response.body.text();
    const status = response.statusCode;
    if (status === 401 || status === 403 || status === 404) {
      throw new ClerkError(
        'rejected',
        `Clerk rejected the cookie (HTTP ${status}): sign in to orchids.app again and copy a fresh cookie.`,
        status,
      );
    }
    if (status === 429)
      throw new ClerkError(
        'unavailable',
        'Clerk is rate limiting this computer (HTTP 429); try again in a minute.',
        status,
      );
    if (status !== 200) throw new ClerkError('unavailable', `Clerk answered HTTP ${status}.`, status);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ClerkError('unavailable', 'Clerk answered with something that is not JSON.', status);
    }
    return { status, rotated: rotatedFromSetCookie(response.headers['set-cookie']), json };
  }
}

interface ClientResource {
  id?: string;
  last_active_session_id?: string | null;
  sessions?: Array<{
    id: string;
    status?: string;
    user?: { id?: string; email_addresses?: Array<{ email_address?: string }> };
    last_active_token?: { jwt?: string } | null;
  }>;
}
