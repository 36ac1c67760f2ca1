import { request, type Dispatcher } from 'undici';
import type { ClerkCookies } from '../accounts/cookie-parser';
import { ORCHIDS_DESKTOP_USER_AGENT, ORCHIDS_WEB_ORIGIN } from '../orchids/desktop-identity';

/** Clerk's frontend API as Orchids' web and desktop clients call it (protocol page 1). */
const CLERK_QUERY = '__clerk_api_version=2025-11-10&_clerk_js_version=5.117.0';

export interface ClerkIdentity {
  sessionId: string;
  userId: string;
  email: string;
  /** A session JWT Clerk handed out with the client: a free first token. */
  lastActiveToken: string | undefined;
}

/** Cookie values Clerk rotated in `Set-Cookie`; they replace the stored ones or later calls fail. */
export interface RotatedCookies {
  client?: string;
  clientUat?: string;
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
}

export class ClerkClient {
  private readonly baseUrl: string;

  constructor(private readonly options: ClerkClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
  }

  /** `GET /v1/client`: who the cookie belongs to, and its active session. */
  async lookup(cookies: ClerkCookies): Promise<{ identity: ClerkIdentity; rotated: RotatedCookies }> {
    const response = await this.call('GET', `/v1/client?${CLERK_QUERY}`, cookies, {
      'user-agent': ORCHIDS_DESKTOP_USER_AGENT,
      'accept-language': 'zh-CN',
      origin: ORCHIDS_WEB_ORIGIN,
      referer: `${ORCHIDS_WEB_ORIGIN}/`,
    });
    const rotated = rotatedFrom(response.headers);
    const json = response.json as { response?: ClientResource | null } | undefined;
    const client = json?.response;
    const sessions = client?.sessions ?? [];
    const session = sessions.find((s) => s.id === client?.last_active_session_id) ?? sessions[0];
    if (!client || !session) {
      throw new ClerkError('rejected', 'Clerk says this cookie has no active session: sign in to orchids.app again and copy a fresh cookie.', response.status);
    }
    const email = session.user?.email_addresses?.[0]?.email_address;
    const userId = session.user?.id;
    if (!userId) throw new ClerkError('rejected', 'Clerk returned a session without a user.', response.status);
    return {
      identity: {
        sessionId: session.id,
        userId,
        email: email ?? '',
        lastActiveToken: session.last_active_token?.jwt || undefined,
      },
      rotated,
    };
  }

  /** `POST /v1/client/sessions/{sid}/tokens`: a fresh short-lived bearer JWT for the upstream. */
  async mintToken(sessionId: string, cookies: ClerkCookies): Promise<{ jwt: string; rotated: RotatedCookies }> {
    const response = await this.call(
      'POST',
      `/v1/client/sessions/${encodeURIComponent(sessionId)}/tokens?${CLERK_QUERY}`,
      cookies,
      { 'content-type': 'application/x-www-form-urlencoded' },
      'organization_id=',
    );
    const jwt = (response.json as { jwt?: unknown } | undefined)?.jwt;
    if (typeof jwt !== 'string' || !jwt) throw new ClerkError('unavailable', 'Clerk answered without a token.', response.status);
    return { jwt, rotated: rotatedFrom(response.headers) };
  }

  private async call(
    method: 'GET' | 'POST',
    pathAndQuery: string,
    cookies: ClerkCookies,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: unknown }> {
    let response: Dispatcher.ResponseData;
    const timeout = this.options.timeoutMs ?? 10_000;
    try {
      response = await request(this.baseUrl + pathAndQuery, {
        method,
        headers: { ...headers, cookie: cookieHeader(cookies), accept: 'application/json' },
        body,
        dispatcher: this.options.dispatcher(),
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
    } catch (error) {
      throw new ClerkError('unavailable', `Clerk cannot be reached: ${(error as Error).message}`);
    }
    const text = await response.body.text();
    if (response.statusCode === 401 || response.statusCode === 403 || response.statusCode === 404) {
      throw new ClerkError(
        'rejected',
        `Clerk rejected the cookie (HTTP ${response.statusCode}): sign in to orchids.app again and copy a fresh cookie.`,
        response.statusCode,
      );
    }
    if (response.statusCode !== 200) {
      throw new ClerkError('unavailable', `Clerk answered HTTP ${response.statusCode}.`, response.statusCode);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new ClerkError('unavailable', 'Clerk answered with something that is not JSON.', response.statusCode);
    }
    return { status: response.statusCode, headers: response.headers, json };
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

/** Protocol 1.1: the parts that exist, in Clerk's order. */
export function cookieHeader(cookies: ClerkCookies): string {
  const parts: string[] = [];
  if (cookies.client) parts.push(`__client=${cookies.client}`);
  if (cookies.session) parts.push(`__session=${cookies.session}`);
  if (cookies.clientUat) parts.push(`__client_uat=${cookies.clientUat}`);
  return parts.join('; ');
}

function rotatedFrom(headers: Record<string, string | string[] | undefined>): RotatedCookies {
  const raw = headers['set-cookie'];
  const lines = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const rotated: RotatedCookies = {};
  for (const line of lines) {
    const pair = line.split(';', 1)[0]!;
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (!value) continue;
    if (name === '__client') rotated.client = value;
    else if (name === '__client_uat') rotated.clientUat = value;
  }
  return rotated;
}
