import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_NAMES.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** The host name of a `Host` header, without its port (IPv6 literals keep their brackets). */
export function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return end > 0 ? value.slice(0, end + 1) : value;
  }
  const colon = value.lastIndexOf(':');
  return colon >= 0 ? value.slice(0, colon) : value;
}

export interface GuardConfig {
  /** Extra host names accepted besides loopback ones: the bound address when the user asked for a non-loopback bind. */
  extraHosts: ReadonlySet<string>;
  /** Browser origins allowed to call the API (`ORCHIDS_TRAY_ALLOWED_ORIGINS`); the server's own origin always is. */
  allowedOrigins: ReadonlySet<string>;
  ownOrigins: ReadonlySet<string>;
}

/**
 * A web page can reach a loopback server by pointing its own domain at 127.0.0.1 (DNS rebinding); its requests
 * then carry that domain in `Host`. Only loopback names (and what the user bound to explicitly) are answered.
 */
export function checkHost(req: IncomingMessage, config: GuardConfig): void {
  const header = req.headers.host;
  if (!header) throw new ApiError('permission_error', 'A Host header is required.', 403);
  const name = hostName(header);
  if (isLoopbackHost(name) || config.extraHosts.has(name)) return;
  throw new ApiError(
    'permission_error',
    `Host "${name}" is not this server. Orchids Tray answers only to 127.0.0.1, localhost and [::1].`,
    403,
  );
}

/** Browsers attach `Origin` to cross-site requests; a page the user merely visits must not drive their accounts. */
export function checkOrigin(req: IncomingMessage, config: GuardConfig): string | undefined {
  const origin = req.headers.origin;
  if (!origin) return undefined;
  if (config.ownOrigins.has(origin) || config.allowedOrigins.has(origin)) return origin;
  throw new ApiError(
    'permission_error',
    `Requests from web pages (origin ${origin}) are refused. ` +
      'To allow this origin, add it to ORCHIDS_TRAY_ALLOWED_ORIGINS.',
    403,
  );
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Compares digests in constant time, so response timing reveals nothing about the key. */
export function checkApiKey(req: IncomingMessage, expected: string): void {
  if (!expected) return;
  const fromHeader = req.headers['x-api-key'];
  const authorization = req.headers.authorization;
  const presented =
    (Array.isArray(fromHeader) ? fromHeader[0] : fromHeader) ??
    (authorization && /^bearer\s+/i.test(authorization) ? authorization.replace(/^bearer\s+/i, '') : undefined);
  if (presented === undefined) {
    throw new ApiError(
      'authentication_error',
      'This Orchids Tray requires an API key: send it as x-api-key or Authorization: Bearer.',
    );
  }
  if (!timingSafeEqual(digest(presented.trim()), digest(expected))) {
    throw new ApiError('authentication_error', 'invalid x-api-key');
  }
}
