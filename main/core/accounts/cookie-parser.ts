import type { ClerkCookies } from '../clerk/cookie-header';
import { decodeJwtPayload, jwtSessionId, looksLikeJwt } from '../clerk/jwt';
import { cliCommand } from '../util/cli-command';

export type { ClerkCookies } from '../clerk/cookie-header';

export class CookieParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CookieParseError';
  }
}

const ACCEPTED =
  'Paste the value of the __client cookie from orchids.app, a whole Cookie header ("__client=…; __client_uat=…"), ' +
  'or a browser cookie export (JSON).';
/** Where `__client` is: an HttpOnly cookie of Clerk's own domain, so page scripts and the orchids.app list miss it. */
export const WHERE_CLIENT_LIVES = "in the browser's developer tools, Application → Cookies → clerk.orchids.app";
/**
 * How to add one from the terminal: a file, since a cookie typed as an argument lands in shell history and `ps`. Every
 * "no accounts" hint says it (the headless start line, `accounts list`, the 424 answer). DECISION: the placeholder
 * says what the file holds, not `<path>` (the usage line's word): a newcomer reading it on an empty start has not met
 * the __client cookie yet, and "Add an account" in the README starts from that name.
 */
export const ADD_ACCOUNT_ARGS = 'accounts add --cookie-file <file holding the __client cookie>';
/** ADD_ACCOUNT_ARGS as a command for the platform the app runs on (cliCommand). */
export const CLI_ADD_ACCOUNT = cliCommand(ADD_ACCOUNT_ARGS);

const CUT_OFF =
  'That token is cut off, so it cannot be read: a whole one is three parts joined by dots, and the middle part ' +
  'decodes. Copy the whole value again (double-click it in the cookie table, then copy).';
const HAS_SPACES =
  'That value has a space or line break inside it, and cookie values never do: part of it probably came from a ' +
  'wrapped line or the next column. Copy just the value, in one piece.';
/** Said of a value that cannot be any token Clerk issues, before Clerk is asked about it. */
const NOT_A_CLIENT_TOKEN =
  'the value expected is one long, random-looking token of letters and digits (usually three parts joined by dots, ' +
  `starting eyJ). Copy it ${WHERE_CLIENT_LIVES}, or paste a whole Cookie header holding __client=….`;
const DOCUMENT_COOKIE =
  "That looks like the page's whole cookie list (document.cookie), which never includes __client: Clerk hides it " +
  `from page scripts. Copy the __client value ${WHERE_CLIENT_LIVES} instead.`;

/**
 * Accepts every form a person is likely to paste (spec §2.1): a bare `__client` value, a `Cookie:` header string, a
 * browser extension's JSON export, with or without a `Bearer ` prefix or a `|comment` suffix. A bare `__session`
 * JWT (or a header with `__session` and no `__client`) comes back as `{ session }`: the caller may bootstrap from it.
 * Pastes that cannot work are refused here, each with its own reason, before anything is sent to Clerk.
 */
export function parseCookieInput(input: string): ClerkCookies {
  let text = input.trim();
  if (!text) throw new CookieParseError(`The cookie is empty. ${ACCEPTED}`);
  text = text.replace(/^cookie:\s*/i, '').replace(/^bearer\s+/i, '');

  if (text.startsWith('[') || text.startsWith('{')) return fromJsonExport(text);
  const pairs = cookiePairs(text);
  if (/(^|[;\s])__(client|session)(_[A-Za-z0-9-]+)?=/.test(text)) return requireUsable(fromPairs(pairs), pairs.length);
  if (pairs.length >= 2) throw new CookieParseError(DOCUMENT_COOKIE);

  // A bare value is unquoted and URL-decoded like a header's (spec 1.5): a quoted copy must not store its quotes.
  const beforePipe = cleanValue(text.split('|', 1)[0]!);
  if (/\s/.test(beforePipe)) throw new CookieParseError(looksLikeBrokenToken(beforePipe) ? HAS_SPACES : notACookie());
  if (looksLikeJwtStart(beforePipe)) return fromBareJwt(beforePipe);
  // `=` only as trailing base64 padding: anywhere else it is a `name=value` pair, which is not a bare value.
  if (beforePipe.length >= 16 && !/;|=[^=]/.test(beforePipe)) {
    if (couldBeClientToken(beforePipe)) return { client: beforePipe };
    throw new CookieParseError(`That is not a __client cookie: ${NOT_A_CLIENT_TOKEN}`);
  }
  throw new CookieParseError(notACookie());
}

function notACookie(): string {
  return `That does not look like an Orchids cookie. ${ACCEPTED}`;
}

/** A JWT's header is base64url JSON, so it starts `eyJ`; anything starting so is meant to be a whole JWT. */
function looksLikeJwtStart(value: string): boolean {
  return value.startsWith('eyJ') || looksLikeJwt(value);
}

/**
 * Whether a value that is not a JWT can still be a `__client` Clerk issued. Clerk's are JWTs or opaque tokens
 * (`v2_eyJ…`, gen-b §2.1), so anything of token characters that is a JWT's three parts, or random-looking (a capital
 * or a digit somewhere, which 16 random base64 characters lack about once in 500,000 draws), passes: only typed
 * words (`fake-not-a-cookie`, `my-orchids-cookie`) and values with other characters are refused.
 */
function couldBeClientToken(value: string): boolean {
  if (looksLikeJwt(value)) return true;
  return /^[A-Za-z0-9._~+/-]{16,}={0,2}$/.test(value) && /[A-Z0-9]/.test(value);
}

/** Token-like pieces split by whitespace, one of them long: a token broken across lines or columns. */
function looksLikeBrokenToken(value: string): boolean {
  const pieces = value.split(/\s+/);
  return pieces.every((piece) => /^[A-Za-z0-9._~+/%=-]+$/.test(piece)) && pieces.some((piece) => piece.length >= 16);
}

/** True when a JWT-shaped value lost its end or its middle (a short copy, or DevTools' `…` abbreviation). */
function isCutOffJwt(value: string): boolean {
  return value.includes('…') || !looksLikeJwt(value) || decodeJwtPayload(value) === undefined;
}

function fromBareJwt(token: string): ClerkCookies {
  if (isCutOffJwt(token)) throw new CookieParseError(CUT_OFF);
  const payload = decodeJwtPayload(token)!;
  if ('rotating_token' in payload) return { client: token };
  if (jwtSessionId(payload) !== undefined) return { session: token };
  throw new CookieParseError(
    `That is a short-lived bearer token, not the __client cookie; it would stop working within minutes. ${ACCEPTED}`,
  );
}

function cookiePairs(header: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    // `a=b` inside a bare base64 value is padding, not a cookie: only names a browser would set count.
    if (!/^[A-Za-z0-9_!#$%&'*+.^`|~-]+$/.test(name)) continue;
    pairs.push([name, cleanValue(part.slice(eq + 1))]);
  }
  return pairs;
}

/**
 * Quotes (either kind, each end on its own, as the reference client trimmed them) come off before and after the
 * URL-decoding, so `"…"`, `'…'` and `%22…%22` all give the bare value.
 */
function cleanValue(raw: string): string {
  const unquote = (value: string): string =>
    value
      .trim()
      .replace(/^["']+|["']+$/g, '')
      .trim();
  const value = unquote(raw);
  try {
    return unquote(decodeURIComponent(value));
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
  // An export lists cookies one by one, so several of them is normal there, not a sign of document.cookie.
  return requireUsable(fromPairs(pairs), 1);
}

/** Exact names win; Clerk's namespaced variants (`__client_<suffix>`) are the fallback (spec §2.1). */
function fromPairs(pairs: Array<[string, string]>): ClerkCookies {
  const pick = (name: string): string | undefined => {
    const exact = pairs.find(([key, value]) => key === name && value);
    if (exact) return exact[1];
    const namespaced = pairs.find(
      ([key, value]) => key.startsWith(`${name}_`) && !key.startsWith(`${name}_uat`) && value,
    );
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

function requireUsable(cookies: ClerkCookies, pairCount: number): ClerkCookies {
  if (!cookies.client && !cookies.session) {
    if (pairCount >= 2) throw new CookieParseError(DOCUMENT_COOKIE);
    throw new CookieParseError(`No __client (or __session) cookie found in what you pasted. ${ACCEPTED}`);
  }
  for (const [name, value] of [
    ['__client', cookies.client],
    ['__session', cookies.session],
  ] as const) {
    if (value && /\s/.test(value))
      throw new CookieParseError(
        `The ${name} value has a space or line break inside it, and cookie values never do. ` +
          'Copy just its value, in one piece.',
      );
  }
  // `__client` may be opaque (dots and all), so only one that starts as a JWT header must be a whole JWT.
  if (cookies.client?.startsWith('eyJ') && isCutOffJwt(cookies.client)) throw new CookieParseError(CUT_OFF);
  if (cookies.client && !cookies.client.startsWith('eyJ') && !couldBeClientToken(cookies.client))
    throw new CookieParseError(`The __client value there is not a __client cookie: ${NOT_A_CLIENT_TOKEN}`);
  if (cookies.session && isCutOffJwt(cookies.session)) {
    if (cookies.client)
      delete cookies.session; // useless, but the __client beside it is all that is needed
    else throw new CookieParseError(CUT_OFF);
  }
  return cookies;
}
