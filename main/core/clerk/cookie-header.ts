/** The Clerk cookies an account is built from, and what a Clerk-authenticated request sends as `Cookie`. */
export interface ClerkCookies {
  /** `__client`: the long-lived credential. Clerk may rotate it on any call; the rotated value must be kept. */
  client?: string;
  clientUat?: string;
  /**
   * `__session`: a short-lived session JWT; enough to bootstrap a `__client` through Clerk when that is all there
   * is.
   */
  session?: string;
  /** `sess_…`: sent as `clerk_active_context=<sid>:` so Clerk and Orchids know which session of the client is meant. */
  sessionId?: string;
}

/**
 * Spec §2.2: `__client=…; __session=…; __client_uat=…; clerk_active_context=<sid>:`. The order is fixed, a part
 * whose value is empty is left out, and the active context is the session id followed by a literal colon (the
 * organization part, empty). Clerk calls, Generation B requests and WebSocket upgrades all send this same header.
 */
export function clerkCookieHeader(cookies: ClerkCookies): string {
  const parts: string[] = [];
  if (cookies.client) parts.push(`__client=${cookies.client}`);
  if (cookies.session) parts.push(`__session=${cookies.session}`);
  if (cookies.clientUat) parts.push(`__client_uat=${cookies.clientUat}`);
  if (cookies.sessionId) parts.push(`clerk_active_context=${cookies.sessionId}:`);
  return parts.join('; ');
}

/** Cookie values Clerk rotated in `Set-Cookie`; they replace the stored ones or later calls fail. */
export interface RotatedCookies {
  client?: string;
  clientUat?: string;
}

export function rotatedFromSetCookie(raw: string | string[] | undefined): RotatedCookies {
  const lines = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const rotated: RotatedCookies = {};
  for (const line of lines) {
    const pair = line.split(';', 1)[0]!;
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    // Clerk clears a cookie with an empty value; that is a sign-out, not a new credential.
    if (!value) continue;
    if (name === '__client') rotated.client = value;
    else if (name === '__client_uat') rotated.clientUat = value;
  }
  return rotated;
}

export function withRotated(cookies: ClerkCookies, rotated: RotatedCookies): ClerkCookies {
  return {
    ...cookies,
    ...(rotated.client ? { client: rotated.client } : {}),
    ...(rotated.clientUat ? { clientUat: rotated.clientUat } : {}),
  };
}
