import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Handlers } from '../../../contract/api';
import type { OrchidsCore } from '../core';
import { ApiError, methodNotAllowed } from '../server/errors';
import type { JsonBody } from '../server/server-options';
import { BodyError } from '../server/json-body';
import { readBody } from '../server/read-body';
import { cliCommand } from '../util/cli-command';
import { dispatch } from './dispatch';
import { toContractEvents } from './event-adapter';
import { EXPORT_FRESH_MS, SESSION_TTL_MS, type DashboardAccess, type DashboardSession } from './dashboard-access';

export const DASHBOARD_PATH = '/_tray/';
/** The contract's channels over HTTP: `POST <prefix><channel>`, and the live events as `GET <prefix>events`. */
export const API_PREFIX = '/_tray/api/';
export const EVENTS_CHANNEL = 'events';
const SESSION_COOKIE = 'orchids_tray_session';
/**
 * The largest call body: an accounts import of thousands of accounts fits many times over. It is also held against
 * the server's body budget, whose own ceiling can be lower (the budget's setting, requestBodyBudgetMb, is then named).
 */
const MAX_CALL_BODY_BYTES = 16 * 1024 * 1024;
/** A live-events client this far behind is skipping deltas rather than growing our memory. */
const MAX_BUFFERED_EVENTS_BYTES = 1 << 20;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-store',
};

export interface HttpTransportOptions {
  /** The live stream, the status that opens it, and the server that keeps it open. */
  core: Pick<OrchidsCore, 'subscribe' | 'proxy'>;
  handlers: Handlers;
  /** The install token, sign-in codes and sessions. */
  access: DashboardAccess;
  /** The built renderer (dist/renderer) and the bridge script that gives it `window.orchids` over HTTP. */
  rendererDir: string;
  bridgeFile: string;
  log?: (line: string) => void;
  /**
   * The ways to a fresh sign-in link that work for this app, as the refusal pages say them: only the ones that do
   * (a terminal's Enter only when the app has one). The CLI's alone when not given.
   */
  linkWays?: readonly string[];
}

export const LINK_PATH = '/_tray/link';
/**
 * The refusal page's stylesheet: served without a session (the page is for a browser that has none), and a file
 * rather than a `<style>`, which the CSP (`style-src 'self'`) would block.
 */
const REFUSAL_STYLESHEET_PATH = '/_tray/refused.css';
const REFUSAL_CSS = `:root { color-scheme: light dark; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 34rem; margin: 12vh auto;
  padding: 0 1.25rem; }
h1 { font-size: 1.25rem; margin: 0 0 0.75rem; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; padding: 0.1em 0.3em; border-radius: 4px;
  background: color-mix(in srgb, currentColor 10%, transparent); overflow-wrap: anywhere; }
`;
/** What always works, the app running: the CLI asks it for a link. */
export const CLI_LINK_WAY = `run \`${cliCommand('dashboard')}\``;

/** Alternatives as a sentence says them: "a", "a or b", "a, b or c". */
export function eitherOf(ways: readonly string[]): string {
  return ways.length > 1 ? `${ways.slice(0, -1).join(', ')} or ${ways.at(-1)}` : (ways[0] ?? '');
}

type Caller = { kind: 'token' } | { kind: 'session'; session: DashboardSession };

/**
 * The contract over HTTP for headless mode: the same window, served to a browser on loopback. Every API call
 * needs a dashboard session (the cookie a one-time link sets, see dashboard-access.ts) or the install token as a
 * Bearer header (the CLI); writes also need the custom header and a same-origin request, so another page in the
 * browser cannot forge one.
 */
export class HttpControlTransport {
  private readonly freshLink: string;

  constructor(private readonly options: HttpTransportOptions) {
    this.freshLink = `Get a fresh link: ${eitherOf(options.linkWays ?? [CLI_LINK_WAY])}.`;
  }

  /** A one-time sign-in link (each call makes a new one). */
  dashboardUrl(baseUrl: string): string {
    return this.options.access.signInLink(baseUrl).url;
  }

  /**
   * The server's extra route: true when the path belonged here. Refusals (a status other than 200) are thrown as
   * ApiErrors, so they are in Anthropic's error format like every other refusal of the server's, not in the
   * envelope's `{ok, error}`: the server's own (Host, Origin, remote mode's key, the connection reserve) come before
   * this runs, on these paths too, and would stay in that format anyway. The window's bridge and the CLI read only
   * `error.message` from a refusal, which both formats have, and name it by its status (`http_415`). A 200 with an
   * envelope means the call reached its channel; any other status, that it did not.
   */
  readonly handle = async (req: IncomingMessage, res: ServerResponse, url: URL, json: JsonBody): Promise<boolean> => {
    if (url.pathname === '/_tray') {
      res.writeHead(302, { location: DASHBOARD_PATH + url.search });
      res.end();
      return true;
    }
    if (!url.pathname.startsWith(DASHBOARD_PATH)) return false;
    if (url.pathname.startsWith(API_PREFIX)) {
      await this.api(req, res, url.pathname.slice(API_PREFIX.length), json);
      return true;
    }
    if (url.pathname === LINK_PATH) {
      await this.link(req, res);
      return true;
    }
    if (url.pathname === REFUSAL_STYLESHEET_PATH) {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': CONTENT_TYPES['.css']! });
      res.end(REFUSAL_CSS);
      return true;
    }
    const code = url.searchParams.get('code');
    if (code !== null) {
      const signedIn = this.options.access.redeem(code);
      if (!signedIn) {
        // A browser this link already signed in, opening it again (history, a bookmark): it means the dashboard, and
        // its live session already grants that, so nothing is given that it did not have.
        if (this.caller(req)?.kind === 'session') {
          res.writeHead(303, { location: DASHBOARD_PATH, 'cache-control': 'no-store' });
          res.end();
          return true;
        }
        this.refuse(
          req,
          res,
          'This sign-in link no longer works',
          `This sign-in link was already used, or it has expired. ${this.freshLink}\n`,
        );
        return true;
      }
      // The code is spent; the address bar loses it, and the session cookie is what signs this browser in.
      res.writeHead(303, {
        location: DASHBOARD_PATH,
        'set-cookie': sessionCookie(signedIn.cookieValue),
        'cache-control': 'no-store',
      });
      res.end();
      return true;
    }
    if (url.searchParams.has('token')) {
      this.refuse(
        req,
        res,
        'This is an old kind of link',
        `Dashboard links no longer carry the install token. ${this.freshLink}\n`,
      );
      return true;
    }
    if (!this.caller(req)) {
      this.refuse(
        req,
        res,
        'This browser is not signed in',
        `Open the "Dashboard:" link Orchids Tray printed; it signs this browser in. ${this.freshLink}\n`,
      );
      return true;
    }
    this.serveStatic(res, url.pathname.slice(DASHBOARD_PATH.length));
    return true;
  };

  private async api(req: IncomingMessage, res: ServerResponse, name: string, json: JsonBody): Promise<void> {
    const caller = this.caller(req);
    if (!caller)
      throw new ApiError(
        'authentication_error',
        `Missing or expired dashboard session, or wrong install token. ${this.freshLink}`,
      );
    if (name === EVENTS_CHANNEL) {
      if (req.method === 'HEAD') return this.eventsHead(res);
      if (req.method !== 'GET') throw methodNotAllowed(`${API_PREFIX}${name}`, 'GET, HEAD', req.method);
      this.events(req, res);
      return;
    }
    if (req.method !== 'POST') throw methodNotAllowed(`${API_PREFIX}${name}`, 'POST', req.method);
    if (req.headers['x-orchids-tray'] !== '1') {
      throw new ApiError('permission_error', 'Missing the x-orchids-tray header.', 403);
    }
    // The same checks as a /v1 body's (JSON in UTF-8, the size limit, the body budget), and it must be an object.
    const body = await json(MAX_CALL_BODY_BYTES);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ApiError('invalid_request_error', 'The request body must be a JSON object: {"input": …}.');
    }
    const { input } = body as { input?: unknown };
    const headers: Record<string, string> = {};
    let envelope;
    if (name === 'accounts:export' && caller.kind === 'session' && !this.options.access.isFresh(caller.session)) {
      const minutes = Math.round(EXPORT_FRESH_MS / 60_000);
      envelope = {
        ok: false,
        error: {
          code: 'reauthenticate',
          message:
            `Exporting every cookie needs a sign-in from the last ${minutes} minutes. ${this.freshLink} ` +
            'Open it in this browser, then export again.',
        },
      };
    } else {
      envelope = await dispatch(this.options.handlers, name, input, this.options.log);
      // Rotating the token ended every session, this one too: the browser that asked for it stays signed in.
      if (name === 'settings:rotateInstallToken' && envelope.ok && caller.kind === 'session') {
        headers['set-cookie'] = sessionCookie(this.options.access.startSession().cookieValue);
      }
    }
    const text = JSON.stringify(envelope);
    res.writeHead(200, {
      ...headers,
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'content-length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  /**
   * `POST /_tray/link` with the install token: a fresh sign-in link, for `npm run cli -- dashboard`. It takes no body,
   * and refuses one: a body sent (options, say) would otherwise be ignored without a word.
   */
  private async link(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') throw methodNotAllowed(LINK_PATH, 'POST', req.method);
    if (this.caller(req)?.kind !== 'token') {
      throw new ApiError('authentication_error', 'A sign-in link needs the install token as a Bearer header.');
    }
    // Read to its end even when empty (a chunked body of no bytes), so that the connection can be kept.
    try {
      await readBody(req, 0);
    } catch (error) {
      if (!(error instanceof BodyError) || error.status !== 413) throw error;
      throw new ApiError('invalid_request_error', `${LINK_PATH} takes no request body: send none.`);
    }
    const text = JSON.stringify(this.options.access.signInLink(this.options.core.proxy.url));
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(text);
  }

  /**
   * A browser without a session: 401 with what happened and the way to a fresh link.
   * DECISION: a page for a client that asks for HTML (a link clicked or pasted in a browser sends
   * `Accept: text/html,…`), the same words as one plain line for any other (curl, a script, a test), which reads the
   * line as it is; the status is 401 either way. The page has no script, and its style is a file (CSP).
   */
  private refuse(req: IncomingMessage, res: ServerResponse, heading: string, message: string): void {
    if (!/\btext\/html\b/i.test(req.headers.accept ?? '')) {
      res.writeHead(401, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
      res.end(message);
      return;
    }
    // The ways are commands in backquotes: they read as code, and nothing of them is taken as markup.
    const words = escapeHtml(message.trim()).replace(/`([^`]+)`/g, '<code>$1</code>');
    const page =
      '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
      '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
      '<title>Orchids Tray: sign-in link needed</title>\n' +
      // No icon to fetch: /favicon.ico is a 404 of the proxy's, and the window's icon is behind the session.
      '<link rel="icon" href="data:,">\n' +
      `<link rel="stylesheet" href="${REFUSAL_STYLESHEET_PATH}">\n</head>\n<body>\n<main>\n` +
      `<h1>${escapeHtml(heading)}</h1>\n<p>${words}</p>\n</main>\n</body>\n</html>\n`;
    res.writeHead(401, { ...SECURITY_HEADERS, 'content-type': CONTENT_TYPES['.html']! });
    res.end(page);
  }

  /** HEAD on the live events: their headers, and no stream to hold open. */
  private eventsHead(res: ServerResponse): void {
    res.writeHead(200, EVENTS_HEADERS);
    res.end();
  }

  private events(req: IncomingMessage, res: ServerResponse): void {
    const { core } = this.options;
    core.proxy.markLongLived(res);
    res.writeHead(200, { ...EVENTS_HEADERS, connection: 'keep-alive' });
    const send = (name: string, payload: unknown): void => {
      if (res.writableLength > MAX_BUFFERED_EVENTS_BYTES) return;
      res.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
    };
    // The first message is the status, so a client that (re)connects starts from the present.
    const status = () => core.proxy.status();
    send('proxyStatus', status());
    const unsubscribe = core.subscribe((batch) => {
      for (const { name, payload } of toContractEvents(batch, status)) send(name, payload);
    });
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    keepAlive.unref();
    req.once('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
    });
  }

  private serveStatic(res: ServerResponse, relative: string): void {
    const root = this.options.rendererDir;
    const wanted = relative === '' ? 'index.html' : decodeURIComponent(relative);
    const file = path.resolve(root, wanted);
    if (!file.startsWith(path.resolve(root) + path.sep)) throw new ApiError('not_found_error', 'Not found');
    if (wanted === 'bridge.js') {
      this.sendFile(res, this.options.bridgeFile, '.js');
      return;
    }
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      // A client-side route (#/logs) or a missing build: the app shell answers, or a clear note.
      if (!fs.existsSync(path.join(root, 'index.html'))) {
        res.writeHead(503, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
        res.end('The window has not been built: run `npm run build`.\n');
        return;
      }
      this.sendFile(res, path.join(root, 'index.html'), '.html');
      return;
    }
    this.sendFile(res, file, path.extname(file));
  }

  private sendFile(res: ServerResponse, file: string, extension: string): void {
    let body = fs.readFileSync(file);
    if (extension === '.html') {
      // The bridge defines window.orchids before the app's module script runs; the renderer never knows.
      body = Buffer.from(
        body.toString('utf8').replace(/<head(\s[^>]*)?>/i, (head) => `${head}<script src="/_tray/bridge.js"></script>`),
      );
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
      'content-length': body.length,
    });
    res.end(body);
  }

  /** The install token as a Bearer header (the CLI), or a live session cookie (a browser). */
  private caller(req: IncomingMessage): Caller | undefined {
    const bearer = req.headers.authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (bearer) return this.options.access.matchesToken(bearer.trim()) ? { kind: 'token' } : undefined;
    const cookie = req.headers.cookie
      ?.split(';')
      .map((part) => part.trim())
      .find((part) => part.startsWith(`${SESSION_COOKIE}=`));
    const session = cookie ? this.options.access.session(cookie.slice(SESSION_COOKIE.length + 1)) : undefined;
    return session ? { kind: 'session', session } : undefined;
  }
}

const EVENTS_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store' };

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

function sessionCookie(value: string): string {
  return `${SESSION_COOKIE}=${value}; Path=/_tray; HttpOnly; SameSite=Strict; Max-Age=${SESSION_TTL_MS / 1000}`;
}
