import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors';

/**
 * Loopback host names, spelled the one way a browser spells them: `127.x.y.z` in canonical dotted decimal (no
 * leading zeros, no short forms such as `127.1`, no hex), `localhost` and `[::1]`, in any case. Anything else
 * (`127.0.0.1.evil.test`, a trailing dot, `0x7f.1`, a userinfo `@`) is refused: a page using DNS rebinding
 * always sends its own domain name, and a near-miss spelling is the usual way such a name slips past a loose check.
 */
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const LOOPBACK_V4 = new RegExp(`^127\\.${OCTET}\\.${OCTET}\\.${OCTET}$`);
const LOOPBACK_NAMES = new Set(['localhost', '[::1]', '::1']);

export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  return LOOPBACK_NAMES.has(name) || LOOPBACK_V4.test(name);
}

/** Addresses a user means by "only this machine": binding to any other address is remote mode. */
export function isDefaultLoopbackBind(host: string): boolean {
  return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host.toLowerCase());
}

const HOST_HEADER = /^(\[[0-9a-f:.]+\]|[^\s:[\]/@]+)(?::([0-9]{1,5}))?$/i;

/**
 * The host name of a `Host` header, lowercased and without its port (IPv6 literals keep their brackets), or
 * undefined when the header is not a plain `name[:port]`.
 */
export function hostName(header: string): string | undefined {
  const match = HOST_HEADER.exec(header.trim());
  return match ? match[1]!.toLowerCase() : undefined;
}

export interface GuardConfig {
  /**
   * Host names accepted besides loopback ones. Empty unless the server is in remote mode, where it holds the bound
   * address, the machine's own addresses and the names the user listed (setting allowedHosts).
   */
  extraHosts: ReadonlySet<string>;
  /** Browser origins allowed to call the API (`ORCHIDS_TRAY_ALLOWED_ORIGINS`); the server's own origin always is. */
  allowedOrigins: ReadonlySet<string>;
  ownOrigins: ReadonlySet<string>;
}

/** `scheme://authority` at the start of an absolute-form request target, the form clients send to a proxy. */
const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i;

/** The request target as a path and query: an absolute-form target (`http://host/path?q`) without its authority. */
export function originForm(target: string): string {
  if (target.charCodeAt(0) === 0x2f) return target;
  const match = ABSOLUTE_FORM.exec(target);
  if (!match) return target;
  const rest = target.slice(match[0].length);
  return rest.charCodeAt(0) === 0x2f ? rest : `/${rest}`;
}

/**
 * A web page can reach a loopback server by pointing its own domain at 127.0.0.1 (DNS rebinding); its requests
 * then carry that domain in `Host`. Only loopback names (and, in remote mode, the names listed above) are answered.
 * An absolute-form target's host counts instead of the header, as HTTP has it (RFC 9112 §3.2.2), and two Host
 * headers are refused (§3.2): Node reads the first, and a proxy in front of it might have read the other.
 */
export function checkHost(req: IncomingMessage, config: GuardConfig): void {
  if (hostLines(req.rawHeaders) > 1) {
    throw new ApiError('invalid_request_error', 'The request has more than one Host header.', 400);
  }
  const target = req.url ?? '/';
  const header =
    target.charCodeAt(0) === 0x2f ? req.headers.host : (ABSOLUTE_FORM.exec(target)?.[1] ?? req.headers.host);
  if (!header) throw new ApiError('permission_error', 'A Host header is required.', 403);
  const name = hostName(header);
  if (name !== undefined && (isLoopbackHost(name) || config.extraHosts.has(name))) return;
  const shown = name ?? header.slice(0, 100);
  throw new ApiError(
    'permission_error',
    config.extraHosts.size > 0
      ? `Host "${shown}" is not a name of this server. ` +
          'Add it to Settings → Server → Host names for remote clients (ORCHIDS_TRAY_ALLOWED_HOSTS) to use it.'
      : `Host "${shown}" is not this server. Orchids Tray answers only to 127.0.0.1, localhost and [::1].`,
    403,
  );
}

function hostLines(rawHeaders: readonly string[]): number {
  let count = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') count++;
  }
  return count;
}

/** Browsers attach `Origin` to cross-site requests; a page the user merely visits must not drive their accounts. */
export function checkOrigin(req: IncomingMessage, config: GuardConfig): string | undefined {
  const origin = req.headers.origin;
  if (!origin) return undefined;
  if (config.ownOrigins.has(origin) || config.allowedOrigins.has(origin)) return origin;
  throw new ApiError(
    'permission_error',
    `Requests from web pages (origin ${origin}) are refused. ` +
      'To allow this origin, add it to Settings → Server → Allowed web origins (ORCHIDS_TRAY_ALLOWED_ORIGINS).',
    403,
  );
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * The key a request presents: `x-api-key`, `Authorization: Bearer`, or the password of `Authorization: Basic`
 * (what a browser sends after asking for it, which is how the dashboard is reached in remote mode).
 */
function presentedKey(req: IncomingMessage): string | undefined {
  const fromHeader = req.headers['x-api-key'];
  if (fromHeader !== undefined) return (Array.isArray(fromHeader) ? fromHeader[0] : fromHeader)?.trim();
  const authorization = req.headers.authorization;
  if (!authorization) return undefined;
  const bearer = /^bearer\s+(.+)$/i.exec(authorization);
  if (bearer) return bearer[1]!.trim();
  const basic = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : undefined;
  }
  return undefined;
}

/**
 * A key was sent, and it is not this server's. Its message is Anthropic's own, kept word for word: Claude Code
 * recognises the body `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}` and
 * tells its user "Invalid API key". The OpenAI routes, whose clients send `Authorization: Bearer` and have no
 * reason to read "x-api-key", word it their own way (openai/errors.ts).
 */
export class WrongApiKeyError extends ApiError {
  constructor(headers: Record<string, string>) {
    super('authentication_error', 'invalid x-api-key', undefined, headers);
    this.name = 'WrongApiKeyError';
  }
}

/**
 * Compares digests in constant time, so response timing reveals nothing about the key. Both refusals say
 * `x-should-retry: false`: asking again with the same key cannot help, and without it Claude Code retried a 401 in
 * silence for about three minutes before saying "Invalid API key" (claude-code-errors.test.ts).
 */
export function checkApiKey(req: IncomingMessage, expected: string, extraHeaders: Record<string, string> = {}): void {
  if (!expected) return;
  const headers = { 'x-should-retry': 'false', ...extraHeaders };
  const presented = presentedKey(req);
  if (presented === undefined) {
    throw new ApiError(
      'authentication_error',
      'This Orchids Tray requires an API key: send it as x-api-key or Authorization: Bearer.',
      undefined,
      headers,
    );
  }
  if (!timingSafeEqual(digest(presented), digest(expected))) {
    throw new WrongApiKeyError(headers);
  }
}

/** Whether the request carries the key (for answers that only add detail when it does, such as /health). */
export function hasApiKey(req: IncomingMessage, expected: string): boolean {
  const presented = presentedKey(req);
  return presented !== undefined && timingSafeEqual(digest(presented), digest(expected));
}
