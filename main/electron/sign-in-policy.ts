/**
 * What the "Sign in with Orchids" window may do, in one place: where it starts, which pages it may show, which
 * cookie it takes, and how it introduces itself. Pure functions, so the tests read them without Electron.
 */

/**
 * Orchids' sign-in page: Clerk's hosted Account Portal on accounts.orchids.app, where the site's "Sign in" leads
 * (its sign-up page is the portal's /sign-up).
 */
export const ORCHIDS_SIGN_IN_URL = 'https://accounts.orchids.app/sign-in';

/**
 * The only hosts the window may show, https only: `*.` also allows every subdomain. Orchids' site, the Account
 * Portal and Clerk's frontend API all live under orchids.app. The rest are the identity providers Orchids'
 * sign-in offers: Google (whose sign-in passes through accounts.youtube.com to set its own session) and GitHub.
 * Orchids' sign-in was not seen to offer Microsoft or Apple, so their pages stay closed.
 */
const SIGN_IN_ALLOWED_HOSTS: readonly string[] = [
  'orchids.app',
  '*.orchids.app',
  'accounts.google.com',
  'accounts.youtube.com',
  'github.com',
];

/** Orchids' own pages, outside the Account Portal and Clerk's API: reaching one means the sign-in is over. */
const ORCHIDS_APP_HOSTS: ReadonlySet<string> = new Set(['orchids.app', 'www.orchids.app']);

function parseHttps(url: string): URL | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '' || parsed.port !== '')
      return undefined;
    return parsed;
  } catch {
    return undefined;
  }
}

function hostAllowed(host: string): boolean {
  return SIGN_IN_ALLOWED_HOSTS.some((allowed) =>
    allowed.startsWith('*.') ? host.endsWith(allowed.slice(1)) : host === allowed,
  );
}

/** True when the sign-in window may show this page. */
export function isSignInPageAllowed(url: string): boolean {
  const parsed = parseHttps(url);
  return parsed !== undefined && hostAllowed(parsed.hostname);
}

/** True for a page of Orchids' site itself, where the Account Portal sends people once they are signed in. */
export function isOrchidsAppPage(url: string): boolean {
  const parsed = parseHttps(url);
  return parsed !== undefined && ORCHIDS_APP_HOSTS.has(parsed.hostname);
}

/** The fields of Electron's Cookie the capture reads. */
export interface CookieLike {
  readonly name: string;
  readonly value: string;
  readonly domain?: string;
}

/** A host-only cookie has the bare host as its domain; a domain cookie has it with a leading dot. */
function cookieHost(cookie: CookieLike): string {
  return (cookie.domain ?? '').replace(/^\./, '').toLowerCase();
}

/** Clerk's `__client` for Orchids' Clerk frontend API (`clerkHost`: clerk.orchids.app): the one value taken. */
export function isClerkClientCookie(cookie: CookieLike, clerkHost: string): boolean {
  return cookie.name === '__client' && cookieHost(cookie) === clerkHost.toLowerCase();
}

/**
 * Clerk's session cookie on an Orchids domain (`__session`, or a namespaced `__session_<suffix>`). Only its name
 * matters: it appears once someone is signed in, which is when asking Clerk about `__client` is safe. Its value is
 * never read.
 */
export function isOrchidsSessionCookie(cookie: CookieLike): boolean {
  const host = cookieHost(cookie);
  const orchids = host === 'orchids.app' || host.endsWith('.orchids.app');
  return orchids && (cookie.name === '__session' || cookie.name.startsWith('__session_'));
}

/**
 * The user agent of the Chrome this Electron is built on, without Electron's and the app's own tokens. Google
 * refuses to sign people in from browsers that name themselves as embedded, and the page has no business knowing
 * which app hosts it. The version is reduced to its major number, as Chrome itself sends it.
 */
export function browserUserAgent(electronUserAgent: string, chromeVersion: string): string {
  const platform = /\(([^)]*)\)/.exec(electronUserAgent)?.[1] ?? 'X11; Linux x86_64';
  const major = chromeVersion.split('.')[0] || '0';
  return `Mozilla/5.0 (${platform}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${major}.0.0.0 Safari/537.36`;
}
