/**
 * Unsigned-looking JWTs for the simulator. The proxy only base64url-decodes payloads (protocol 1.4) and never
 * verifies signatures, so a constant, obviously fake signature keeps every token recognisable as test data.
 */
import { randomBytes } from 'node:crypto';

export const FAKE_JWT_SIGNATURE = 'sim-signature';

const HEADER = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');

export function fakeJwt(payload: Record<string, unknown>): string {
  return `${HEADER}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${FAKE_JWT_SIGNATURE}`;
}

/** The payload of any 3-segment JWT (fake or not), or undefined when the value is not one. */
export function decodeFakeJwt(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A short random suffix, so rotated cookies differ and nothing looks like a real Clerk value. */
export function simRandom(): string {
  return randomBytes(9).toString('base64url');
}
