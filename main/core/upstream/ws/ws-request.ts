import { abortError } from '../abort-error';
import { WebSocketCloseError, type UpstreamExchange, type UpstreamSend } from '../transport';
import type { PooledSocket, SocketUser } from './pooled-socket';
import { parseFrame } from './frame-parse';
import { RefusedExchange } from './refusal-capture';
import { endsTurn } from './turn-end';
import type { DialOutcome } from './ws-dial';
import { WsExchange } from './ws-exchange';

/** What a request needs from its transport; read per request, so settings changed at run time apply to the next. */
export interface RequestHost {
  /** An idle open socket of the account, or undefined. */
  takeIdle(accountId: number): PooledSocket | undefined;
  dial(request: UpstreamSend): Promise<DialOutcome>;
  /** The turn ended cleanly: the socket may carry the account's next request. */
  release(socket: PooledSocket): void;
  countRetry(): void;
  firstByteTimeoutMs(): number;
  idleTimeoutMs(): number;
  readonly pingIntervalMs: number;
}

/** setTimeout's ceiling; a longer delay would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * One request on one socket, from taking or dialling the socket to the frame that ends the turn.
 *
 * `send()` resolves once the request frame is written on a freshly dialled socket. On a reused socket it resolves
 * at the first frame of the answer instead: until then the socket may turn out to have died while idle, and the
 * request is then sent once more on a fresh socket, whose dial can still be refused (401, 429 …), and a refusal
 * has to reach the caller as a status, which only an unresolved `send()` can still report.
 *
 * One timer per request does all the timekeeping: the first-frame deadline, then the idle deadline, and the
 * keepalive pings. Frames only stamp the time: nothing is re-armed per frame, nor at the first one (see `arm`).
 */
export class WsRequest implements SocketUser {
  private readonly exchange = new WsExchange();
  private text: string | undefined;
  private socket: PooledSocket | undefined;
  /** The current socket came from the idle pool (and the request has not been retried). */
  private onReusedSocket = false;
  private retried = false;
  private sawFrame = false;
  private done = false;
  private resolveSend: ((exchange: UpstreamExchange) => void) | undefined;
  private rejectSend: ((error: Error) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private sentAt = 0;
  private lastFrameAt = 0;
  private nextPingAt = 0;
  private firstByteMs = 0;
  private idleMs = 0;

  constructor(
    private readonly host: RequestHost,
    private readonly request: UpstreamSend,
  ) {}

  start(): Promise<UpstreamExchange> {
    return new Promise<UpstreamExchange>((resolve, reject) => {
      if (this.request.signal.aborted) {
        reject(abortError());
        return;
      }
      this.resolveSend = resolve;
      this.rejectSend = reject;
      this.request.signal.once('abort', this.onAbort);
      const idle = this.host.takeIdle(this.request.accountId);
      if (idle) {
        this.onReusedSocket = true;
        this.transmit(idle);
      } else {
        void this.dialAndTransmit();
      }
    });
  }

  // ---- SocketUser: the socket's events while this request uses it ----

  frame(raw: string): void {
    const now = performance.now();
    this.lastFrameAt = now;
    if (!this.sawFrame) {
      this.sawFrame = true;
      this.settle();
    }
    let value: unknown;
    try {
      value = parseFrame(raw);
    } catch {
      this.exchange.malformed(raw);
      return;
    }
    if (!endsTurn(value)) {
      this.exchange.frame(value, raw);
      return;
    }
    // The socket goes back first, so whatever the caller does on the last frame can already reuse it.
    this.complete();
    this.exchange.frame(value, raw);
    this.exchange.end();
  }

  closed(code: number, reason: string): void {
    if (this.done) return;
    this.socket = undefined;
    if (this.onReusedSocket && !this.sawFrame && !this.retried) {
      this.retry();
      return;
    }
    if (code === 1000 || code === 1001) {
      this.complete();
      this.exchange.end();
      return;
    }
    this.fail(new WebSocketCloseError(code, reason, !this.sawFrame));
  }

  // ---- the request's course ----

  private async dialAndTransmit(): Promise<void> {
    let outcome: DialOutcome;
    try {
      outcome = await this.host.dial(this.request);
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    if (outcome.kind === 'refused') {
      this.finish();
      this.settle(new RefusedExchange(outcome.refusal));
      return;
    }
    if (this.done || this.request.signal.aborted) {
      outcome.socket.close();
      this.fail(abortError());
      return;
    }
    this.transmit(outcome.socket);
  }

  private transmit(socket: PooledSocket): void {
    this.socket = socket;
    socket.send(this, (this.text ??= this.request.body.toString('utf8')));
    const now = performance.now();
    this.sentAt = now;
    this.nextPingAt = now + this.host.pingIntervalMs;
    this.firstByteMs = this.host.firstByteTimeoutMs();
    this.idleMs = this.host.idleTimeoutMs();
    this.arm(now);
    if (!this.onReusedSocket) this.settle();
  }

  private retry(): void {
    this.retried = true;
    this.onReusedSocket = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.host.countRetry();
    void this.dialAndTransmit();
  }

  /**
   * Before the first frame the timer is also set no later than one idle limit from now: a frame arriving later
   * starts an idle deadline no earlier than that, so the first frame need not re-arm the timer (that re-arm was a
   * second timer per request, and its delay of "10 s minus the time so far" kept creating and dropping Node timer
   * lists, one per distinct whole-millisecond delay). Rounded up: Node cuts a delay to whole milliseconds, so an
   * unrounded one could fire just before its deadline and need one more timer.
   */
  private arm(now: number): void {
    const deadline = this.sawFrame
      ? this.lastFrameAt + limit(this.idleMs)
      : Math.min(this.sentAt + limit(this.firstByteMs), now + limit(this.idleMs));
    const delay = Math.ceil(Math.min(deadline, this.nextPingAt) - now);
    this.timer = setTimeout(this.onTick, Math.min(MAX_TIMER_MS, Math.max(1, delay)));
  }

  private readonly onTick = (): void => {
    this.timer = undefined;
    if (this.done) return;
    const now = performance.now();
    if (this.sawFrame) {
      if (now - this.lastFrameAt >= limit(this.idleMs)) {
        this.fail(
          timeoutError('Orchids went silent mid-answer for longer than the idle timeout.', 'UND_ERR_BODY_TIMEOUT'),
        );
        return;
      }
    } else if (now - this.sentAt >= limit(this.firstByteMs)) {
      this.fail(timeoutError('Orchids did not start answering in time.', 'UND_ERR_HEADERS_TIMEOUT'));
      return;
    }
    if (now >= this.nextPingAt) {
      this.socket?.ping();
      this.nextPingAt = now + this.host.pingIntervalMs;
    }
    this.arm(now);
  };

  /** A socket mid-answer cannot carry another request, so a client that leaves takes the socket with it. */
  private readonly onAbort = (): void => {
    // While a dial runs it has its own abort listener and rejects; the request fails from there.
    if (this.socket) this.fail(abortError());
  };

  /** The turn is over and the socket, if still open, goes back to the pool. */
  private complete(): void {
    this.finish();
    const socket = this.socket;
    this.socket = undefined;
    if (socket) {
      socket.user = undefined;
      this.host.release(socket);
    }
    this.settle();
  }

  private fail(error: Error): void {
    if (this.done) return;
    this.finish();
    const socket = this.socket;
    this.socket = undefined;
    socket?.close();
    const reject = this.rejectSend;
    if (reject) {
      this.resolveSend = this.rejectSend = undefined;
      reject(error);
    } else {
      this.exchange.end(error);
    }
  }

  private finish(): void {
    this.done = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.request.signal.off('abort', this.onAbort);
  }

  private settle(exchange: UpstreamExchange = this.exchange): void {
    const resolve = this.resolveSend;
    if (!resolve) return;
    this.resolveSend = this.rejectSend = undefined;
    resolve(exchange);
  }
}

/** 0 (or less) turns a timeout off, as it does for undici's own timeouts. */
function limit(ms: number): number {
  return ms > 0 ? ms : Infinity;
}

function timeoutError(message: string, code: string): Error {
  const error = new Error(message) as Error & { code: string };
  error.code = code;
  return error;
}
