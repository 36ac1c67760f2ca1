import { decodeJwtPayload, looksLikeJwt } from '../clerk/jwt';

/** The Clerk cookies an account is built from. `client` is the long-lived `__client` cookie. */
export interface ClerkCookies {
  client?: string;
  clientUat?: string;
  /** `__session`: short-lived; enough to bootstrap a `__client` through Clerk when that is all the user has. */
  session?: string;
}

export class CookieParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CookieParseError';
  }
}

const ACCEPTED =
  'Paste the value of the __client cookie from orchids.app, a whole Cookie header ("__client=…; __client_uat=…"), or a browser cookie export (JSON).';

/**
 * Accepts every form a person is likely to paste (protocol page 1.5): a bare `__client` value, a `Cookie:` header
 * string, a browser extension's JSON export, with or without a `Bearer ` prefix or a `|comment` suffix.
 */
export function parseCookieInput(input: string): ClerkCookies {
  let text = input.trim();
  if (!text) throw new CookieParseError(`The cookie is empty. ${ACCEPTED}`);
  text = text.replace(/^cookie:\s*/i, '').replace(/^bearer\s+/i, '');

  if (text.startsWith('[') || text.startsWith('{')) return fromJsonExport(text);
  if (/(^|[;\s])__(client|session)(_[A-Za-z0-9-]+)?=/.test(text)) return requireUsable(fromPairs(cookiePairs(text)));

  const beforePipe = text.split('|', 1)[0]!.trim();
  if (looksLikeJwt(beforePipe)) return fromBareJwt(beforePipe);
  if (beforePipe.length >= 16 && !/[\s;=]/.test(beforePipe)) return { client: beforePipe };
  throw new CookieParseError(`That does not look like an Orchids cookie. ${ACCEPTED}`);
}

function fromBareJwt(token: string): ClerkCookies {
  const payload = decodeJwtPayload(token);
  if (!payload) throw new CookieParseError(`That token cannot be read. ${ACCEPTED}`);
  if ('rotating_token' in payload) return { client: token };
  if (typeof payload.sid === 'string') return { session: token };
  throw new CookieParseError(
    `That is a short-lived bearer token, not the __client cookie; it would stop working within minutes. ${ACCEPTED}`,
  );
}

function cookiePairs(header: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    pairs.push([part.slice(0, eq).trim(), cleanValue(part.slice(eq + 1))]);
  }
  return pairs;
}

function cleanValue(raw: string): string {
  let value = raw.trim();
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function fromJsonExport(text: string): ClerkCookies {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CookieParseError(`That looks like JSON but does not parse. ${ACCEPTED}`);
  }
  const list = Array.isArray(parsed)
    ? parsed
    : Array.isArray((parsed as { cookies?: unknown }).cookies)
      ? (parsed as { cookies: unknown[] }).cookies
      : undefined;
  if (!list) throw new CookieParseError(`Expected a list of {name, value} cookies. ${ACCEPTED}`);
  const pairs: Array<[string, string]> = [];
  for (const item of list) {
    if (item && typeof item === 'object') {
      const { name, value } = item as { name?: unknown; value?: unknown };
      if (typeof name === 'string' && typeof value === 'string') pairs.push([name.trim(), cleanValue(value)]);
    }
  }
  return requireUsable(fromPairs(pairs));
}

/** Exact names win; Clerk's namespaced variants (`__client_<suffix>`) are the fallback (protocol 1.5 rule 3). */
function fromPairs(pairs: Array<[string, string]>): ClerkCookies {
  const pick = (name: string): string | undefined => {
    const exact = pairs.find(([key, value]) => key === name && value);
    if (exact) return exact[1];
    const namespaced = pairs.find(([key, value]) => key.startsWith(`${name}_`) && !key.startsWith(`${name}_uat`) && value);
    return namespaced?.[1];
  };
  const cookies: ClerkCookies = {};
  const client = pick('__client');
  const clientUat = pick('__client_uat');
  const session = pick('__session');
  if (client) cookies.client = client;
  if (clientUat) cookies.clientUat = clientUat;
  if (session) cookies.session = session;
  return cookies;
}

function requireUsable(cookies: ClerkCookies): ClerkCookies {
  if (!cookies.client && !cookies.session) {
    throw new CookieParseError(`No __client (or __session) cookie found in what you pasted. ${ACCEPTED}`);
  }
  return cookies;
}
