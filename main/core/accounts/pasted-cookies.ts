import { ClerkError, type ClerkClient, type ClerkIdentity } from '../clerk/clerk-client';
import { withRotated, type ClerkCookies } from '../clerk/cookie-header';
import { decodeJwtPayload, jwtExpiryMs, jwtSessionId } from '../clerk/jwt';
import { AccountError } from './account-error';
import { WHERE_CLIENT_LIVES } from './cookie-parser';

/** Shown after an account was added from `__session` alone: it worked, but it will not next time. */
export const SESSION_PASTE_NOTICE =
  'You pasted the short-lived __session cookie. Clerk traded it for the long-lived __client cookie this time, but ' +
  `__session expires about a minute after the page sets it, so next time copy __client instead: ${WHERE_CLIENT_LIVES}.`;

const SESSION_PASTE_REFUSED =
  'That is the short-lived __session cookie, and Clerk would not trade it for the long-lived __client cookie ' +
  '(a __session cookie expires about a minute after the page sets it). ' +
  `Copy the __client cookie instead: ${WHERE_CLIENT_LIVES}.`;

const SESSION_PASTE_EXPIRED =
  'That is the short-lived __session cookie, and it has already expired ' +
  '(a __session cookie lasts about a minute after the page sets it), ' +
  'so Clerk cannot trade it for the long-lived __client cookie. ' +
  `Copy the __client cookie instead: ${WHERE_CLIENT_LIVES}.`;

export interface ResolvedPaste {
  identity: ClerkIdentity;
  /** With `client` set: the value to store (rotated by Clerk if it rotated). */
  cookies: ClerkCookies;
  notice?: string;
}

/**
 * Turns pasted cookies into an identity and a `__client` to store. A paste with only `__session` is bootstrapped
 * (spec §2.4) and is the one case that asks Clerk twice: once for a `__client`, then who it belongs to. A
 * `__session` already past its `exp` is refused without asking: Clerk cannot trade it, and most pasted ones are.
 */
export async function resolvePastedCookies(
  clerk: ClerkClient,
  pasted: ClerkCookies,
  now: () => number = Date.now,
): Promise<ResolvedPaste> {
  let cookies: ClerkCookies = { ...pasted, sessionId: pasted.sessionId ?? sessionIdOf(pasted.session) };
  let notice: string | undefined;
  if (!cookies.client) {
    const expiry = cookies.session === undefined ? undefined : jwtExpiryMs(cookies.session);
    if (expiry !== undefined && expiry <= now()) throw new AccountError('invalid_cookie', SESSION_PASTE_EXPIRED);
    cookies = await bootstrap(clerk, cookies);
    notice = SESSION_PASTE_NOTICE;
  }
  try {
    const { identity, rotated } = await clerk.lookup(cookies);
    return { identity, cookies: withRotated(cookies, rotated), ...(notice ? { notice } : {}) };
  } catch (error) {
    if (error instanceof ClerkError) throw new AccountError(error.kind, error.message);
    throw error;
  }
}

async function bootstrap(clerk: ClerkClient, cookies: ClerkCookies): Promise<ClerkCookies> {
  let rotated;
  try {
    rotated = await clerk.bootstrap(cookies);
  } catch (error) {
    if (!(error instanceof ClerkError)) throw error;
    // Clerk's own words (a bare 401) would not tell the person what to paste instead.
    if (error.kind === 'rejected') throw new AccountError('rejected', SESSION_PASTE_REFUSED);
    throw new AccountError(
      'unavailable',
      `${error.message} Also, that was the short-lived __session cookie; ` +
        `copy the long-lived __client cookie instead: ${WHERE_CLIENT_LIVES}.`,
    );
  }
  if (!rotated.client) throw new AccountError('rejected', SESSION_PASTE_REFUSED);
  return withRotated(cookies, rotated);
}

function sessionIdOf(session: string | undefined): string | undefined {
  return session === undefined ? undefined : jwtSessionId(decodeJwtPayload(session));
}
