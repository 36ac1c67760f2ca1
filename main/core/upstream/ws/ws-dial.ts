import { WebSocket, type Dispatcher } from 'undici';
import { jwtExpiryMs } from '../../clerk/jwt';
import { ORCHIDS_DESKTOP_USER_AGENT, ORCHIDS_WEB_ORIGIN } from '../../orchids/desktop-identity';
import type { Cancellation } from '../../util/cancellation';
import { abortError } from '../abort-error';
import { PooledSocket, type SocketLifecycle } from './pooled-socket';
import { capturingDispatcher, HandshakeCapture, type UpgradeRefusal } from './refusal-capture';

export type DialOutcome = { kind: 'open'; socket: PooledSocket } | { kind: 'refused'; refusal: UpgradeRefusal };

export interface DialRequest {
  /** The agent URL without the token. */
  url: string;
  accountId: number;
  token: string;
  cookieHeader: string;
  dispatcher: Dispatcher;
  timeoutMs: number;
  signal: Cancellation;
  lifecycle: SocketLifecycle;
}

/** `token` is the only parameter added, and the only place the token travels (spec §3.2). */
export function urlWithToken(url: string, token: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

/**
 * Opens one socket through the shared dispatcher: resolves with it once upgraded, or with the HTTP refusal; rejects
 * with an error carrying the connection failure's code, `UND_ERR_CONNECT_TIMEOUT` when the handshake took longer
 * than `timeoutMs`, or an AbortError when the client went away first.
 */
export function dial(request: DialRequest): Promise<DialOutcome> {
  return new Promise<DialOutcome>((resolve, reject) => new Dial(request, resolve, reject));
}

class Dial {
  private readonly capture = new HandshakeCapture();
  private readonly ws: WebSocket;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly request: DialRequest,
    private readonly resolve: (outcome: DialOutcome) => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.ws = new WebSocket(urlWithToken(request.url, request.token), {
      dispatcher: capturingDispatcher(request.dispatcher, this.capture),
      // No Authorization header: the upgrade carries the token in its URL only, like the desktop app's.
      headers: {
        'user-agent': ORCHIDS_DESKTOP_USER_AGENT,
        origin: ORCHIDS_WEB_ORIGIN,
        cookie: request.cookieHeader,
      },
    });
    this.ws.addEventListener('open', this);
    this.ws.addEventListener('close', this);
    this.timer = setTimeout(this.onTimeout, request.timeoutMs);
    request.signal.once('abort', this.onAbort);
  }

  handleEvent(event: Event): void {
    this.stop();
    if (event.type === 'open') {
      const { request } = this;
      const socket = new PooledSocket(
        this.ws,
        this.capture.socket,
        request.accountId,
        request.url,
        jwtExpiryMs(request.token),
        request.lifecycle,
      );
      request.lifecycle.socketOpened(socket);
      this.resolve({ kind: 'open', socket });
      return;
    }
    const { refusal, error } = this.capture;
    if (refusal) this.resolve({ kind: 'refused', refusal });
    else this.reject(dialError(error));
  }

  private readonly onTimeout = (): void => {
    this.stop();
    this.ws.close();
    this.reject(codedError('Opening the Orchids WebSocket timed out.', 'UND_ERR_CONNECT_TIMEOUT'));
  };

  private readonly onAbort = (): void => {
    this.stop();
    this.ws.close();
    this.reject(abortError());
  };

  private stop(): void {
    clearTimeout(this.timer);
    this.request.signal.off('abort', this.onAbort);
    this.ws.removeEventListener('open', this);
    this.ws.removeEventListener('close', this);
  }
}

/** The failure as failure.ts classifies it: by the code of whatever undici or the socket reported. */
function dialError(cause: Error | undefined): Error {
  const code = codeOf(cause);
  const detail = cause?.message || 'the handshake failed';
  return codedError(`Cannot open the Orchids WebSocket: ${detail}`, code, cause);
}

function codeOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function codedError(message: string, code: string | undefined, cause?: Error): Error {
  const error = new Error(message, cause ? { cause } : undefined) as Error & { code?: string };
  if (code) error.code = code;
  return error;
}
