import { toLocalTime } from './server-clock';

/** Reads a JWT's payload without verifying it: the proxy only needs `exp`, `sid` (or `id`) and
 * `rotating_token` hints. */
export function decodeJwtPayload(token: string): Record<string, unknown> | undefined {
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (first <= 0 || second < 0 || token.indexOf('.', second + 1) >= 0) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8')) as unknown;
    return payload && typeof payload === 'object' && !Array.isArray(payload)
      ? (payload as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * When the token expires on this machine's clock (ms since the epoch), or undefined when it has no `exp`: `exp` is
 * the issuer's time, corrected by the offset its answers' `Date` headers showed (server-clock.ts).
 */
export function jwtExpiryMs(token: string): number | undefined {
  const exp = decodeJwtPayload(token)?.exp;
  return typeof exp === 'number' && Number.isFinite(exp) ? toLocalTime(exp * 1000) : undefined;
}

/**
 * A session JWT's session id: `sid`, else `id` (spec 1.4). A `__client` JWT carries an `id` too (its `client_…`), so
 * callers rule those out by `rotating_token` first.
 */
export function jwtSessionId(payload: Record<string, unknown> | undefined): string | undefined {
  for (const key of ['sid', 'id']) {
    const value = payload?.[key];
    if (typeof value === 'string' && value) return value;
  }
  return undefined;
}

export function looksLikeJwt(value: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value);
}
